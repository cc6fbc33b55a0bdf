"""Pages of the reassignment plan: overview, proposals, matching board, ward review, comparison, cutover.

Views parse input, scope through ``visible_to`` / ``get_visible_or_404`` / ``access``, and call staffing.plan;
querysets are loaded with what the templates show, so templates never query.
"""

from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView

from personnel.models import Official
from personnel.services import StaleVersion
from personnel.views import apply_errors
from staffing import plan, plan_check, reports
from staffing.models import CutoverRun, Outcome, Proposal, ProposalStatus, Review, SignOff, Verdict
from staffing.plan_filters import ProposalFilter
from staffing.plan_forms import DraftFromBoardForm, ProposalForm, ReviewForm
from staffing.services import ward_order_key
from staffing.views import WARDS, choose_level
from wards import access
from wards.access import get_visible_or_404
from wards.models import Ward


def _proposals():
    return Proposal.objects.select_related(
        "reform", "official", "ward", "target_ward", "target_position", "holding__position", "review",
        "approved_by", "created_by",
    )  # fmt: skip


def _require_staff(user) -> None:
    if not access.can(user, "view_district"):
        raise PermissionDenied(_("This page is for the Interior Office and administrators."))


def _version(request) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() else None  # "²".isdigit() is True; int("²") fails


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- scope: one district at a time above it ----------------------------------------------------------------

PER_PAGE = 50  # wards of the overview and comparison, officials of the board, per page
CUTOVER_ROWS = 500  # rows of each cutover table shown for one district (the rest counted)
REASONS_SHOWN = 100  # obstacles to the cutover listed (the rest counted)


def _scope(request) -> dict:
    """The wards a plan page works on, as the dashboard chooses them (staffing.views.choose_level).

    A ward chair: their own ward (no query). District staff seeing one district: its wards. Seeing several:
    ``?district=<slug>`` its wards; otherwise the level is "provinces" or "districts" and the page shows a
    chooser (``choices``) instead of computing over the whole country."""
    visible = Ward.objects.visible_to(request.user)
    if not access.can(request.user, "view_district"):
        level = {"level": WARDS, "wards": visible, "scope": {}, "crumbs": [], "error": None}
    else:
        level = choose_level(request, visible)
    level["query"] = urlencode(level["scope"])
    level["choices"] = _choices(level) if level["level"] != WARDS else []
    return level


def _choices(level: dict) -> list:
    """The provinces or districts to choose from: name, link, number of districts. Sorted by name."""
    districts = level["districts"].values()
    if level["level"] == "provinces":
        per = Counter(d["province"] for d in districts)
        rows = [{"name": p, "url": "?" + urlencode({"province": p}), "districts": n} for p, n in per.items()]
    else:
        province = level["scope"].get("province")
        rows = [
            {"name": d["name"], "url": "?" + urlencode({"district": d["slug"]}), "districts": 1}
            for d in districts
            if not province or d["province"] == province
        ]
    rows.sort(key=lambda r: ward_order_key(r["name"]))
    return rows


def _scope_context(level: dict) -> dict:
    return {
        "level": level["level"], "crumbs": level["crumbs"], "scope_error": level["error"],
        "choices": level["choices"], "scope_query": level["query"],
    }  # fmt: skip


def _page(request, rows: list):
    """(the rows of the asked page, the page or None when everything fits on one page)."""
    if len(rows) <= PER_PAGE:
        return rows, None
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return page.object_list, page


# --- overview ---------------------------------------------------------------------------------------------


def overview(request):
    """Per ward: how many proposals, approved, reviewed, disputed, and the sign-off. Four queries (one more, the
    districts, for district staff); above one district, a chooser."""
    reform = plan.current_reform()
    level = _scope(request)
    ctx = {"reform": reform, "title": _("Reassignment plan"), **_scope_context(level)}
    if level["level"] != WARDS:
        return render(request, "staffing/plan/overview.html", ctx)
    in_reform = Q(proposals__reform=reform)
    wards = list(
        level["wards"]
        .annotate(
            n_proposals=Count("proposals", filter=in_reform),
            n_approved=Count("proposals", filter=in_reform & Q(proposals__status=ProposalStatus.APPROVED)),
            n_reviewed=Count("proposals", filter=in_reform & Q(proposals__review__isnull=False)),
            n_disputed=Count("proposals", filter=in_reform & Q(proposals__review__verdict=Verdict.DISPUTE)),
        )
        .order_by("name")
    )
    signoffs = SignOff.objects.visible_to(request.user).filter(reform=reform).select_related("signed_by")
    if level["scope"]:
        signoffs = signoffs.filter(ward__in=level["wards"])
    signoffs = {s.ward_id: s for s in signoffs}
    wards.sort(key=lambda w: ward_order_key(w.name))  # Vietnamese order on SQLite and PostgreSQL alike
    for ward in wards:
        ward.signoff = signoffs.get(ward.pk)
        ward.n_unreviewed = ward.n_proposals - ward.n_reviewed
    totals = {
        key: sum(getattr(w, key) for w in wards)
        for key in ("n_proposals", "n_approved", "n_reviewed", "n_disputed", "n_unreviewed")
    }
    totals["signed"] = sum(1 for w in wards if w.signoff)
    shown, page = _page(request, wards)
    ctx.update(wards=shown, ward_count=len(wards), page_obj=page, totals=totals)
    return render(request, "staffing/plan/overview.html", ctx)


# --- proposals --------------------------------------------------------------------------------------------


class ProposalListView(FilterView):
    filterset_class = ProposalFilter
    template_name = "staffing/plan/proposal_list.html"
    context_object_name = "proposals"
    paginate_by = 50
    strict = False

    def get_queryset(self):
        return _proposals().visible_to(self.request.user).filter(reform=plan.current_reform())

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":  # the same filtered, scoped list, every row (no pagination)
            filterset = self.get_filterset(self.get_filterset_class())
            return reports.proposals_response(filterset.qs, reform=plan.current_reform(), by_ward=False,
                                              stem="de-xuat-sap-xep")  # fmt: skip
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["querystring"] = query.urlencode()
        ctx["can_approve"] = access.can(self.request.user, "approve_plan")
        ctx["title"] = _("Reassignment proposals")
        return ctx


def proposal_detail(request, pk):
    proposal = get_visible_or_404(_proposals(), request.user, pk=pk)
    history = []
    for model, records in (
        (_("Proposal"), proposal.history.select_related("history_user").order_by("history_date")),
        (_("Opinion"), Review.history.filter(proposal_id=proposal.pk).select_related("history_user").order_by("history_date")),
    ):  # fmt: skip
        for rec in records:
            history.append(
                {"when": rec.history_date, "who": rec.history_user, "subject": model, "record": rec}
            )
    history.sort(key=lambda e: e["when"], reverse=True)
    return render(
        request,
        "staffing/plan/proposal_detail.html",
        {
            "proposal": proposal,
            "review": getattr(proposal, "review", None),
            "history": history,
            "can_approve": access.can(request.user, "approve_plan"),
            "chair_ward": access.chair_ward_id(request.user),
            "title": _("Proposal: %(name)s") % {"name": proposal.official.full_name},
        },
    )


def proposal_create(request):
    access.require(request.user, "edit_plan")
    official = None
    code = request.GET.get("official") or request.POST.get("official")
    if code:
        official = get_visible_or_404(Official.objects.select_related("ward"), request.user, code=code)
    form = ProposalForm(request.POST or None, official=official, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = plan.proposal_create(
                actor=request.user, official=form.official, **form.service_fields()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Drafted a proposal for %(name)s.") % {"name": proposal.official.full_name}
            )
            return redirect("plan:detail", pk=proposal.pk)
    return render(
        request,
        "staffing/plan/proposal_form.html",
        {"form": form, "official": official, "title": _("Draft a reassignment proposal")},
    )


def proposal_edit(request, pk):
    access.require(request.user, "edit_plan")
    proposal = get_visible_or_404(_proposals(), request.user, pk=pk)
    form = ProposalForm(request.POST or None, instance=proposal, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan.proposal_update(
                actor=request.user,
                proposal=proposal,
                expected_version=_version(request),
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        except StaleVersion as stale:
            form.add_error(None, str(stale))
        else:
            messages.success(request, _("Proposal saved."))
            return redirect("plan:detail", pk=proposal.pk)
    return render(
        request,
        "staffing/plan/proposal_form.html",
        {"form": form, "proposal": proposal, "official": proposal.official, "title": _("Edit the proposal")},
    )


@require_POST
def proposal_delete(request, pk):
    access.require(request.user, "edit_plan")
    proposal = get_visible_or_404(_proposals(), request.user, pk=pk)
    try:
        plan.proposal_delete(actor=request.user, proposal=proposal, expected_version=_version(request))
    except (ValidationError, StaleVersion) as error:
        messages.error(request, _error_text(error) if isinstance(error, ValidationError) else str(error))
        return redirect("plan:detail", pk=pk)
    messages.success(request, _("Deleted the proposal for %(name)s.") % {"name": proposal.official.full_name})
    return redirect("plan:list")


def _approval_action(request, pk, service, success: str):
    """Approve or withdraw the approval of one proposal (the version posted must still be current)."""
    access.require(request.user, "approve_plan")
    proposal = get_visible_or_404(_proposals(), request.user, pk=pk)
    try:
        service(actor=request.user, proposal=proposal, expected_version=_version(request))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    except StaleVersion as stale:
        messages.error(request, str(stale))
    else:
        messages.success(request, success % {"name": proposal.official.full_name})
    return redirect("plan:detail", pk=pk)


@require_POST
def proposal_approve(request, pk):
    return _approval_action(request, pk, plan.proposal_approve, _("Approved the proposal for %(name)s."))


@require_POST
def proposal_unapprove(request, pk):
    return _approval_action(
        request, pk, plan.proposal_unapprove, _("Withdrew the approval of the proposal for %(name)s.")
    )


@require_POST
def approve_filtered(request):
    """Approve every draft proposal of the list's current filter (the querystring is posted back)."""
    access.require(request.user, "approve_plan")
    query = request.POST.get("querystring", "")
    data = QueryDict(query)
    base = Proposal.objects.visible_to(request.user).filter(
        reform=plan.current_reform(), status=ProposalStatus.DRAFT
    )
    filterset = ProposalFilter(data, queryset=base, request=request)
    if not filterset.is_valid():
        messages.error(request, _("Invalid filter; no proposal was approved."))
        return redirect(reverse("plan:list") + (f"?{query}" if query else ""))
    try:
        changed = plan.proposals_approve(actor=request.user, proposals=list(filterset.qs.order_by("pk")))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Approved %(count)s proposals.") % {"count": changed})
    return redirect(reverse("plan:list") + (f"?{query}" if query else ""))


# --- the ward chair's review ------------------------------------------------------------------------------


def ward_review(request, slug):
    """A ward's rows: current post → proposed outcome, with the findings as planned; the chair's verdicts."""
    ward = get_visible_or_404(Ward.objects.all(), request.user, slug=slug)
    reform = plan.current_reform()
    data = plan_check.ward_review_rows(reform=reform, ward=ward)
    can_review = access.can(request.user, "review_ward", ward.pk)
    signoff = SignOff.objects.filter(reform=reform, ward=ward).select_related("signed_by").first()
    # People of other wards planned into this one: named to district staff only (a chair sees only their ward).
    staff = access.can(request.user, "view_district")
    return render(
        request,
        "staffing/plan/ward_review.html",
        {
            "ward": ward, "reform": reform, "rows": data["rows"], "ward_findings": data["ward_findings"],
            "signoff": signoff, "can_review": can_review, "unreviewed": data["unreviewed"],
            "form": ReviewForm(), "title": _("Opinion on the plan — ward %(ward)s") % {"ward": ward.name},
            "incoming": data["incoming"] if staff else [], "incoming_count": len(data["incoming"]),
            "chair_ward": access.chair_ward_id(request.user),
        },
    )  # fmt: skip


@require_POST
def review_post(request, pk):
    proposal = get_visible_or_404(_proposals(), request.user, pk=pk)
    access.require(request.user, "review_ward", proposal.ward_id)
    form = ReviewForm(request.POST)
    back = reverse("plan:ward_review", args=[proposal.ward.slug]) + f"#p{proposal.pk}"
    if not form.is_valid():
        errors = [e for errs in form.errors.values() for e in errs]
        messages.error(request, f"{proposal.official.full_name}: " + " ".join(errors))
        return redirect(back)
    try:
        plan.review_set(actor=request.user, proposal=proposal, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, f"{proposal.official.full_name}: {_error_text(error)}")
    else:
        messages.success(
            request,
            _("Recorded the opinion on the proposal for %(name)s.") % {"name": proposal.official.full_name},
        )
    return redirect(back)


@require_POST
def signoff_post(request, slug):
    ward = get_visible_or_404(Ward.objects.all(), request.user, slug=slug)
    access.require(request.user, "review_ward", ward.pk)
    try:
        plan.signoff_create(actor=request.user, ward=ward)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Signed off the plan of ward %(ward)s.") % {"ward": ward.name})
    return redirect("plan:ward_review", slug=ward.slug)


# --- matching board ---------------------------------------------------------------------------------------


def board(request):
    """Who needs a placement, and the seats vacant on D-day they are eligible for, best first."""
    _require_staff(request.user)
    reform = plan.current_reform()
    level = _scope(request)
    ctx = {"reform": reform, "title": _("Matching board"), **_scope_context(level)}
    if level["level"] == WARDS:
        # One district visible: every ward, as before; one district of several: its wards only.
        entries = plan_check.matching_board(reform=reform, wards=level["wards"] if level["scope"] else None)
        shown, page = _page(request, entries)
        ctx.update(entries=shown, entry_count=len(entries), page_obj=page)
        if level["scope"]:  # one district of several: say how many wards its seats are from (one query)
            ctx["n_wards"] = level["wards"].count()
    return render(request, "staffing/plan/board.html", ctx)


@require_POST
def board_draft(request):
    """One click: draft a move (or an appointment, for a leadership seat) into the chosen seat."""
    access.require(request.user, "edit_plan")
    form = DraftFromBoardForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("plan:board")
    data = form.cleaned_data
    outcome = Outcome.APPOINT if data["position"].code in plan.LEADERSHIP else Outcome.MOVE
    try:
        proposal = plan.proposal_create(
            actor=request.user, official=data["official"], outcome=outcome, target_ward=data["ward"],
            target_position=data["position"],
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, f"{data['official'].full_name}: {_error_text(error)}")
        return redirect("plan:board")
    messages.success(
        request,
        _("Drafted: %(name)s → %(post)s, ward %(ward)s.")
        % {"name": proposal.official.full_name, "post": data["position"].title, "ward": data["ward"].name},
    )
    return redirect("plan:board")


# --- as is / as planned -----------------------------------------------------------------------------------


def compare(request):
    """The dashboard figures and the findings "as is" and "as planned", side by side."""
    reform = plan.current_reform()
    level = _scope(request)
    ctx = {"reform": reform, "title": _("Current and planned, side by side"), **_scope_context(level)}
    if level["level"] == WARDS:
        data = plan_check.comparison(reform=reform, user=request.user, wards=level["wards"])
        data["ward_count"] = len(data["rows"])
        data["rows"], data["page_obj"] = _page(request, data["rows"])
        ctx.update(data)
    return render(request, "staffing/plan/compare.html", ctx)


# --- cutover ----------------------------------------------------------------------------------------------


def cutover(request):
    """The dry-run preview; the administrator runs or rolls back the cutover from here."""
    _require_staff(request.user)
    reform = plan.current_reform()
    level = _scope(request)
    # The cutover is one transaction for the whole reform: its obstacles are the country's, whatever is shown.
    preview = plan.cutover_preview(reform=reform)
    runs = list(CutoverRun.objects.filter(reform=reform).select_related("executed_by", "rolled_back_by")[:10])
    ends, starts = preview.ends, preview.starts
    ctx = {
        "reform": reform, "preview": preview, "runs": runs, "can_run": access.can(request.user, "run_cutover"),
        "title": _("Cutover on 01/7/2021"), "reasons": preview.reasons[:REASONS_SHOWN],
        "reasons_more": max(len(preview.reasons) - REASONS_SHOWN, 0), **_scope_context(level),
    }  # fmt: skip
    if level["level"] != WARDS:  # counts per district instead of every row
        ctx["district_rows"] = _cutover_by_district(level, ends, starts)
    else:
        if level["scope"]:  # one district of several
            district_id = next(
                d["id"] for d in level["districts"].values() if d["slug"] == level["scope"]["district"]
            )
            ends = [e for e in ends if e.holding.ward.district_id == district_id]
            starts = [s for s in starts if s.ward.district_id == district_id]
        ctx.update(
            ends=ends[:CUTOVER_ROWS], ends_more=max(len(ends) - CUTOVER_ROWS, 0), starts=starts[:CUTOVER_ROWS],
            starts_more=max(len(starts) - CUTOVER_ROWS, 0), ends_by_reason=sorted(Counter(e.reason for e in ends).items()),
        )  # fmt: skip
    return render(request, "staffing/plan/cutover.html", ctx)


def _cutover_by_district(level: dict, ends, starts) -> list:
    """Per district of the level (those of the province asked for, or all): posts ending, opening, ward moves."""
    province = level["scope"].get("province")
    districts = {k: d for k, d in level["districts"].items() if not province or d["province"] == province}
    counts = {k: Counter() for k in districts}
    for e in ends:
        if e.holding.ward.district_id in counts:
            counts[e.holding.ward.district_id]["ends"] += 1
    for s in starts:
        if s.ward.district_id in counts:
            counts[s.ward.district_id]["starts"] += 1
            counts[s.ward.district_id]["moves"] += s.ward.pk != s.official.ward_id
    rows = [
        {"name": d["name"], "province": d["province"], "url": "?" + urlencode({"district": d["slug"]}), **counts[k]}
        for k, d in districts.items()
    ]  # fmt: skip
    rows.sort(key=lambda r: (ward_order_key(r["province"]), ward_order_key(r["name"])))
    return rows


@require_POST
def cutover_run(request):
    access.require(request.user, "run_cutover")
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the confirmation before running the cutover."))
        return redirect("plan:cutover")
    try:
        run, changed = plan.cutover_execute(actor=request.user)
    except plan.CutoverRefused as refused:
        messages.error(
            request,
            _("The cutover cannot run yet: %(count)s problems remain (see the list).")
            % {"count": len(refused.reasons)},
        )
    else:
        if changed:
            messages.success(
                request,
                _("Cutover done: %(ended)s posts ended, %(opened)s new posts opened.")
                % {"ended": run.summary["ended"], "opened": run.summary["opened"]},
            )
        else:
            messages.info(request, _("The cutover had already been run; nothing changed."))
    return redirect("plan:cutover")


@require_POST
def cutover_undo(request):
    access.require(request.user, "run_cutover")
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the confirmation before undoing the cutover."))
        return redirect("plan:cutover")
    try:
        plan.cutover_rollback(actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Cutover undone; the posts are back as they were."))
    return redirect("plan:cutover")
