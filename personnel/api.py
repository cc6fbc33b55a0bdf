"""REST API v1 of the roster: officials (with their post holdings), post holdings and family relations.

Reads are scoped through ``visible_to``; writes go through ``personnel.services`` exactly as the pages do.
An official's update carrying a stale ``version`` (body) is refused with 409, a stale ``If-Match`` with 412.
"""

from collections import defaultdict
from functools import reduce

import django_filters as filters
from django.db.models import Prefetch
from drf_spectacular.drainage import set_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from personnel import services
from personnel.filters import OfficialFilter
from personnel.models import FamilyRelation, Official, PostHolding, RelationKind
from wards import access
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
from wards.models import Position, Ward


class VisibleSlugField(serializers.SlugRelatedField):
    """A reference by slug/code to a row the caller may see; another ward's row is "does not exist"."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None or not hasattr(queryset, "visible_to"):
            return queryset
        return queryset.visible_to(request.user)


def ward_field(**kwargs):
    return VisibleSlugField(slug_field="slug", queryset=Ward.objects.all(), **kwargs)


def official_field(**kwargs):
    return VisibleSlugField(slug_field="code", queryset=Official.objects.all(), **kwargs)


def position_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=Position.objects.all(), **kwargs)


# The list page's filter of a position (a method filter) takes the position's code: say so in the schema.
set_override(OfficialFilter.base_filters["position"], "field", OpenApiTypes.STR)


# --- Post holdings --------------------------------------------------------------------------------------


class HoldingSerializer(VietnameseErrors, serializers.ModelSerializer):
    official = official_field()
    ward = ward_field()
    position = position_field()
    position_title = serializers.CharField(source="position.title", read_only=True)
    is_primary = serializers.BooleanField(default=True)

    class Meta:
        model = PostHolding
        fields = [
            "id", "official", "ward", "position", "position_title", "is_primary", "start_date", "end_date",
            "decision_number",
        ]  # fmt: skip


class NestedHoldingSerializer(VietnameseErrors, serializers.ModelSerializer):
    ward = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    position = serializers.SlugRelatedField(slug_field="code", read_only=True)
    position_title = serializers.CharField(source="position.title", read_only=True)

    class Meta:
        model = PostHolding
        fields = [
            "id", "ward", "position", "position_title", "is_primary", "start_date", "end_date", "decision_number"
        ]  # fmt: skip
        read_only_fields = fields


class HoldingEndSerializer(VietnameseErrors, serializers.Serializer):
    end_date = serializers.DateField(label="Ngày kết thúc")
    decision_number = serializers.CharField(
        label="Số quyết định", required=False, allow_blank=True, max_length=60
    )


class HoldingFilter(filters.FilterSet):
    official = filters.CharFilter(label="Mã cán bộ", field_name="official__code")
    ward = filters.ModelChoiceFilter(
        label="Phường", queryset=Ward.objects.none(), field_name="ward", to_field_name="slug"
    )
    position = filters.ModelChoiceFilter(
        label="Chức danh", queryset=Position.objects.all(), field_name="position", to_field_name="code"
    )
    is_primary = filters.BooleanFilter(label="Chức danh chính")
    current = filters.BooleanFilter(label="Đang đảm nhiệm (hôm nay)", method="filter_current")

    class Meta:
        model = PostHolding
        fields = ["official", "ward", "position", "is_primary", "current"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        self.filters["ward"].queryset = Ward.objects.visible_to(user) if user else Ward.objects.none()

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        open_ids = PostHolding.objects.open_on(today()).values("pk")
        return queryset.filter(pk__in=open_ids) if value else queryset.exclude(pk__in=open_ids)


@extend_schema_view(
    list=extend_schema(summary="Chức danh đảm nhiệm (chính và kiêm nhiệm, có thời hạn)"),
    retrieve=extend_schema(summary="Một chức danh đảm nhiệm"),
    create=extend_schema(summary="Giao chức danh cho cán bộ (Phòng Nội vụ, Quản trị)"),
)
class HoldingViewSet(
    PortalViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = HoldingSerializer
    filterset_class = HoldingFilter
    write_action = "edit_roster"
    ordering_fields = ["start_date", "end_date", "id"]
    ordering = ["-start_date", "id"]

    def get_queryset(self):
        return (
            PostHolding.objects.visible_to(self.request.user)
            .select_related("official", "ward", "position")
            .order_by("-start_date", "id")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        self.require("edit_roster", data["ward"].pk)
        serializer.instance = services.holding_open(actor=self.request.user, **data)

    @extend_schema(
        summary="Kết thúc một chức danh đảm nhiệm", request=HoldingEndSerializer, responses=HoldingSerializer
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        holding = self.get_object()
        self.require("edit_roster", holding.ward_id)
        form = HoldingEndSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.holding_end(actor=request.user, holding=holding, **form.validated_data)
        return Response(HoldingSerializer(holding, context=self.get_serializer_context()).data)


# --- Officials --------------------------------------------------------------------------------------------


class OfficialSerializer(VietnameseErrors, serializers.ModelSerializer):
    ward = ward_field()
    ward_name = serializers.CharField(source="ward.name", read_only=True)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Phiên bản đã đọc; gửi kèm khi sửa, nếu đã cũ → 409 và không thay đổi gì.",
    )
    holdings = NestedHoldingSerializer(many=True, read_only=True)

    class Meta:
        model = Official
        fields = [
            "code", "full_name", "sex", "birth_date", "birth_precision", "ward", "ward_name", "education",
            "major", "political_theory", "it_certificate", "law_training", "civil_status_training",
            "recruitment_date", "party_date", "notes", "version", "holdings",
        ]  # fmt: skip
        # The service reports a duplicate code on the "code" field, in Vietnamese.
        extra_kwargs = {"code": {"validators": []}}

    def to_representation(self, instance):
        """The JSON the fields above write (the OpenAPI schema and every write still go through them),
        written out by official_json(): DRF's field machinery took ~10 µs per field, most of the API
        list's time. tests/api/test_official_list_api.py checks it against the declared fields."""
        if not isinstance(instance, Official):
            return super().to_representation(instance)
        holdings = [tuple(_path(h, f) for f in HOLDING_FIELDS) for h in instance.holdings.all()]
        return official_json(*(_path(instance, f) for f in OFFICIAL_FIELDS), holdings=holdings)


def _path(obj, lookup: str):
    """``obj.ward.slug`` for "ward__slug"."""
    return reduce(getattr, lookup.split("__"), obj)


# The columns of official_json() and holding_json(), in their order, as the list reads them.
OFFICIAL_FIELDS = (
    "code", "full_name", "sex", "birth_date", "birth_precision", "ward__slug", "ward__name", "education", "major",
    "political_theory", "it_certificate", "law_training", "civil_status_training", "recruitment_date",
    "party_date", "notes", "version",
)  # fmt: skip
HOLDING_FIELDS = (
    "id", "ward__slug", "position__code", "position__title", "is_primary", "start_date", "end_date",
    "decision_number",
)  # fmt: skip


def official_json(
    code, full_name, sex, birth_date, birth_precision, ward, ward_name, education, major, political_theory,
    it_certificate, law_training, civil_status_training, recruitment_date, party_date, notes, version, *,
    holdings,
) -> dict:  # fmt: skip
    """An official as OfficialSerializer's fields write it (``holdings``: tuples of HOLDING_FIELDS)."""
    return {
        "code": code, "full_name": full_name, "sex": sex, "birth_date": _iso(birth_date),
        "birth_precision": birth_precision, "ward": ward, "ward_name": ward_name, "education": education,
        "major": major, "political_theory": political_theory, "it_certificate": it_certificate,
        "law_training": law_training, "civil_status_training": civil_status_training,
        "recruitment_date": _iso(recruitment_date), "party_date": _iso(party_date), "notes": notes,
        "version": version, "holdings": [holding_json(*h) for h in holdings],
    }  # fmt: skip


def holding_json(
    id, ward, position, position_title, is_primary, start_date, end_date, decision_number
) -> dict:  # noqa: A002
    """A post holding as NestedHoldingSerializer's fields write it."""
    return {
        "id": id, "ward": ward, "position": position, "position_title": position_title,
        "is_primary": is_primary, "start_date": _iso(start_date), "end_date": _iso(end_date),
        "decision_number": decision_number,
    }  # fmt: skip


def _iso(day):
    return None if day is None else day.isoformat()


@extend_schema_view(
    list=extend_schema(summary="Danh sách cán bộ, công chức (cùng bộ lọc với trang danh sách)"),
    retrieve=extend_schema(summary="Một cán bộ, kèm các chức danh; header ETag mang phiên bản"),
    create=extend_schema(summary="Thêm cán bộ (Phòng Nội vụ, Quản trị)"),
    update=extend_schema(
        summary="Sửa hồ sơ cán bộ",
        parameters=[IF_MATCH_PARAMETER],
        responses={200: OfficialSerializer, **STALE_RESPONSES},
    ),
    partial_update=extend_schema(
        summary="Sửa một phần hồ sơ cán bộ",
        parameters=[IF_MATCH_PARAMETER],
        responses={200: OfficialSerializer, **STALE_RESPONSES},
    ),
)
class OfficialViewSet(
    PortalViewSetMixin,
    VersionedRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OfficialSerializer
    filterset_class = OfficialFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    write_action = "edit_roster"
    conflict_exceptions = (services.StaleVersion,)
    ordering_fields = ["sort_key", "code", "birth_date", "education", "political_theory"]
    ordering = ["sort_key", "code"]

    def get_queryset(self):
        holdings = PostHolding.objects.select_related("ward", "position").order_by(
            "-is_primary", "start_date", "pk"
        )
        return (
            Official.objects.visible_to(self.request.user)
            .select_related("ward")
            .prefetch_related(Prefetch("holdings", queryset=holdings))
            .order_by("sort_key", "code")
        )

    def _fresh(self, official):
        return self.get_queryset().get(pk=official.pk)

    def list(self, request, *args, **kwargs):
        """The page's officials and their posts read as tuples, not model instances (two thirds of the
        time went into building ~150 instances per page); the same two queries, the same JSON."""
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        page = self.paginate_queryset(queryset.values_list("id", *OFFICIAL_FIELDS))
        if page is None:
            return super().list(request, *args, **kwargs)
        holdings = defaultdict(list)
        rows = (
            PostHolding.objects.filter(official_id__in=[row[0] for row in page])
            .order_by("official_id", "-is_primary", "start_date", "pk")  # as get_queryset's prefetch
            .values_list("official_id", *HOLDING_FIELDS)
        )
        for official_id, *holding in rows:
            holdings[official_id].append(holding)
        return self.get_paginated_response(
            [official_json(*row[1:], holdings=holdings[row[0]]) for row in page]
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        self.require("edit_roster", data["ward"].pk)
        official = self._fresh(services.official_create(actor=request.user, **data))
        response = Response(self.get_serializer(official).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag_of(official.version)
        return response

    def update(self, request, *args, partial=False, **kwargs):
        official = self.get_object()
        self.require("edit_roster", official.ward_id)
        if if_match_versions(request) is not None:  # a precondition is checked before the body
            expected_version(request, official, None)
        serializer = self.get_serializer(official, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected, source = expected_version(request, official, data.pop("version", None))
        if "ward" in data:
            self.require("edit_roster", data["ward"].pk)
        try:
            services.official_update(official=official, actor=request.user, expected_version=expected, **data)
        except services.StaleVersion as stale:
            if source == "if-match":
                raise PreconditionFailed(str(stale)) from stale
            raise Conflict(str(stale)) from stale
        official = self._fresh(official)
        response = Response(self.get_serializer(official).data)
        response["ETag"] = etag_of(official.version)
        return response


# --- Family relations ------------------------------------------------------------------------------------


class RelationSerializer(VietnameseErrors, serializers.ModelSerializer):
    """``relative`` is the ``kind`` of ``official``. A ward chair sees the other side's code and name only
    when that person works in their own ward (as on the official's page)."""

    official = official_field()
    # Null in a ward chair's reading when the relative works in another ward; required when writing.
    relative = official_field(allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    official_name = serializers.SerializerMethodField()
    relative_name = serializers.SerializerMethodField()

    class Meta:
        model = FamilyRelation
        fields = ["id", "official", "official_name", "relative", "relative_name", "kind", "kind_display"]
        validators = []  # the service names the duplicate pair in Vietnamese

    def validate_relative(self, value):
        if value is None:
            raise serializers.ValidationError("Hãy nhập mã cán bộ của người thân.")
        return value

    def _visible(self, person) -> bool:
        request = self.context.get("request")
        ward = access.chair_ward_id(request.user) if request else None
        return ward is None or person.ward_id == ward

    def get_official_name(self, relation) -> str:
        return relation.official.full_name

    def get_relative_name(self, relation) -> str | None:
        return relation.relative.full_name if self._visible(relation.relative) else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self._visible(instance.relative):
            data["relative"] = None
        return data


class RelationFilter(filters.FilterSet):
    official = filters.CharFilter(label="Mã cán bộ (ở một trong hai phía)", method="filter_official")
    kind = filters.ChoiceFilter(label="Quan hệ", choices=RelationKind.choices)

    class Meta:
        model = FamilyRelation
        fields = ["official", "kind"]

    def filter_official(self, queryset, name, value):
        code = value.strip()
        return queryset.filter(official__code=code) | queryset.filter(relative__code=code)


@extend_schema_view(
    list=extend_schema(summary="Quan hệ gia đình giữa các cán bộ"),
    retrieve=extend_schema(summary="Một quan hệ gia đình"),
    create=extend_schema(summary="Thêm quan hệ gia đình (Phòng Nội vụ, Quản trị)"),
    destroy=extend_schema(summary="Xóa quan hệ gia đình (Phòng Nội vụ, Quản trị)"),
)
class RelationViewSet(
    PortalViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = RelationSerializer
    filterset_class = RelationFilter
    write_action = "edit_roster"
    ordering_fields = ["id", "kind"]
    ordering = ["id"]

    def get_queryset(self):
        return (
            FamilyRelation.objects.visible_to(self.request.user)
            .select_related("official", "relative")
            .order_by("id")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        self.require("edit_roster", data["official"].ward_id)
        serializer.instance = services.relation_create(actor=self.request.user, **data)

    def perform_destroy(self, instance):
        self.require("edit_roster", instance.official.ward_id)
        services.relation_delete(actor=self.request.user, relation=instance)
