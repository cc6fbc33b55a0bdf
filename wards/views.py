"""Ward pages: the list of wards and one ward's roster in structure order."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.generic import ListView

from personnel.models import PostHolding
from wards import workbook
from wards.access import get_visible_or_404
from wards.clock import today
from wards.models import PositionKind, Ward


class WardListPaginator(Paginator):
    """Pages of the ward list: ``object_list`` is the plain wards in page order (what is counted); a page's
    rows are ``rows(<its wards' pks, a sliced subquery>)``, so only that page's holdings are counted (ORDER
    BY code LIMIT 100 over the grouped join counts every ward's holdings first). A list that fits on its
    first page is not counted: its one query fetches a row more than a page holds."""

    def __init__(self, object_list, per_page, *, rows, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.rows = rows

    def _rows(self, bottom: int, top: int) -> list:
        return list(self.rows(self.object_list.values("pk")[bottom:top]))

    def page(self, number):
        if number in (1, "1") and "count" not in self.__dict__:
            rows = self._rows(0, self.per_page + 1)
            if len(rows) <= self.per_page:
                self.__dict__["count"] = len(rows)  # the whole list
                return self._get_page(rows, 1, self)
            return self._get_page(rows[: self.per_page], self.validate_number(1), self)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self._rows(bottom, bottom + self.per_page), number, self)


class WardListView(ListView):
    template_name = "wards/ward_list.html"
    context_object_name = "wards"
    paginate_by = 100  # the country has 10,000 wards; the Excel export still has every one

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
            # Meta.ordering is dropped from GROUP BY queries: order explicitly, in administrative-code
            # order as the statutory lists are.
            .order_by("code")
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        wards = Ward.objects.visible_to(self.request.user).order_by("code")
        return WardListPaginator(wards, per_page, rows=lambda ids: queryset.filter(pk__in=ids), **kwargs)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        return super().get_context_data(**kwargs, today=today(), querystring=query.urlencode())

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return ward_list_xlsx(self.get_queryset())
        return super().get(request, *args, **kwargs)


WARD_COLUMNS = [
    workbook.Column("Mã đơn vị", 11),
    workbook.Column("Phường", 20),
    workbook.Column("Loại", 9),
    workbook.Column("Dân số", 11, "number"),
    workbook.Column("Diện tích (km²)", 11, "number"),
    workbook.Column("Cán bộ", 9, "number"),
    workbook.Column("Công chức", 10, "number"),
    workbook.Column("Công an", 9, "number"),
    workbook.Column("Tổng", 9, "number"),
    workbook.Column("Ghi chú", 24, "wrap"),
]


def ward_list_xlsx(wards):
    """The ward list as the page shows it (same scoped, annotated queryset), in the statutory layout."""
    day = today()
    rows = (
        [
            w.code,
            w.name,
            w.get_ward_class_display(),
            w.population,
            w.area_km2,
            w.n_can_bo,
            w.n_cong_chuc,
            w.n_police,
            w.n_can_bo + w.n_cong_chuc + w.n_police,
            "Loại minh họa, chờ quyết định của Thành phố" if w.class_is_illustrative else "",
        ]  # fmt: skip
        for w in wards.iterator()
    )
    wb = workbook.new_workbook()
    workbook.write_sheet(
        wb, sheet_title="Danh sách phường", title="DANH SÁCH PHƯỜNG VÀ SỐ LƯỢNG CÁN BỘ, CÔNG CHỨC",
        subtitle=f"(Tính theo chức danh chính đang đảm nhiệm ngày {day:%d/%m/%Y})",
        columns=WARD_COLUMNS, rows=rows, issuer=workbook.default_issuer(), day=day,
    )  # fmt: skip
    return workbook.response(wb, workbook.filename("danh-sach-phuong", day))


def ward_detail(request, slug):
    return render(request, "wards/ward_detail.html", ward_context(request, slug))


def ward_context(request, slug) -> dict:
    """The ward page's context (reused by staffing's page, which adds the findings)."""
    ward = get_visible_or_404(Ward.objects.select_related("district"), request.user, slug=slug)
    holdings = (
        PostHolding.objects.open_on(today())
        .filter(ward=ward)
        .select_related("official", "position")
        .order_by("position__display_order", "-is_primary", "official__sort_key")
    )
    return {"ward": ward, "holdings": holdings, "today": today()}
