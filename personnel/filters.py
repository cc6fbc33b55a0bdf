"""The one FilterSet of the official list, shared by the page, its Excel export and the API."""

import datetime as dt

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from personnel.models import Education, Official, PoliticalTheory, PostHolding, Sex
from wards.clock import today
from wards.models import Position, PositionKind, Ward
from wards.text import fold


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29/02 in a year without one
        return day.replace(year=day.year - years, day=28)


class OfficialFilter(filters.FilterSet):
    q = filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": _("Name or official code")}),
    )
    ward = filters.ModelChoiceFilter(
        label=_("Ward"), queryset=Ward.objects.none(), field_name="ward", to_field_name="slug"
    )
    position = filters.ModelChoiceFilter(
        label=_("Post"), queryset=Position.objects.all(), method="filter_position", to_field_name="code"
    )
    kind = filters.ChoiceFilter(label=_("Kind"), choices=PositionKind.choices, method="filter_kind")
    sex = filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices)
    # ChoiceFilter, not TypedChoiceFilter: only ChoiceFilter offers the blank "any" choice, without which
    # the browser preselects level 0 and every "Lọc" silently filtered on "Chưa qua đào tạo".
    education = filters.ChoiceFilter(label=_("Professional education"), choices=Education.choices)
    education_below = filters.ChoiceFilter(
        label=_("Education below"), choices=Education.choices, field_name="education", lookup_expr="lt"
    )
    political_theory = filters.ChoiceFilter(label=_("Political theory"), choices=PoliticalTheory.choices)
    age_min = filters.NumberFilter(label=_("Age from"), method="filter_age_min", min_value=0, max_value=120)
    age_max = filters.NumberFilter(label=_("Age up to"), method="filter_age_max", min_value=0, max_value=120)

    class Meta:
        model = Official
        fields = [
            "q",
            "ward",
            "position",
            "kind",
            "sex",
            "education",
            "political_theory",
            "age_min",
            "age_max",
        ]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        # A ward chair's ward menu lists only their own ward; a foreign slug is "not a valid choice".
        self.filters["ward"].queryset = Ward.objects.visible_to(user) if user else Ward.objects.none()

    def filter_q(self, queryset, name, value):
        key = fold(value)
        if not key:
            return queryset
        return queryset.filter(Q(search_name__contains=key) | Q(code__iexact=value.strip()))

    def _holding(self, **lookup):
        return Exists(PostHolding.objects.open_on(today()).filter(official=OuterRef("pk"), **lookup))

    def filter_position(self, queryset, name, value):
        return queryset.filter(self._holding(position=value)) if value else queryset

    def filter_kind(self, queryset, name, value):
        return queryset.filter(self._holding(position__kind=value, is_primary=True)) if value else queryset

    def filter_age_min(self, queryset, name, value):
        # At least N years old today: born on or before today minus N years.
        return queryset.filter(birth_date__lte=_years_before(today(), int(value)))

    def filter_age_max(self, queryset, name, value):
        # At most N years old: not yet N+1, i.e. born after today minus (N+1) years.
        return queryset.filter(birth_date__gt=_years_before(today(), int(value) + 1))
