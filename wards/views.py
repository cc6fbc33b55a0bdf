"""Ward pages: the list of wards and one ward's roster in structure order."""

from django.db.models import Count, Q
from django.shortcuts import render
from django.views.generic import ListView

from personnel.models import PostHolding
from wards.access import get_visible_or_404
from wards.clock import today
from wards.models import PositionKind, Ward


class WardListView(ListView):
    template_name = "wards/ward_list.html"
    context_object_name = "wards"

    def get_queryset(self):
        day = today()
        current = (
            Q(holdings__start_date__lte=day)
            & (Q(holdings__end_date__isnull=True) | Q(holdings__end_date__gte=day))
            & Q(holdings__is_primary=True)
        )
        return (
            Ward.objects.visible_to(self.request.user)
            .select_related("district")
            .annotate(
                n_can_bo=Count("holdings", filter=current & Q(holdings__position__kind=PositionKind.CAN_BO)),
                n_cong_chuc=Count(
                    "holdings", filter=current & Q(holdings__position__kind=PositionKind.CONG_CHUC)
                ),
                n_police=Count("holdings", filter=current & Q(holdings__position__kind=PositionKind.POLICE)),
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, today=today())


def ward_detail(request, slug):
    ward = get_visible_or_404(Ward.objects.select_related("district"), request.user, slug=slug)
    holdings = (
        PostHolding.objects.open_on(today())
        .filter(ward=ward)
        .select_related("official", "position")
        .order_by("position__display_order", "-is_primary", "official__sort_key")
    )
    return render(request, "wards/ward_detail.html", {"ward": ward, "holdings": holdings, "today": today()})
