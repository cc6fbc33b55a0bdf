"""Pages of the Decree 32 check: the D-day dashboard (home page), the findings list, the findings on the
official and ward pages, and the retirement calculator. Every page checks only the wards the user may see
(``Ward.objects.visible_to``): a ward chair sees their own ward's row and findings, never district figures."""

from functools import lru_cache, wraps
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from personnel.models import Sex
from personnel.views import official_context
from personnel.views import official_detail as plain_official_detail
from staffing import reports, rules
from staffing.filters import FindingFilter, narrow_wards
from staffing.models import SignOff
from staffing.retirement import parse_birth, retirement
from staffing.services import READINESS_DEFINITION, NoReform, check, retirement_roadmap
from wards import access
from wards.clock import today
from wards.models import Ward
from wards.views import ward_context
from wards.views import ward_detail as plain_ward_detail

FINDINGS_PER_PAGE = 100


def reform_required(fallback=None):
    """Without a reform loaded (its data migration undone), show ``fallback`` or a notice instead of a 500."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except NoReform as exc:
                if fallback is not None:
                    return fallback(request, *args, **kwargs)
                return render(request, "staffing/no_reform.html", {"message": str(exc)})

        return wrapped

    return decorate


@reform_required(fallback=plain_official_detail)
def official_detail(request, code):
    """The official's page with their findings as of the cutover."""
    ctx = official_context(request, code)
    official = ctx["official"]
    result = check(wards=[official.ward_id])
    ctx.update(
        findings=result.for_official(official.pk),
        law=result.law,
        findings_url=_url(official=official.code),
        retirement=result.projection.retirements.get(official.pk),
    )
    return render(request, "staffing/official_detail.html", ctx)


@reform_required(fallback=plain_ward_detail)
def ward_detail(request, slug):
    """The ward's page with its findings (ward level and its officials')."""
    ctx = ward_context(request, slug)
    ward = ctx["ward"]
    result = check(wards=[ward.pk])
    findings = result.for_ward(ward.pk)
    ctx.update(
        findings=findings, counts=_severity_counts(findings), law=result.law, findings_url=_url(ward=slug)
    )
    return render(request, "staffing/ward_detail.html", ctx)


def _severity_counts(findings) -> list:
    counts = {s: 0 for s in rules.SEVERITIES}
    for f in findings:
        counts[f.severity] += 1
    return [(s, rules.SEVERITY_LABELS[s], n) for s, n in counts.items()]


@lru_cache(maxsize=16)
def _findings_path(script_prefix: str, urlconf: str) -> str:
    return reverse("staffing:findings")


def _url(**params) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    # reverse() once per prefix and URLconf: the dashboard builds up to 8 links per ward × post (94,000 at
    # 1,000 wards), and reverse() was a third of its time (BENCHMARKS.md).
    path = _findings_path(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return path + (f"?{query}" if query else "")


@reform_required()
def findings_list(request):
    """Every finding of the wards the user may see, with filters and counts per code and severity."""
    result = check(wards=narrow_wards(Ward.objects.visible_to(request.user), request.GET))
    flt = FindingFilter(request.GET, result=result)
    findings = flt.apply()
    if request.GET.get("export") == "xlsx":  # the same filtered findings, every row, in the statutory layout
        return reports.findings_list_response(findings, as_of=result.as_of)
    counts = result.counts(findings)
    page = Paginator(findings, FINDINGS_PER_PAGE).get_page(request.GET.get("page"))
    by_code = [
        (code, label, counts["code"][code], "?" + flt.querystring(code=code))
        for code, label in rules.CODES.items()
        if counts["code"][code]
    ]
    by_severity = [
        (sev, label, counts["severity"][sev], "?" + flt.querystring(severity=sev))
        for sev, label in rules.SEVERITY_LABELS.items()
    ]
    return render(
        request,
        "staffing/findings_list.html",
        {
            "filter": flt,
            "page_obj": page,
            "findings": page.object_list,
            "total": counts["total"],
            "by_code": by_code,
            "by_severity": by_severity,
            "querystring": flt.querystring(),
            "law": result.law,
            "as_of": result.as_of,
        },
    )


@reform_required()
def dashboard(request):
    """The D-day dashboard: days left, per ward × post seats, readiness, the district headcount."""
    result = check(wards=Ward.objects.visible_to(request.user))
    board = result.dashboard()
    law = result.law
    # The plan's sign-off per ward (staffing.plan): one query.
    signoffs = {s.ward_id: s for s in SignOff.objects.visible_to(request.user).filter(reform__code=law.code)}
    day = today()
    rows = []
    for row in board.rows:
        slug = row.ward.slug
        posts = []
        for p in row.posts:
            base = {"ward": slug, "position": p.post.code}
            vacancy_code = {"CHU_TICH": "CHAIR_VACANT", "PHO_CHU_TICH": "VICE_CHAIR_COUNT"}.get(
                p.post.code, "ROLE_VACANT"
            )
            posts.append(
                {
                    "row": p,
                    "links": {
                        "required": _url(level="ward", **base),
                        "current": _url(**base),
                        "carrying": _url(code="CONVERSION_REQUIRED", **base),
                        "retirement": _url(code="RETIRES_BEFORE_CUTOVER", **base),
                        "abolished": _url(code="POST_ABOLISHED", **base),
                        "plan": _url(**base),
                        "vacancy": _url(code=vacancy_code, **base),
                        "surplus": _url(
                            code="VICE_CHAIR_COUNT" if p.post.code == "PHO_CHU_TICH" else "", **base
                        ),
                    },
                }
            )
        rows.append(
            {
                "row": row,
                "signoff": signoffs.get(row.ward.id),
                "posts": posts,
                "links": {
                    "ward": _url(ward=slug),
                    "blocker": _url(ward=slug, severity="blocker"),
                    "warning": _url(ward=slug, severity="warning"),
                    "retirement": _url(ward=slug, code="RETIRES_BEFORE_CUTOVER"),
                    "abolished": _url(ward=slug, code="POST_ABOLISHED"),
                    "vacancy": _url(ward=slug, level="ward"),
                },
            }
        )
    show_district = access.can(request.user, "view_district")
    headcount = []
    if show_district:
        for _district_id, (count, cap, n_wards) in sorted(board.headcount.items()):
            headcount.append({"count": count, "cap": cap, "wards": n_wards, "over": count > cap})
    counts = result.counts()
    return render(
        request,
        "staffing/dashboard.html",
        {
            "law": law,
            "today": day,
            "days_left": (law.cutover - day).days,
            "rows": rows,
            "headcount": headcount,
            "show_district": show_district,
            "per_ward": law.value("headcount_per_ward"),
            "counts": counts,
            "severity_links": {s: _url(severity=s) for s in rules.SEVERITIES},
            "headcount_link": _url(code="DISTRICT_HEADCOUNT_EXCEEDED"),
            "readiness_definition": READINESS_DEFINITION,
            "defaults": law.defaults,
        },
    )


class RetirementForm(forms.Form):
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), choices=Sex.choices)
    born = forms.CharField(
        label=gettext_lazy("Date or year of birth"),
        max_length=20,
        help_text=gettext_lazy("dd/mm/yyyy, e.g. 05/03/1965; or only the year of birth, e.g. 1965."),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("dd/mm/yyyy or yyyy")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].error_messages["invalid_choice"] = _(
            "Sex “%(value)s” is invalid: choose male (Nam) or female (Nữ)."
        )

    def clean_born(self):
        try:
            born, year_only = parse_birth(self.cleaned_data["born"], today())
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.year_only = year_only
        return born


@reform_required()
def retirement_page(request):
    """Sex and date (or year) of birth → retirement age, retirement date and pension start."""
    form = RetirementForm(request.GET or None)
    answer = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        answer = retirement(data["sex"], data["born"], retirement_roadmap())
        answer = {"result": answer, "born": data["born"], "year_only": form.year_only}
    return render(
        request, "staffing/retirement.html", {"form": form, "answer": answer, "title": _("Retirement age")}
    )
