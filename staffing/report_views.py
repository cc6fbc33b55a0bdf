"""The statutory reports page (/bao-cao/) and its downloads: for the Interior Office and administrators."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staffing import reports
from wards import access

REPORTS = [
    ("bao_cao:roster", gettext_lazy("Roster of officials of the wards"),
     gettext_lazy("A summary sheet by ward and one sheet per ward, posts in structure order.")),
    ("bao_cao:findings", gettext_lazy("Review results under Decree 32/2021/NĐ-CP"),
     gettext_lazy("Number of findings by ward and severity; every finding by ward, with its legal basis.")),
    ("bao_cao:plan", gettext_lazy("Planned arrangement and placement of ward officials"),
     gettext_lazy("Each official's outcome by ward: current post, outcome, placement, the ward chair's opinion.")),
    ("bao_cao:headcount", gettext_lazy("Headcount of officials against the quota before and after the cutover"),
     gettext_lazy("Before: officials against the quota of the ward class; after: established civil servants "
                  "against the average of 15 per ward.")),
]  # fmt: skip


def _require(user):
    if not access.can(user, "view_district"):
        raise PermissionDenied(_("Reports are for the Interior Office and administrators."))


def index(request):
    _require(request.user)
    return render(request, "staffing/reports.html", {"title": _("Reports"), "reports": REPORTS})


def roster(request):
    _require(request.user)
    return reports.district_roster_response()


def findings(request):
    _require(request.user)
    return reports.findings_report_response()


def plan_report(request):
    _require(request.user)
    return reports.plan_report_response()


def headcount(request):
    _require(request.user)
    return reports.headcount_report_response()
