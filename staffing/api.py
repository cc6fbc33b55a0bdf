"""REST API v1 of the staffing app: the retirement calculator (GET /api/v1/retirement/), the check's
findings, the plan's proposals and the ward chairs' reviews, and the reform's parameters."""

import django_filters as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from personnel.api import official_field, position_field, ward_field
from personnel.models import PostHolding
from personnel.services import StaleVersion
from staffing import plan, rules
from staffing.filters import FindingFilter, narrow_wards
from staffing.models import Parameter, Proposal, Review, Verdict
from staffing.parameters import parameter_update
from staffing.plan_filters import ProposalFilter
from staffing.retirement import parse_birth, parse_sex, retirement
from staffing.services import check, retirement_roadmap
from wards.api import (
    IF_MATCH_PARAMETER,
    STALE_RESPONSES,
    Conflict,
    PortalViewSetMixin,
    PreconditionFailed,
    VersionedRetrieveMixin,
    VietnameseErrors,
    etag_of,
    expected_version,
    if_match_versions,
)
from wards.clock import today
from wards.models import Ward

RetirementSerializer = inline_serializer(
    "Retirement",
    {
        "retirement_age": inline_serializer(
            "RetirementAge", {"years": serializers.IntegerField(), "months": serializers.IntegerField()}
        ),
        "retirement_date": serializers.DateField(),
        "pension_from": serializers.DateField(),
    },
)


class RetirementView(PortalViewSetMixin, APIView):
    """Normal retirement age, retirement date (last day of the month the age is reached) and pension start
    (Bộ luật Lao động 2019 Điều 169; Nghị định 135/2020), from the reform's roadmap parameter."""

    pagination_class = None

    @extend_schema(
        operation_id="retirement",
        parameters=[
            OpenApiParameter(
                "sex", OpenApiTypes.STR, enum=["M", "F"], required=True, description="M nam, F nữ"
            ),
            OpenApiParameter(
                "born",
                OpenApiTypes.STR,
                required=True,
                description="Ngày sinh YYYY-MM-DD, hoặc chỉ năm sinh YYYY",
            ),
        ],
        responses={200: RetirementSerializer, 400: OpenApiResponse(description="Tham số không hợp lệ")},
    )
    def get(self, request):
        errors = {}
        try:
            sex = parse_sex(request.query_params.get("sex"))
        except ValueError as exc:
            errors["sex"] = [str(exc)]
        try:
            born, _year_only = parse_birth(request.query_params.get("born"), today())
        except ValueError as exc:
            errors["born"] = [str(exc)]
        if errors:
            raise ValidationError(errors)
        result = retirement(sex, born, retirement_roadmap())
        return Response(
            {
                "retirement_age": {"years": result.age_years, "months": result.age_months},
                "retirement_date": result.retirement_date.isoformat(),
                "pension_from": result.pension_from.isoformat(),
            }
        )


# --- Findings, proposals, reviews and the reform's parameters (helper H3) ---------------------------------


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    severity = serializers.ChoiceField(choices=list(rules.SEVERITY_LABELS))
    severity_label = serializers.CharField()
    level = serializers.ChoiceField(choices=list(rules.LEVEL_LABELS))
    level_label = serializers.CharField()
    ward = serializers.CharField(source="ward_slug", allow_null=True)
    ward_name = serializers.CharField(allow_null=True)
    official = serializers.CharField(source="official_code", allow_null=True)
    official_name = serializers.CharField(allow_null=True)
    position = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    basis = serializers.CharField()


def _choice_param(name, description, choices):
    return OpenApiParameter(
        name, OpenApiTypes.STR, enum=list(choices), required=False, description=description
    )


@extend_schema_view(
    list=extend_schema(
        summary="Các phát hiện của việc kiểm tra theo Nghị định 32 (cùng bộ lọc với trang)",
        parameters=[
            _choice_param("code", "Mã phát hiện", rules.CODES),
            _choice_param("severity", "Mức độ", rules.SEVERITY_LABELS),
            _choice_param("level", "Cấp: cán bộ, phường, quận", rules.LEVEL_LABELS),
            OpenApiParameter("province", OpenApiTypes.STR, required=False, description="Tên tỉnh, thành phố"),
            OpenApiParameter("district", OpenApiTypes.STR, required=False, description="Slug quận"),
            OpenApiParameter("ward", OpenApiTypes.STR, required=False, description="Slug phường"),
            OpenApiParameter("position", OpenApiTypes.STR, required=False, description="Mã chức danh"),
            OpenApiParameter("official", OpenApiTypes.STR, required=False, description="Mã cán bộ"),
        ],
    )
)
class FindingViewSet(PortalViewSetMixin, viewsets.GenericViewSet):
    """Findings are computed (staffing.services.check over the wards the caller may see), not rows."""

    serializer_class = FindingSerializer
    filter_backends = []  # FindingFilter is applied to the computed findings in list()

    def get_queryset(self):
        return Ward.objects.visible_to(self.request.user)

    def list(self, request):
        wards = narrow_wards(self.get_queryset(), request.query_params)
        result = check(wards=wards)
        flt = FindingFilter(request.query_params, result=result, wards=wards)
        findings = flt.apply()
        if flt.errors:
            raise ValidationError({name: list(msgs) for name, msgs in flt.errors.items()})
        page = self.paginate_queryset(findings)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- Proposals and the ward chairs' reviews ---------------------------------------------------------------


class VisiblePrimaryKeyField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        queryset = super().get_queryset()
        return queryset.visible_to(request.user) if request is not None else queryset


class ReviewSerializer(VietnameseErrors, serializers.ModelSerializer):
    proposal = serializers.PrimaryKeyRelatedField(read_only=True)
    verdict_display = serializers.CharField(source="get_verdict_display", read_only=True)
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "proposal", "verdict", "verdict_display", "comment", "reviewer", "reviewed_at"]
        read_only_fields = fields


class ReviewWriteSerializer(VietnameseErrors, serializers.Serializer):
    verdict = serializers.ChoiceField(label="Ý kiến", choices=Verdict.choices)
    comment = serializers.CharField(label="Nhận xét", required=False, allow_blank=True, max_length=4000)


class ProposalSerializer(VietnameseErrors, serializers.ModelSerializer):
    reform = serializers.SlugRelatedField(slug_field="code", read_only=True)
    official = official_field()
    official_name = serializers.CharField(source="official.full_name", read_only=True)
    ward = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    target_ward = ward_field(required=False, allow_null=True)
    target_position = position_field(required=False, allow_null=True)
    holding = VisiblePrimaryKeyField(queryset=PostHolding.objects.all(), required=False, allow_null=True)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Phiên bản đã đọc; gửi kèm khi sửa, nếu đã cũ → 409 và không thay đổi gì.",
    )
    review = ReviewSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Proposal
        fields = [
            "id", "reform", "official", "official_name", "ward", "outcome", "outcome_display", "target_ward",
            "target_position", "holding", "policy_basis", "decision_number", "decision_date", "note", "status",
            "approved_at", "created_at", "version", "review",
        ]  # fmt: skip
        read_only_fields = ["status", "approved_at", "created_at"]


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, help_text="Phiên bản đã đọc.")


@extend_schema_view(
    list=extend_schema(summary="Đề xuất sắp xếp (cùng bộ lọc với trang kế hoạch)"),
    retrieve=extend_schema(summary="Một đề xuất; header ETag mang phiên bản"),
    create=extend_schema(summary="Lập đề xuất (Phòng Nội vụ, Quản trị)"),
    update=extend_schema(
        summary="Sửa đề xuất",
        parameters=[IF_MATCH_PARAMETER],
        responses={200: ProposalSerializer, **STALE_RESPONSES},
    ),
    partial_update=extend_schema(
        summary="Sửa một phần đề xuất",
        parameters=[IF_MATCH_PARAMETER],
        responses={200: ProposalSerializer, **STALE_RESPONSES},
    ),
    destroy=extend_schema(
        summary="Xóa đề xuất dự thảo",
        parameters=[IF_MATCH_PARAMETER],
        responses={204: None, **STALE_RESPONSES},
    ),
)
class ProposalViewSet(PortalViewSetMixin, VersionedRetrieveMixin, viewsets.ModelViewSet):
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    write_action = "edit_plan"
    write_actions = {"review": "review_ward", "approve": "approve_plan", "unapprove": "approve_plan"}
    conflict_exceptions = (StaleVersion,)
    ordering_fields = ["id", "created_at", "official__sort_key", "ward__name"]
    ordering = ["ward__name", "official__sort_key", "id"]

    def get_queryset(self):
        return (
            Proposal.objects.visible_to(self.request.user)
            .select_related(
                "reform", "official", "ward", "target_ward", "target_position", "holding", "review__reviewer"
            )
            .order_by("ward__name", "official__sort_key", "id")
        )

    def _answer(self, proposal, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=proposal.pk)
        response = Response(self.get_serializer(fresh).data, status=status_code)
        response["ETag"] = etag_of(fresh.version)
        return response

    def _versioned(self, call, request, proposal, body_version, **kwargs):
        """Run a plan service with the version the caller read; a stale one → 409 (body) or 412 (If-Match)."""
        expected, source = expected_version(request, proposal, body_version)
        try:
            return call(actor=request.user, proposal=proposal, expected_version=expected, **kwargs)
        except StaleVersion as stale:
            if source == "if-match":
                raise PreconditionFailed(str(stale)) from stale
            raise Conflict(str(stale)) from stale

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        proposal = plan.proposal_create(actor=request.user, **data)
        return self._answer(proposal, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        proposal = self.get_object()
        if if_match_versions(request) is not None:
            expected_version(request, proposal, None)
        serializer = self.get_serializer(proposal, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        official = data.pop("official", proposal.official)
        if official.pk != proposal.official_id:
            raise ValidationError(
                {"official": ["Không đổi được cán bộ của một đề xuất; hãy lập đề xuất mới."]}
            )
        body_version = data.pop("version", None)
        updated = self._versioned(plan.proposal_update, request, proposal, body_version, **data)
        return self._answer(updated)

    def destroy(self, request, *args, **kwargs):
        proposal = self.get_object()
        self._versioned(plan.proposal_delete, request, proposal, None)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Phê duyệt đề xuất (Phòng Nội vụ, Quản trị)",
        parameters=[IF_MATCH_PARAMETER],
        request=VersionSerializer,
        responses={200: ProposalSerializer, **STALE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._approval(plan.proposal_approve, request)

    @extend_schema(
        summary="Hủy phê duyệt đề xuất để sửa lại (Phòng Nội vụ, Quản trị)",
        parameters=[IF_MATCH_PARAMETER],
        request=VersionSerializer,
        responses={200: ProposalSerializer, **STALE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def unapprove(self, request, pk=None):
        return self._approval(plan.proposal_unapprove, request)

    def _approval(self, call, request):
        proposal = self.get_object()
        body = VersionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(self._versioned(call, request, proposal, body.validated_data.get("version")))

    @extend_schema(
        summary="Ý kiến của Chủ tịch phường về đề xuất của phường mình (đồng ý / không đồng ý)",
        request=ReviewWriteSerializer,
        responses={200: ProposalSerializer},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        proposal = self.get_object()  # another ward's proposal: 404
        body = ReviewWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan.review_set(actor=request.user, proposal=proposal, **body.validated_data)
        return self._answer(proposal)


class ReviewFilter(filters.FilterSet):
    verdict = filters.ChoiceFilter(label="Ý kiến", choices=Verdict.choices)
    ward = filters.ModelChoiceFilter(
        label="Phường", queryset=Ward.objects.none(), field_name="proposal__ward", to_field_name="slug"
    )

    class Meta:
        model = Review
        fields = ["verdict", "ward"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        self.filters["ward"].queryset = Ward.objects.visible_to(user) if user else Ward.objects.none()


@extend_schema_view(
    list=extend_schema(summary="Ý kiến của Chủ tịch phường (ghi qua POST /proposals/{id}/review/)"),
    retrieve=extend_schema(summary="Một ý kiến"),
)
class ReviewViewSet(PortalViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    ordering_fields = ["id", "reviewed_at"]
    ordering = ["id"]

    def get_queryset(self):
        return Review.objects.visible_to(self.request.user).select_related("reviewer").order_by("id")


# --- The reform's parameters ------------------------------------------------------------------------------


class ParameterSerializer(VietnameseErrors, serializers.ModelSerializer):
    reform = serializers.SlugRelatedField(slug_field="code", read_only=True)
    value = serializers.JSONField(help_text="Giá trị mới phải cùng dạng với giá trị cũ.")

    class Meta:
        model = Parameter
        fields = ["id", "reform", "key", "label", "value", "unit", "citation", "is_default"]
        read_only_fields = ["key", "label", "unit"]


class ParameterFilter(filters.FilterSet):
    reform = filters.CharFilter(label="Mã đợt sắp xếp", field_name="reform__code")
    key = filters.CharFilter(label="Khóa")

    class Meta:
        model = Parameter
        fields = ["reform", "key", "is_default"]


@extend_schema_view(
    list=extend_schema(summary="Tham số của đợt sắp xếp (mọi vai trò đọc được)"),
    retrieve=extend_schema(summary="Một tham số"),
    update=extend_schema(summary="Sửa tham số (Quản trị)"),
    partial_update=extend_schema(summary="Sửa một phần tham số (Quản trị)"),
)
class ParameterViewSet(
    PortalViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ParameterSerializer
    filterset_class = ParameterFilter
    write_action = "edit_parameters"
    ordering_fields = ["key", "id"]
    ordering = ["key"]

    def get_queryset(self):
        # The law holds no ward's data: every role reads it.
        return Parameter.objects.select_related("reform").order_by("reform__cutover_date", "key", "id")

    def perform_update(self, serializer):
        serializer.instance = parameter_update(
            actor=self.request.user, parameter=serializer.instance, **serializer.validated_data
        )
