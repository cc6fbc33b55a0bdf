"""The one FilterSet of the official list, shared by the page, its Excel export and the API."""

import datetime as dt

import django_filters as filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from personnel.models import Education, Official, PoliticalTheory, PostHolding, Sex
from wards.clock import today
from wards.models import Position, PositionKind, Ward
from wards.text import fold
from wards.widgets import (  # noqa: F401
    QuickNumberInput,
    QuickSelect,
    QuickTextInput,
    WardChoiceFilter,
    WardField,
    WardWidget,
)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29/02 in a year without one
        return day.replace(year=day.year - years, day=28)


class OfficialFilter(filters.FilterSet):
    q = filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=QuickTextInput(attrs={"placeholder": _("Name or official code")}),
    )
    ward = WardChoiceFilter(
        label=_("Ward"), queryset=Ward.objects.none(), field_name="ward", to_field_name="slug"
    )
    position = filters.ModelChoiceFilter(
        label=_("Post"),
        queryset=Position.objects.all(),
        method="filter_position",
        to_field_name="code",
        widget=QuickSelect,
    )
    kind = filters.ChoiceFilter(
        label=_("Kind"), choices=PositionKind.choices, method="filter_kind", widget=QuickSelect
    )
    sex = filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices, widget=QuickSelect)
    # ChoiceFilter, not TypedChoiceFilter: only ChoiceFilter offers the blank "any" choice, without which
    # the browser preselects level 0 and every "Lọc" silently filtered on "Chưa qua đào tạo".
    education = filters.ChoiceFilter(
        label=_("Professional education"), choices=Education.choices, widget=QuickSelect
    )
    education_below = filters.ChoiceFilter(
        label=_("Education below"),
        choices=Education.choices,
        field_name="education",
        lookup_expr="lt",
        widget=QuickSelect,
    )
    political_theory = filters.ChoiceFilter(
        label=_("Political theory"), choices=PoliticalTheory.choices, widget=QuickSelect
    )
    age_min = filters.NumberFilter(
        label=_("Age from"), method="filter_age_min", min_value=0, max_value=120, widget=QuickNumberInput
    )
    age_max = filters.NumberFilter(
        label=_("Age up to"), method="filter_age_max", min_value=0, max_value=120, widget=QuickNumberInput
    )

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
        # A ward chair's ward menu lists only their own ward; another ward's slug, code or name is "not found".
        self.filters["ward"].queryset = Ward.objects.visible_to(user) if user else Ward.objects.none()

    def _filtering(self) -> bool:
        """Whether any filter has a value: without one the list is the queryset as given, and neither the
        form (ten fields, built and validated) nor its queries are needed to say so."""
        if not hasattr(self, "_has_values"):
            data = self.data if self.is_bound else {}
            prefix = f"{self.form_prefix}-" if self.form_prefix else ""
            self._has_values = any(data.get(prefix + name) for name in self.filters)
        return self._has_values

    def is_valid(self):
        return super().is_valid() if self._filtering() else True

    @property
    def qs(self):
        if not hasattr(self, "_qs") and not self._filtering():
            self._qs = self.queryset.all()
        return super().qs

    def get_form_class(self):
        # The same form class serves every request: built once, not a class (and ten fields) per request.
        # Only the ward field's queryset (the user's wards) differs: the class holds none, `form` sets it.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            form_class = super().get_form_class()
            form_class.base_fields["ward"].queryset = Ward.objects.none()
            cls._form_class = form_class
        return cls._form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            if self._filtering():
                form = super().form
            else:  # nothing to validate: an unbound form renders the same blank fields without cleaning them
                form = self._form = self.get_form_class()(prefix=self.form_prefix)
            form.fields["ward"].queryset = self.filters["ward"].queryset
        return self._form

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
