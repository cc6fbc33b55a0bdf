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
from staffing.services import READINESS_DEFINITION, NoReform, check, retirement_roadmap, ward_order_key
from wards import access
from wards.clock import today
from wards.models import District, Ward
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
    wards = narrow_wards(Ward.objects.visible_to(request.user), request.GET)
    result = check(wards=wards)
    flt = FindingFilter(request.GET, result=result, wards=wards)
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


# The dashboard's levels: one row per province, per district of one province, or the ward × post table of one
# district (a page of WARDS_PER_PAGE wards at a time).
PROVINCES, DISTRICTS, WARDS = "provinces", "districts", "wards"
WARDS_PER_PAGE = 50


def choose_level(request, visible) -> dict:
    """Which level of the dashboard to show, for which wards (1 query: the districts of the visible wards).

    One district visible (a district's Interior Office, a ward chair): its wards, whatever the parameters.
    More: ``?district=<slug>`` its wards; ``?province=<name>`` one row per district of the province; none, one
    row per province (per district when all are in one province). Breadcrumbs lead back up.
    """
    districts = {
        row["id"]: row
        for row in District.objects.filter(pk__in=visible.order_by().values("district_id"))
        .order_by()
        .values("id", "slug", "name", "province")
    }
    level = {"level": WARDS, "wards": visible, "scope": {}, "crumbs": [], "error": None, "group_of": None}
    if len(districts) <= 1:
        return level
    provinces = {d["province"] for d in districts.values()}
    several = len(provinces) > 1
    root = _("Whole country") if several else next(iter(provinces))
    wanted_district = request.GET.get("district", "")
    province = request.GET.get("province", "")
    district = None
    if wanted_district:
        district = next((d for d in districts.values() if d["slug"] == wanted_district), None)
        if district is None:
            level["error"] = _("District “%(value)s” is not among the districts you may see.") % {
                "value": wanted_district
            }
        else:
            province = district["province"]
    if province and province not in provinces:
        level["error"] = level["error"] or _(
            "Province “%(value)s” is not among the provinces you may see."
        ) % {"value": province}
        province, district = "", None
    crumbs = [{"label": root, "url": "?"}]
    if province and several:
        crumbs.append({"label": province, "url": "?" + urlencode({"province": province})})
    if district is not None:
        crumbs.append({"label": district["name"], "url": "?" + urlencode({"district": district["slug"]})})
        level.update(wards=visible.filter(district_id=district["id"]), scope={"district": district["slug"]})
    elif province and several:
        ids = [d["id"] for d in districts.values() if d["province"] == province]
        level.update(level=DISTRICTS, wards=visible.filter(district_id__in=ids), scope={"province": province})
    elif several:
        level.update(level=PROVINCES)
    else:
        level.update(level=DISTRICTS)
    if level["level"] == PROVINCES:
        level["group_of"] = lambda district_id: districts[district_id]["province"]
    elif level["level"] == DISTRICTS:
        level["group_of"] = lambda district_id: district_id
    level.update(crumbs=crumbs, districts=districts)
    return level


def _summary_rows(level: dict, summary: dict) -> list:
    """One row per province or district, sorted by name, each number linking to its findings."""
    districts = level["districts"]
    rows = []
    for key, totals in summary.items():
        if level["level"] == PROVINCES:
            name, scope = key, {"province": key}
        else:
            name, scope = districts[key]["name"], {"district": districts[key]["slug"]}
        rows.append(
            {
                "name": name,
                "url": "?" + urlencode(scope),
                "totals": totals,
                "links": {
                    "all": _url(**scope),
                    "ward": _url(level="ward", **scope),
                    "blocker": _url(severity="blocker", **scope),
                    "warning": _url(severity="warning", **scope),
                    "retirement": _url(code="RETIRES_BEFORE_CUTOVER", **scope),
                    "abolished": _url(code="POST_ABOLISHED", **scope),
                    "headcount": _url(code="DISTRICT_HEADCOUNT_EXCEEDED", **scope),
                },
            }
        )
    rows.sort(key=lambda r: ward_order_key(r["name"]))
    return rows


@reform_required()
def dashboard(request):
    """The D-day dashboard: days left, readiness, the headcount; per ward × post seats for one district, and
    the same figures summed per province or district above it (``choose_level``)."""
    level = choose_level(request, Ward.objects.visible_to(request.user))
    scope = level["scope"]
    result = check(wards=level["wards"])
    law = result.law
    # The plan's sign-off per ward (staffing.plan): one query.
    signoffs = SignOff.objects.visible_to(request.user).filter(reform__code=law.code)
    if scope:
        signoffs = signoffs.filter(ward_id__in=[w.id for w in result.wards])
    day = today()
    show_district = access.can(request.user, "view_district")
    context = {
        "law": law,
        "today": day,
        "days_left": (law.cutover - day).days,
        "level": level["level"],
        "crumbs": level["crumbs"],
        "error": level["error"],
        "show_district": show_district,
        "per_ward": law.value("headcount_per_ward"),
        "counts": result.counts(),
        "severity_links": {s: _url(severity=s, **scope) for s in rules.SEVERITIES},
        "headcount_link": _url(code="DISTRICT_HEADCOUNT_EXCEEDED", **scope),
        "readiness_definition": READINESS_DEFINITION,
        "defaults": law.defaults,
    }
    if level["level"] != WARDS:
        summary = result.summary(level["group_of"], signoffs.values_list("ward_id", flat=True))
        whole = [t for t in summary.values() if t.whole_districts]
        context.update(
            rows=_summary_rows(level, summary),
            headcount_summary={
                "districts": sum(t.whole_districts for t in whole),
                "over": sum(t.over_cap for t in whole),
            },
        )
        return render(request, "staffing/dashboard.html", context)
    board = result.dashboard()
    signoffs = {s.ward_id: s for s in signoffs}
    page = None
    board_rows = board.rows
    if len(board_rows) > WARDS_PER_PAGE:
        page = Paginator(board_rows, WARDS_PER_PAGE).get_page(request.GET.get("page"))
        board_rows = page.object_list
    rows = []
    for row in board_rows:
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
                        "required": _url(level="ward", **base, **scope),
                        "current": _url(**base, **scope),
                        "carrying": _url(code="CONVERSION_REQUIRED", **base, **scope),
                        "retirement": _url(code="RETIRES_BEFORE_CUTOVER", **base, **scope),
                        "abolished": _url(code="POST_ABOLISHED", **base, **scope),
                        "plan": _url(**base, **scope),
                        "vacancy": _url(code=vacancy_code, **base, **scope),
                        "surplus": _url(
                            code="VICE_CHAIR_COUNT" if p.post.code == "PHO_CHU_TICH" else "", **base, **scope
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
                    "ward": _url(ward=slug, **scope),
                    "blocker": _url(ward=slug, severity="blocker", **scope),
                    "warning": _url(ward=slug, severity="warning", **scope),
                    "retirement": _url(ward=slug, code="RETIRES_BEFORE_CUTOVER", **scope),
                    "abolished": _url(ward=slug, code="POST_ABOLISHED", **scope),
                    "vacancy": _url(ward=slug, level="ward", **scope),
                },
            }
        )
    headcount = []
    if show_district:
        for _district_id, (count, cap, n_wards) in sorted(board.headcount.items()):
            headcount.append({"count": count, "cap": cap, "wards": n_wards, "over": count > cap})
    context.update(
        rows=rows,
        ward_count=len(board.rows),
        page_obj=page,
        page_query=urlencode(scope),
        headcount=headcount,
    )
    return render(request, "staffing/dashboard.html", context)


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
