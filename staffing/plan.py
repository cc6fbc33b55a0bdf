"""The reassignment plan: proposals, the ward chairs' reviews and sign-offs, approval, and the cutover.

Every write here is a service (``<noun>_<verb>(*, actor, ...)``, one transaction, history recorded with the
actor); views, commands and the API only parse input and call them.

Cutover semantics (README, "The plan and the cutover"): on the cutover date D every affected post holding
ends on D-1 and the new holdings open on D with their decision numbers:

* holdings of an abolished post (the HĐND posts) end, with or without a proposal;
* ``retire`` and ``leave`` end every open holding of the official;
* ``move`` and ``appoint`` end the official's primary holding and open the target post (ward and post) as
  the new primary one; the official then belongs to the target ward;
* ``keep`` is the conversion in place: the holding stays open and untouched, so continuous service in the
  post stays one row (the 10-year Chair limit and seniority read it); the conversion decision's number and
  date are recorded on the approved proposal. Officials without a proposal are left untouched as well;
* ``lapse`` ends the one concurrent holding it names.

A :class:`CutoverRun` stores exactly what a rollback needs: the ended holdings' previous end dates and
decision numbers, the ids of the holdings opened, and each touched official's previous ward.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from personnel.models import Official, PostHolding
from personnel.services import StaleVersion, holding_open
from staffing.models import (
    CutoverRun,
    Outcome,
    PositionRule,
    Proposal,
    ProposalStatus,
    Reform,
    Review,
    SignOff,
    Verdict,
)
from staffing.plan_types import PlannedChange
from wards import access
from wards.models import Position, Ward

CHAIR, VICE_CHAIR = "CHU_TICH", "PHO_CHU_TICH"
LEADERSHIP = (CHAIR, VICE_CHAIR)
# Leadership rank of the UBND posts for the appointment-age rule (domain.md §6): Chair > Vice-Chair > others.
RANK = {CHAIR: 3, VICE_CHAIR: 2}
# Posts with one seat per ward: two people planned into one of them is a conflict.
SINGLE_SEAT = ("CHU_TICH", "TRUONG_CONG_AN", "CHT_QUAN_SU")
# Posts the district does not fill: the ward police chief is a police officer placed by the police (domain.md §2),
# so a proposal may keep a sitting one but never move anyone into the post.
NOT_PLACED_BY_DISTRICT = ("TRUONG_CONG_AN",)
# Used only when the reform has no position rules loaded (the HĐND posts, domain.md §2).
ABOLISHED_FALLBACK = ("CHU_TICH_HDND", "PHO_CHU_TICH_HDND")

# Outcomes that decide where the official's primary post goes; two of them for one person conflict.
PLACING = (Outcome.KEEP, Outcome.MOVE, Outcome.APPOINT, Outcome.RETIRE, Outcome.LEAVE)
PROPOSAL_FIELDS = (
    "outcome", "target_ward", "target_position", "holding", "policy_basis", "decision_number",
    "decision_date", "note",
)  # fmt: skip


class CutoverRefused(Exception):
    """The cutover cannot run; ``reasons`` lists why, in Vietnamese."""

    def __init__(self, reasons: list[str]):
        super().__init__(_("The cutover cannot run: %(reasons)s") % {"reasons": "; ".join(reasons[:5])})
        self.reasons = reasons


# --- the reform -------------------------------------------------------------------------------------------


def current_reform() -> Reform:
    """The reform the plan belongs to (ND32-2021, loaded by staffing's data migration)."""
    from staffing.services import NoReform
    from staffing.services import current_reform as _current

    try:
        return _current()
    except NoReform as exc:
        raise ValidationError(_("%(error)s Run migrate.") % {"error": exc}) from exc


def eve_of(reform: Reform) -> dt.date:
    return reform.cutover_date - dt.timedelta(days=1)


def abolished_codes(rules: Iterable[PositionRule] | None) -> set[str]:
    rules = list(rules or [])
    if not rules:
        return set(ABOLISHED_FALLBACK)
    return {r.position.code for r in rules if r.abolished}


def structure_codes(rules: Iterable[PositionRule] | None) -> set[str]:
    """Posts of the UBND phường after the cutover."""
    rules = list(rules or [])
    if not rules:
        return set(Position.objects.filter(in_ubnd=True).values_list("code", flat=True))
    return {r.position.code for r in rules if r.in_structure and not r.abolished}


def _rules(reform: Reform) -> list[PositionRule]:
    return list(PositionRule.objects.filter(reform=reform).select_related("position"))


def open_holdings_on_eve(reform: Reform):
    """Holdings in force on D-1 and not already ending on it: what the cutover may end. One query."""
    eve = eve_of(reform)
    return (
        PostHolding.objects.filter(start_date__lte=eve)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=eve))
        .select_related("official", "position", "ward")
        .order_by("ward__name", "position__display_order", "official__sort_key", "pk")
    )


# --- proposals → the rules' plain data --------------------------------------------------------------------


def rank_of(codes: Iterable[str]) -> int:
    return max((RANK.get(c, 1) for c in codes), default=0)


def is_promotion(current_codes: Iterable[str], outcome: str, target_code: str | None) -> bool:
    """First appointment to Chair/Vice-Chair or a move to a higher one (domain.md §6).

    A sitting Chair or Vice-Chair converted in place (``keep``) or moved to an equal or lower post is not
    promoted; a Vice-Chair becoming Chair is; anyone else becoming Chair or Vice-Chair is a first appointment.
    """
    if outcome not in (Outcome.MOVE, Outcome.APPOINT) or target_code not in RANK:
        return False
    return RANK[target_code] > rank_of(current_codes)


def proposals_to_changes(
    proposals: Iterable[Proposal], *, current_codes: dict[int, set[str]] | None = None
) -> list[PlannedChange]:
    """The plan as the rules see it. ``proposals`` need ``reform`` and ``target_position`` loaded
    (select_related); ``current_codes`` maps official id → codes of the posts held on D-1 (one query if
    omitted)."""
    proposals = list(proposals)
    if not proposals:
        return []
    if current_codes is None:
        reform = proposals[0].reform
        current_codes = defaultdict(set)
        rows = open_holdings_on_eve(reform).filter(official_id__in={p.official_id for p in proposals})
        for official_id, code in rows.values_list("official_id", "position__code"):
            current_codes[official_id].add(code)
    changes = []
    for p in proposals:
        target = p.target_position.code if p.target_position_id else None
        changes.append(
            PlannedChange(
                proposal_id=p.pk,
                official_id=p.official_id,
                outcome=p.outcome,
                target_ward_id=p.target_ward_id if p.outcome in (Outcome.MOVE, Outcome.APPOINT) else None,
                target_position=target if p.outcome in (Outcome.MOVE, Outcome.APPOINT) else None,
                holding_id=p.holding_id if p.outcome == Outcome.LAPSE else None,
                is_promotion=is_promotion(current_codes.get(p.official_id, ()), p.outcome, target),
                effective_date=p.reform.cutover_date,
            )
        )
    return changes


def plan_proposals(reform: Reform | None = None):
    """Every proposal of the reform, with what the rules and the pages need. One query."""
    reform = reform or current_reform()
    return (
        Proposal.objects.filter(reform=reform)
        .select_related(
            "reform", "official", "ward", "target_ward", "target_position", "holding__position", "review"
        )
        .order_by("ward__name", "official__sort_key", "pk")
    )


# --- proposal writes --------------------------------------------------------------------------------------


def _ensure_open(reform: Reform) -> None:
    if reform.executed_at is not None:
        raise ValidationError(
            _("The cutover was run at %(time)s; the plan can no longer be changed (undo the cutover first).")
            % {"time": f"{timezone.localtime(reform.executed_at):%H:%M %d/%m/%Y}"}
        )


def _lock_reform(reform: Reform) -> Reform:
    """Lock the reform row: plan writes and the cutover take it first, so they never interleave."""
    locked = Reform.objects.select_for_update().get(pk=reform.pk)
    _ensure_open(locked)
    return locked


def _ensure_draft(proposal: Proposal) -> None:
    if proposal.status == ProposalStatus.APPROVED:
        raise ValidationError(
            _("The proposal for %(name)s is approved and locked; withdraw the approval before changing it.")
            % {"name": proposal.official.full_name}
        )


def _primary_on_eve(official: Official, reform: Reform) -> PostHolding | None:
    return (
        open_holdings_on_eve(reform)
        .filter(official=official, is_primary=True)
        .order_by("-start_date")
        .first()
    )


def _clean_fields(reform: Reform, official: Official, fields: dict) -> dict:
    """Validate and normalise a proposal's fields for its outcome; errors name the field, in Vietnamese."""
    data = {name: fields.get(name) for name in PROPOSAL_FIELDS}
    for name in ("policy_basis", "decision_number", "note"):
        data[name] = " ".join(str(data[name] or "").split()) if name != "note" else (data[name] or "").strip()
    outcome = data["outcome"]
    errors = {}
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    rules = {r.position.code: r for r in _rules(reform)}
    abolished = abolished_codes(rules.values())
    structure = structure_codes(rules.values())
    if outcome in (Outcome.MOVE, Outcome.APPOINT):
        if outcome == Outcome.APPOINT and data["target_ward"] is None:
            data["target_ward"] = official.ward
        if data["target_ward"] is None:
            errors["target_ward"] = _("Choose the ward of the placement.")
        position = data["target_position"]
        if position is None:
            errors["target_position"] = _("Choose the post of the placement.")
        elif outcome == Outcome.APPOINT and position.code not in LEADERSHIP:
            errors["target_position"] = _(
                "Appointment applies only to the Chair or a Vice-Chair of the ward People's Committee."
            )
        elif position.code in NOT_PLACED_BY_DISTRICT:
            errors["target_position"] = _(
                "The post %(post)s is filled by the police, not by the district's plan: keep a sitting police "
                "chief, or leave the post to the police."
            ) % {"post": position.title}
        elif position.code not in structure or position.code in abolished:
            errors["target_position"] = _(
                "The post %(post)s is not in the structure of the ward People's Committee after the cutover."
            ) % {"post": position.title}
        if not errors and outcome == Outcome.MOVE:
            primary = _primary_on_eve(official, reform)
            if primary and primary.position_id == position.pk and primary.ward_id == data["target_ward"].pk:
                errors["target_position"] = _(
                    "This is the official's current post; choose the outcome “keep the post, convert in place”."
                )
    else:
        data["target_ward"] = data["target_position"] = None
    if outcome == Outcome.KEEP:
        primary = _primary_on_eve(official, reform)
        if primary is None:
            errors["outcome"] = _("The official holds no primary post to convert in place.")
        elif primary.position.code not in structure or primary.position.code in abolished:
            errors["outcome"] = _(
                "The post %(post)s is no longer in the structure of the ward People's Committee after the "
                "cutover; choose another outcome (move, retirement, leaving under a policy)."
            ) % {"post": primary.position.title}
    if outcome == Outcome.LEAVE and not data["policy_basis"]:
        errors["policy_basis"] = _("Give the policy basis, e.g. Decree 26/2015/NĐ-CP or 108/2014/NĐ-CP.")
    if outcome == Outcome.LAPSE:
        holding = data["holding"]
        if holding is None:
            errors["holding"] = _("Choose the concurrent post to end.")
        elif holding.official_id != official.pk or holding.is_primary:
            errors["holding"] = _("Choose only a concurrent post of this official.")
        elif holding.end_date is not None and holding.end_date <= eve_of(reform):
            errors["holding"] = _("The concurrent post already ended on %(date)s.") % {
                "date": f"{holding.end_date:%d/%m/%Y}"
            }
    else:
        data["holding"] = None
    if errors:
        raise ValidationError(errors)
    return data


def _reopen_signoffs(*, actor, reform: Reform, ward_ids: Iterable[int | None]) -> None:
    """A change to a signed-off ward's plan reopens its sign-off (the history keeps the deleted row)."""
    ids = {w for w in ward_ids if w}
    for signoff in SignOff.objects.filter(reform=reform, ward_id__in=ids):
        signoff._history_user = actor
        signoff.delete()


def _drop_review(*, actor, proposal: Proposal) -> None:
    """The chair reviewed what the proposal said before; a changed proposal needs a new review."""
    review = Review.objects.filter(proposal=proposal).first()
    if review is not None:
        review._history_user = actor
        review.delete()


def proposal_create(*, actor, official: Official, reform: Reform | None = None, **fields) -> Proposal:
    """Draft a proposal for ``official``; ``fields`` are those of PROPOSAL_FIELDS."""
    access.require(actor, "edit_plan")
    unknown = set(fields) - set(PROPOSAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    reform = reform or current_reform()
    with transaction.atomic():
        reform = _lock_reform(reform)
        data = _clean_fields(reform, official, fields)
        proposal = Proposal(
            reform=reform, official=official, ward_id=official.ward_id, created_by=actor, **data
        )
        proposal._history_user = actor
        proposal.save()
        _reopen_signoffs(actor=actor, reform=reform, ward_ids=[proposal.ward_id, proposal.target_ward_id])
    return proposal


def _lock(proposal: Proposal, expected_version: int | None) -> Proposal:
    locked = Proposal.objects.select_for_update().select_related("official").get(pk=proposal.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(locked.version)
    return locked


def proposal_update(*, actor, proposal: Proposal, expected_version: int | None = None, **fields) -> Proposal:
    """Change a draft proposal. With ``expected_version``, refuse (StaleVersion) if someone saved in between.
    The chair's review of it is withdrawn and the sign-off of the wards concerned reopens."""
    access.require(actor, "edit_plan")
    unknown = set(fields) - set(PROPOSAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        _lock_reform(proposal.reform)
        locked = _lock(proposal, expected_version)
        _ensure_draft(locked)
        merged = {name: getattr(locked, name) for name in PROPOSAL_FIELDS}
        merged.update(fields)
        data = _clean_fields(locked.reform, locked.official, merged)
        if all(getattr(locked, name) == value for name, value in data.items()):
            return locked  # saved unchanged: the review and the sign-off stand
        old_target = locked.target_ward_id
        for name, value in data.items():
            setattr(locked, name, value)
        locked.version += 1
        locked._history_user = actor
        locked.save()
        _drop_review(actor=actor, proposal=locked)
        _reopen_signoffs(
            actor=actor, reform=locked.reform, ward_ids=[locked.ward_id, old_target, locked.target_ward_id]
        )
    return locked


def proposal_delete(*, actor, proposal: Proposal, expected_version: int | None = None) -> None:
    access.require(actor, "edit_plan")
    with transaction.atomic():
        _lock_reform(proposal.reform)
        locked = _lock(proposal, expected_version)
        _ensure_draft(locked)
        wards = [locked.ward_id, locked.target_ward_id]
        locked._history_user = actor
        _drop_review(actor=actor, proposal=locked)
        locked.delete()
        _reopen_signoffs(actor=actor, reform=locked.reform, ward_ids=wards)


# --- the ward chair's review and sign-off -----------------------------------------------------------------


def review_set(*, actor, proposal: Proposal, verdict: str, comment: str = "") -> Review:
    """The chair of the proposal's ward agrees or disputes (a dispute needs a comment)."""
    access.require(actor, "review_ward", proposal.ward_id)
    comment = (comment or "").strip()
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Choose “agree” or “disagree”.")})
    if verdict == Verdict.DISPUTE and not comment:
        raise ValidationError({"comment": _("When you disagree, write a comment.")})
    with transaction.atomic():
        # An approved proposal may still be reviewed: the verdict is the chair's opinion, not a change to it.
        _lock_reform(proposal.reform)
        locked = Proposal.objects.select_for_update().select_related("reform", "official").get(pk=proposal.pk)
        review = Review.objects.filter(proposal=locked).first() or Review(proposal=locked)
        review.verdict, review.comment, review.reviewer = verdict, comment, actor
        review._history_user = actor
        review.save()
        # A changed verdict after the sign-off reopens it: the chair signs again what they now say.
        _reopen_signoffs(actor=actor, reform=locked.reform, ward_ids=[locked.ward_id])
    return review


def ward_rows_unreviewed(reform: Reform, ward: Ward) -> int:
    return Proposal.objects.filter(reform=reform, ward=ward, review__isnull=True).count()


def signoff_create(*, actor, ward: Ward, reform: Reform | None = None) -> SignOff:
    """The ward chair signs their ward's plan off once every row is reviewed."""
    access.require(actor, "review_ward", ward.pk)
    reform = reform or current_reform()
    with transaction.atomic():
        reform = _lock_reform(reform)
        missing = ward_rows_unreviewed(reform, ward)
        if missing:
            raise ValidationError(
                _("%(count)s proposals of ward %(ward)s have no opinion yet; the plan cannot be signed off.")
                % {"count": missing, "ward": ward.name}
            )
        if SignOff.objects.filter(reform=reform, ward=ward).exists():
            raise ValidationError(_("Ward %(ward)s has already signed off the plan.") % {"ward": ward.name})
        signoff = SignOff(reform=reform, ward=ward, signed_by=actor)
        signoff._history_user = actor
        signoff.save()
    return signoff


# --- approval ---------------------------------------------------------------------------------------------


def proposals_approve(*, actor, proposals: Iterable[Proposal]) -> int:
    """Approve the given draft proposals (already approved ones are skipped). Returns how many changed."""
    access.require(actor, "approve_plan")
    proposals = list(proposals)
    ids = [p.pk for p in proposals]
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        for reform_id in sorted({p.reform_id for p in proposals}):
            _lock_reform(Reform(pk=reform_id))
        rows = Proposal.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        for proposal in rows:
            if proposal.status == ProposalStatus.APPROVED:
                continue
            proposal.status = ProposalStatus.APPROVED
            proposal.approved_by, proposal.approved_at = actor, now
            proposal.version += 1
            proposal._history_user = actor
            proposal.save(update_fields=["status", "approved_by", "approved_at", "version"])
            changed += 1
    return changed


def proposal_approve(*, actor, proposal: Proposal, expected_version: int | None = None) -> Proposal:
    access.require(actor, "approve_plan")
    with transaction.atomic():
        _lock_reform(proposal.reform)
        locked = _lock(proposal, expected_version)
        proposals_approve(actor=actor, proposals=[locked])
    locked.refresh_from_db()
    return locked


def proposal_unapprove(*, actor, proposal: Proposal, expected_version: int | None = None) -> Proposal:
    """Unlock an approved proposal so it can be changed again (recorded in its history)."""
    access.require(actor, "approve_plan")
    with transaction.atomic():
        _lock_reform(proposal.reform)
        locked = _lock(proposal, expected_version)
        if locked.status != ProposalStatus.APPROVED:
            raise ValidationError(
                _("The proposal for %(name)s is not approved.") % {"name": locked.official.full_name}
            )
        locked.status = ProposalStatus.DRAFT
        locked.approved_by, locked.approved_at = None, None
        locked.version += 1
        locked._history_user = actor
        locked.save(update_fields=["status", "approved_by", "approved_at", "version"])
    return locked


# --- the cutover ------------------------------------------------------------------------------------------


@dataclass
class HoldingEnd:
    holding: PostHolding
    reason: str


@dataclass
class HoldingStart:
    official: Official
    ward: Ward
    position: Position
    decision_number: str
    proposal: Proposal
    replaces: PostHolding | None = None


@dataclass
class CutoverPreview:
    """What the cutover would do now, and why it would refuse."""

    reform: Reform
    ends: list[HoldingEnd] = field(default_factory=list)
    starts: list[HoldingStart] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    unapproved: list[Proposal] = field(default_factory=list)
    blockers: list = field(default_factory=list)
    executed: bool = False

    @property
    def eve(self) -> dt.date:
        return eve_of(self.reform)

    @property
    def can_run(self) -> bool:
        return not self.executed and not self.reasons

    @property
    def ward_moves(self) -> list[HoldingStart]:
        return [s for s in self.starts if s.ward.pk != s.official.ward_id]


def _plan_blockers(reform: Reform, proposals: list[Proposal], current_codes) -> list:
    """Blocker findings of the district as planned (the staffing check with the plan laid over it)."""
    from staffing import plan_check

    changes = proposals_to_changes(proposals, current_codes=current_codes)
    findings = plan_check.check_planned(reform=reform, changes=changes)
    return [f for f in findings if plan_check.severity_of(f) == "blocker"]


def _compute(reform: Reform, *, with_check: bool = True) -> CutoverPreview:
    preview = CutoverPreview(reform=reform, executed=reform.executed_at is not None)
    proposals = list(plan_proposals(reform))
    abolished = abolished_codes(_rules(reform))
    # Only the holdings the cutover can end (an abolished post, or an official with a proposal): over the
    # country the others are most of 250,000 rows that the cutover never touches.
    holdings = list(
        open_holdings_on_eve(reform).filter(
            Q(position__code__in=abolished)
            | Q(official_id__in=Proposal.objects.filter(reform=reform).values("official_id"))
        )
    )
    current_codes = defaultdict(set)
    by_official = defaultdict(list)
    for h in holdings:
        current_codes[h.official_id].add(h.position.code)
        by_official[h.official_id].append(h)
    ends: dict[int, HoldingEnd] = {}

    def end(h: PostHolding, reason: str):
        if h.pk in ends:
            ends[h.pk].reason += "; " + reason
        else:
            ends[h.pk] = HoldingEnd(h, reason)

    for h in holdings:
        if h.position.code in abolished:
            end(h, _("post abolished"))
    for p in proposals:
        mine = by_official.get(p.official_id, [])
        primary = next((h for h in mine if h.is_primary), None)
        if p.outcome in (Outcome.RETIRE, Outcome.LEAVE):
            for h in mine:
                end(h, p.get_outcome_display().lower())
        elif p.outcome == Outcome.LAPSE:
            for h in mine:
                if h.pk == p.holding_id:
                    end(h, _("concurrent post ends"))
        elif p.outcome in (Outcome.MOVE, Outcome.APPOINT):
            if primary is not None:
                end(primary, f"{p.get_outcome_display().lower()}: {p.target_position.title}")
            preview.starts.append(
                HoldingStart(p.official, p.target_ward, p.target_position, p.decision_number, p, primary)
            )
    preview.ends = sorted(
        ends.values(),
        key=lambda e: (e.holding.ward.name, e.holding.position.display_order, e.holding.official.sort_key),
    )
    preview.unapproved = [p for p in proposals if p.status != ProposalStatus.APPROVED]
    if preview.executed:
        return preview
    for p in preview.unapproved:
        preview.reasons.append(
            _("The proposal for %(name)s (%(code)s, ward %(ward)s) is not approved.")
            % {"name": p.official.full_name, "code": p.official.code, "ward": p.ward.name}
        )
    if with_check:
        from staffing import plan_check

        preview.blockers = _plan_blockers(reform, proposals, current_codes)
        for f in preview.blockers:
            preview.reasons.append(plan_check.describe(f))
    return preview


def cutover_preview(*, reform: Reform | None = None) -> CutoverPreview:
    """The dry run: what the cutover would end and open, and the reasons it would refuse. No writes."""
    return _compute(reform or current_reform())


def _open_holding(*, actor, start: HoldingStart, cutover: dt.date) -> PostHolding:
    return holding_open(
        actor=actor, official=start.official, ward=start.ward, position=start.position, start_date=cutover,
        is_primary=True, decision_number=start.decision_number,
    )  # fmt: skip


def _end_holding(*, actor, holding: PostHolding, eve: dt.date) -> None:
    holding.end_date = eve
    holding._history_user = actor
    holding.save(update_fields=["end_date"])


def cutover_execute(*, actor, reform: Reform | None = None) -> tuple[CutoverRun, bool]:
    """Run the cutover in one transaction. Returns (the run, whether this call changed anything): run again,
    it changes nothing and returns the run already made. Raises CutoverRefused listing the reasons."""
    access.require(actor, "run_cutover")
    reform = reform or current_reform()
    with transaction.atomic():
        # Serialise concurrent runs: the second waits here, then sees executed_at set.
        reform = Reform.objects.select_for_update().get(pk=reform.pk)
        if reform.executed_at is not None:
            run = (
                reform.cutover_runs.filter(rolled_back_at__isnull=True)
                .order_by("-executed_at", "-pk")
                .first()
            )
            return run, False
        preview = _compute(reform)
        if preview.reasons:
            raise CutoverRefused(preview.reasons)
        eve, cutover = eve_of(reform), reform.cutover_date
        ended = [
            {
                "id": e.holding.pk,
                "end_date": e.holding.end_date.isoformat() if e.holding.end_date else None,
                "decision_number": e.holding.decision_number,
            }
            for e in preview.ends
        ]
        official_wards = {str(s.official.pk): s.official.ward_id for s in preview.starts}
        for e in preview.ends:
            _end_holding(actor=actor, holding=e.holding, eve=eve)
        created = []
        for start in preview.starts:
            created.append(_open_holding(actor=actor, start=start, cutover=cutover).pk)
        reform.executed_at = timezone.now()
        reform._history_user = actor
        reform.save(update_fields=["executed_at"])
        summary = {
            "ended": len(ended),
            "opened": len(created),
            "ward_changes": sum(
                1 for s in preview.starts if s.ward.pk != int(official_wards[str(s.official.pk)])
            ),
            "proposals": len(list({s.proposal.pk for s in preview.starts})),
        }
        run = CutoverRun.objects.create(
            reform=reform, executed_by=actor, ended_holdings=ended, created_holdings=created,
            official_wards=official_wards, summary=summary,
        )  # fmt: skip
    return run, True


def cutover_rollback(*, actor, reform: Reform | None = None) -> CutoverRun:
    """Undo the last cutover in one transaction: delete the holdings it opened, restore the ended ones'
    end dates and decision numbers and the officials' wards. Refused if those rows changed since."""
    access.require(actor, "run_cutover")
    reform = reform or current_reform()
    with transaction.atomic():
        reform = Reform.objects.select_for_update().get(pk=reform.pk)
        run = reform.cutover_runs.filter(rolled_back_at__isnull=True).order_by("-executed_at", "-pk").first()
        if reform.executed_at is None or run is None:
            raise ValidationError(_("The cutover has not been run, so there is nothing to undo."))
        eve = eve_of(reform)
        created = {h.pk: h for h in PostHolding.objects.filter(pk__in=run.created_holdings)}
        ended_ids = [row["id"] for row in run.ended_holdings]
        ended = {h.pk: h for h in PostHolding.objects.filter(pk__in=ended_ids)}
        problems = []
        for pk in run.created_holdings:
            h = created.get(pk)
            if h is None:
                problems.append(_("Post #%(id)s opened by the cutover has been deleted.") % {"id": pk})
            elif h.end_date is not None:
                problems.append(
                    _("Post #%(id)s opened by the cutover has been ended on %(date)s.")
                    % {"id": pk, "date": f"{h.end_date:%d/%m/%Y}"}
                )
        for pk in ended_ids:
            h = ended.get(pk)
            if h is None:
                problems.append(_("Post #%(id)s ended by the cutover has been deleted.") % {"id": pk})
            elif h.end_date != eve:
                problems.append(_("The end date of post #%(id)s was changed after the cutover.") % {"id": pk})
        if problems:
            raise ValidationError(
                [_("The cutover cannot be undone because the data changed after it:"), *problems]
            )
        for pk in run.created_holdings:
            holding = created[pk]
            holding._history_user = actor
            holding.delete()
        for row in run.ended_holdings:
            holding = ended[row["id"]]
            holding.end_date = dt.date.fromisoformat(row["end_date"]) if row["end_date"] else None
            holding.decision_number = row["decision_number"]
            holding._history_user = actor
            holding.save(update_fields=["end_date", "decision_number"])
        officials = Official.objects.in_bulk([int(k) for k in run.official_wards])
        for key, ward_id in run.official_wards.items():
            official = officials[int(key)]
            if official.ward_id != ward_id:
                official.ward_id = ward_id
                official._history_user = actor
                official.save(update_fields=["ward"])
        reform.executed_at = None
        reform._history_user = actor
        reform.save(update_fields=["executed_at"])
        run.rolled_back_by, run.rolled_back_at = actor, timezone.now()
        run.save(update_fields=["rolled_back_by", "rolled_back_at"])
    return run
