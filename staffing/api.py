"""REST API v1 of the staffing app: the retirement calculator (GET /api/v1/retirement/)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from staffing.retirement import parse_birth, parse_sex, retirement
from staffing.services import retirement_roadmap
from wards.api import PortalViewSetMixin
from wards.clock import today

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
