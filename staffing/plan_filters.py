"""The one FilterSet of the proposal list, shared by the page, its Excel export and the API."""

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from staffing.models import Outcome, Proposal, ProposalStatus, Verdict
from wards.models import Ward
from wards.text import fold
from wards.widgets import WardChoiceFilter

NOT_REVIEWED = "none"
VERDICT_CHOICES = [*Verdict.choices, (NOT_REVIEWED, _("No opinion yet"))]


class ProposalFilter(filters.FilterSet):
    q = filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": _("Name or official code")}),
    )
    ward = WardChoiceFilter(
        label=_("Ward"), queryset=Ward.objects.none(), field_name="ward", to_field_name="slug"
    )
    outcome = filters.ChoiceFilter(label=_("Outcome"), choices=Outcome.choices)
    status = filters.ChoiceFilter(label=_("Status"), choices=ProposalStatus.choices)
    verdict = filters.ChoiceFilter(
        label=_("Opinion of the ward chair"), choices=VERDICT_CHOICES, method="filter_verdict"
    )

    class Meta:
        model = Proposal
        fields = ["q", "ward", "outcome", "status", "verdict"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        # A ward chair's ward menu lists only their own ward; another ward's slug, code or name is "not found".
        self.filters["ward"].queryset = Ward.objects.visible_to(user) if user else Ward.objects.none()

    def filter_q(self, queryset, name, value):
        key = fold(value)
        if not key:
            return queryset
        return queryset.filter(
            Q(official__search_name__contains=key) | Q(official__code__iexact=value.strip())
        )

    def filter_verdict(self, queryset, name, value):
        if value == NOT_REVIEWED:
            return queryset.filter(review__isnull=True)
        return queryset.filter(review__verdict=value) if value else queryset
