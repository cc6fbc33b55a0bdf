"""REST API v1: the plumbing every viewset shares (authentication, roles, pagination, errors, versions)
and the read-only ward and position catalogue.

Every viewset scopes its rows through ``Model.objects.visible_to(request.user)`` in ``get_queryset`` (DRF
object permissions do not filter lists) and asks ``wards.access.can`` before a write, exactly as the pages do.
"""

import re

import django_filters as filters
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from wards import access
from wards.models import Position, PositionKind, Ward, WardClass
from wards.pagination import CountEstimatingPaginator

MAX_PAGE_SIZE = 200


class PortalPagination(PageNumberPagination):
    """Page-number pagination; ``page_size`` may ask for up to 200 rows. Above 10,000 rows ``count`` is
    PostgreSQL's estimate, rounded, and ``count_is_estimate`` is true (an exact COUNT(*) would cost more
    than the page: ~40 ms at 250,000 officials); ``next`` is exact either way (wards/pagination.py)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_page_message = "Trang không hợp lệ."
    django_paginator_class = CountEstimatingPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response({
            "count": paginator.count,
            "count_is_estimate": paginator.count_is_estimate,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })  # fmt: skip

    def get_paginated_response_schema(self, schema):
        out = super().get_paginated_response_schema(schema)
        properties = out["properties"]
        properties["count"]["description"] = "Số bản ghi; ước lượng (làm tròn) khi count_is_estimate là true."
        estimate = {
            "type": "boolean",
            "description": "true: count là ước lượng của PostgreSQL (danh sách trên 10.000 bản ghi).",
        }
        out["properties"] = {"count": properties.pop("count"), "count_is_estimate": estimate, **properties}
        out["required"] = ["count", "count_is_estimate", "results"]
        return out


class RolePermission(BasePermission):
    """Reads for every role (the queryset decides which rows); writes only where ``access.can`` allows
    ``view.write_action`` (or ``view.write_actions[view.action]``; None: read-only). Users without a role
    get nothing."""

    message = "Bạn không có quyền thực hiện thao tác này."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated) or access.role_of(user) is None:
            return False
        if request.method in SAFE_METHODS:
            return True
        action = getattr(view, "write_actions", {}).get(getattr(view, "action", None), view.write_action)
        return action is not None and access.can(user, action)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Bản ghi đã được người khác sửa; hãy tải lại."
    default_code = "stale_version"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "If-Match không khớp phiên bản hiện tại của bản ghi; hãy tải lại."
    default_code = "precondition_failed"


def _vn_validation_detail(error: DjangoValidationError):
    """A service's ValidationError as DRF detail: {field: [messages]} where the service named fields."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): msgs
            for field, msgs in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


# DRF's own Vietnamese catalogue is partial: these messages replace the English ones left in it, by key,
# on every field of our serializers (the placeholders are DRF's).
VN_FIELD_MESSAGES = {
    "null": "Trường này không được để trống (null).",
    "invalid": "Giá trị không hợp lệ.",
    "max_value": "Giá trị phải nhỏ hơn hoặc bằng {max_value}.",
    "min_value": "Giá trị phải lớn hơn hoặc bằng {min_value}.",
    "max_string_length": "Số quá lớn.",
    "invalid_choice": "“{input}” không phải là lựa chọn hợp lệ.",
    "max_length": "Không được dài quá {max_length} ký tự.",
    "min_length": "Phải có ít nhất {min_length} ký tự.",
    "datetime": "Cần một ngày, không phải ngày giờ.",
    "incorrect_type": "Kiểu dữ liệu không đúng.",
    "not_a_list": "Cần một danh sách.",
    "not_a_dict": "Cần một đối tượng.",
    "max_digits": "Không được quá {max_digits} chữ số.",
    "max_decimal_places": "Không được quá {max_decimal_places} chữ số thập phân.",
    "max_whole_digits": "Không được quá {max_whole_digits} chữ số phần nguyên.",
}
KEEP_TRANSLATED = {"required", "blank"}
_VN_BY_FIELD = {
    "invalid": {
        "IntegerField": "Hãy nhập một số nguyên.",
        "BooleanField": "Hãy nhập true hoặc false.",
        "CharField": "Hãy nhập một chuỗi ký tự.",
        "DecimalField": "Hãy nhập một số.",
        "FloatField": "Hãy nhập một số.",
        "JSONField": "Giá trị JSON không hợp lệ.",
    }
}


class VietnameseErrors:
    """Serializer mixin: the field errors in Vietnamese, so a 400 names the field in the user's language."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            # Each relation class formats its own placeholders.
            if isinstance(field, serializers.SlugRelatedField):
                field.error_messages["does_not_exist"] = "Không tìm thấy {slug_name} “{value}”."
            elif isinstance(field, serializers.PrimaryKeyRelatedField):
                field.error_messages["does_not_exist"] = "Không tìm thấy bản ghi số “{pk_value}”."
            for key in field.error_messages:
                if key in KEEP_TRANSLATED or key not in VN_FIELD_MESSAGES:
                    continue
                if key == "invalid" and type(field).__name__ in ("DateField", "DateTimeField"):
                    continue  # DRF's Vietnamese message already lists the accepted formats
                by_field = _VN_BY_FIELD.get(key, {})
                field.error_messages[key] = by_field.get(type(field).__name__, VN_FIELD_MESSAGES[key])
        return fields


_VN_API_ERRORS = {
    exceptions.NotAuthenticated: "Chưa xác thực: gửi header “Authorization: Token <mã>” hoặc đăng nhập.",
    exceptions.AuthenticationFailed: "Mã truy cập không hợp lệ hoặc đã bị thu hồi.",
    exceptions.ParseError: "Dữ liệu gửi lên không đúng định dạng (JSON lỗi).",
    exceptions.UnsupportedMediaType: "Kiểu dữ liệu gửi lên không được hỗ trợ; hãy gửi application/json.",
    exceptions.NotAcceptable: "Không trả được dữ liệu theo định dạng được yêu cầu (header Accept).",
}


class PortalViewSetMixin:
    """Token first (so an anonymous caller gets 401 with ``WWW-Authenticate: Token``), then the session;
    outside LoginRequiredMiddleware (no login redirect); the services' errors mapped to 4xx."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [RolePermission]
    pagination_class = PortalPagination
    write_action: str | None = None
    write_actions: dict[str, str] = {}  # per viewset action, where it differs from write_action
    # A service's "someone saved in between" exception (e.g. personnel.services.StaleVersion) → 409.
    conflict_exceptions: tuple[type[Exception], ...] = ()

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))

    def handle_exception(self, exc):
        if isinstance(exc, self.conflict_exceptions):
            exc = Conflict(str(exc))
        elif isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(_vn_validation_detail(exc))
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied(str(exc) or RolePermission.message)
        elif isinstance(exc, IntegrityError):
            exc = Conflict("Dữ liệu xung đột với một bản ghi khác; hãy tải lại và thử lại.")
        elif isinstance(exc, Http404):
            exc = exceptions.NotFound("Không tìm thấy.")
        elif type(exc) in _VN_API_ERRORS:
            exc = type(exc)(_VN_API_ERRORS[type(exc)])
        return super().handle_exception(exc)

    def require(self, action: str, ward_id: int | None = None) -> None:
        if not access.can(self.request.user, action, ward_id):
            raise exceptions.PermissionDenied(RolePermission.message)


# --- Versions: a body field `version` (409 when stale) or an If-Match ETag (412 when stale) ----------------

_ETAG = re.compile(r'^(?:W/)?"(\d+)"$')


def etag_of(version: int) -> str:
    return f'"{version}"'


def if_match_versions(request) -> list[int] | None:
    """The versions an If-Match header accepts; None when absent or ``*``; [] when unparseable."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return None
    out = []
    for part in header.split(","):
        match = _ETAG.match(part.strip())
        if match:
            out.append(int(match.group(1)))
    return out


def expected_version(request, instance, body_version) -> tuple[int | None, str | None]:
    """The version the caller read, and where it came from ("if-match" or "body"), refusing early if stale."""
    accepted = if_match_versions(request)
    if accepted is not None:
        if instance.version not in accepted:
            raise PreconditionFailed(
                f"If-Match không khớp: bản ghi đang ở phiên bản {instance.version}; hãy tải lại."
            )
        return instance.version, "if-match"
    if body_version is not None:
        if body_version != instance.version:
            raise Conflict(
                f"Bản ghi đã được người khác sửa (phiên bản hiện tại {instance.version}, "
                f"bạn gửi phiên bản {body_version}); hãy tải lại."
            )
        return body_version, "body"
    return None, None


IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='ETag nhận được khi đọc bản ghi (ví dụ "3"); phiên bản đã cũ → 412.',
)
STALE_RESPONSES = {
    409: OpenApiResponse(description="Trường version đã cũ: bản ghi đã được người khác sửa."),
    412: OpenApiResponse(description="If-Match không khớp phiên bản hiện tại."),
}


class VersionedRetrieveMixin:
    """Send the row's version as an ETag header when one row is read."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = etag_of(instance.version)
        return response


# --- Wards and positions (read-only catalogue) ------------------------------------------------------------


class WardSerializer(VietnameseErrors, serializers.ModelSerializer):
    district = serializers.CharField(source="district.name", read_only=True)
    ward_class_display = serializers.CharField(source="get_ward_class_display", read_only=True)

    class Meta:
        model = Ward
        fields = [
            "slug", "code", "name", "district", "ward_class", "ward_class_display", "class_is_illustrative",
            "class_decision", "population", "area_km2",
        ]  # fmt: skip


class WardFilter(filters.FilterSet):
    ward_class = filters.ChoiceFilter(label="Loại phường", choices=WardClass.choices)

    class Meta:
        model = Ward
        fields = ["ward_class"]


@extend_schema_view(
    list=extend_schema(summary="Danh sách phường (Chủ tịch phường: chỉ phường mình)"),
    retrieve=extend_schema(summary="Một phường (phường khác của Chủ tịch phường: 404)"),
)
class WardViewSet(PortalViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = WardSerializer
    filterset_class = WardFilter
    lookup_field = "slug"
    ordering_fields = ["name", "code", "ward_class"]
    ordering = ["name"]

    def get_queryset(self):
        return Ward.objects.visible_to(self.request.user).select_related("district").order_by("name", "pk")


class PositionSerializer(VietnameseErrors, serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Position
        fields = [
            "code", "title", "short_title", "kind", "kind_display", "is_leadership", "in_ubnd", "display_order"
        ]  # fmt: skip


class PositionFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(label="Loại", choices=PositionKind.choices)

    class Meta:
        model = Position
        fields = ["kind", "is_leadership", "in_ubnd"]


@extend_schema_view(
    list=extend_schema(summary="Danh mục chức danh cấp phường"),
    retrieve=extend_schema(summary="Một chức danh"),
)
class PositionViewSet(PortalViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PositionSerializer
    filterset_class = PositionFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["display_order", "code", "title"]
    ordering = ["display_order"]

    def get_queryset(self):
        # The catalogue is the same for every role: it holds no ward's data.
        return Position.objects.order_by("display_order", "pk")
