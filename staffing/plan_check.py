"""The plan checked with the same rules: the staffing check (staffing.services.check) with the proposals laid
over the roster, plus the checks only a plan can fail, and what the plan pages show from it (the ward chair's
review rows, the matching board, "as is" against "as planned"). Reads only; every write is in staffing.plan.

Plan-only checks (the rules cover target standards, the appointment age, vice-chair counts, vacancies and the
district headcount):

* ``PLAN_PLACED_TWICE`` — one official with two proposals deciding their primary post (blocker);
* ``PLAN_SEAT_CONFLICT`` — more people planned into a post than its seats in the ward, for the posts whose
  maximum the rules do not count (Chair, Police chief, Military commander: one seat each) (blocker).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from personnel.models import Official
from staffing import plan, rules, services
from staffing.models import Outcome, Proposal, Reform
from staffing.rules import BLOCKER, OFFICIAL, WARD, Finding
from wards import access
from wards.models import Position, Ward

PLAN_CODES = {
    "PLAN_PLACED_TWICE": "Một người có hai phương án",
    "PLAN_SEAT_CONFLICT": "Nhiều người cùng một vị trí",
}
BASIS_PLAN = "Kế hoạch 152/KH-UBND ngày 19/4/2021 của UBND quận Đống Đa: mỗi cán bộ một phương án bố trí"


class PlanFinding(Finding):
    """A finding of a plan-only check; same shape as the rules' findings."""

    __slots__ = ()

    @property
    def label(self) -> str:
        return PLAN_CODES.get(self.code) or rules.CODES.get(self.code, self.code)


def severity_of(finding) -> str:
    return finding.severity


def describe(finding) -> str:
    where = f"phường {finding.ward_name}: " if finding.ward_name else ""
    return f"[{finding.code}] {where}{finding.message}"


def _finding(
    code, message, basis, *, ward: rules.WardInfo | None, person: rules.Person | None, position=None
):
    key = (
        -1 if ward is None else ward.order,
        0,
        person.sort_key if person else "",
        person.code if person else "",
        len(rules.CODES),
        0,
    )
    return PlanFinding(
        code=code, severity=BLOCKER, level=OFFICIAL if person else WARD, text=message, basis=basis,
        ward_id=ward.id if ward else None, ward_slug=ward.slug if ward else None,
        ward_name=ward.name if ward else None, official_id=person.id if person else None,
        official_code=person.code if person else None, official_name=person.full_name if person else None,
        position=position, sort_key=key,
    )  # fmt: skip


def plan_only_findings(result: services.CheckResult) -> list:
    """The plan-only checks over a check result computed with a plan."""
    law, roster, projection = result.law, result.roster, result.projection
    out = []
    for official_id, changes in sorted(projection.changes.items()):
        person = roster.people.get(official_id)
        if person is None or person.ward_id not in roster.scope:
            continue
        placing = [c for c in changes if c.outcome in plan.PLACING]
        lapses = [c.holding_id for c in changes if c.outcome == Outcome.LAPSE]
        if len(placing) > 1 or len(lapses) != len(set(lapses)):
            labels = ", ".join(str(Outcome(c.outcome).label).lower() for c in placing) or "thôi kiêm nhiệm"
            out.append(
                _finding(
                    "PLAN_PLACED_TWICE",
                    f"{person.full_name} có {len(placing) or len(lapses)} đề xuất cùng quyết định chức danh ({labels}): "
                    "giữ một đề xuất.",
                    BASIS_PLAN,
                    ward=roster.wards.get(person.ward_id),
                    person=person,
                )  # fmt: skip
            )
    for ward in sorted((w for w in roster.wards.values() if w.id in roster.scope), key=lambda w: w.order):
        for code in plan.SINGLE_SEAT:
            post = law.posts.get(code)
            if post is None or post.abolished:
                continue
            _low, high = post.seats_for(ward.ward_class)
            holders = projection.holders.get((ward.id, code), [])
            if high is not None and len(holders) > high:
                names = ", ".join(
                    roster.people[i].full_name if i in roster.people else f"#{i}" for i in holders
                )
                out.append(
                    _finding(
                        "PLAN_SEAT_CONFLICT",
                        f"Phường {ward.name}: {len(holders)} người cùng giữ {post.title} sau chuyển đổi "
                        f"({names}); quy định {high}.",
                        post.basis,
                        ward=ward,
                        person=None,
                        position=code,
                    )  # fmt: skip
                )
    return out


def current_codes(proposals: list[Proposal], reform: Reform) -> dict[int, set[str]]:
    """official id -> codes of the posts held on D-1, for the officials of ``proposals``. One query."""
    out = defaultdict(set)
    ids = {p.official_id for p in proposals}
    if ids:
        rows = plan.open_holdings_on_eve(reform).filter(official_id__in=ids).order_by()
        for official_id, code in rows.values_list("official_id", "position__code"):
            out[official_id].add(code)
    return out


def proposals_touching(reform: Reform, wards=None):
    """The plan's proposals of officials of ``wards`` or into them (every proposal when ``wards`` is None):
    what the check of those wards as planned needs, without loading the rest of the country's. One query."""
    proposals = plan.plan_proposals(reform)
    if wards is not None:
        proposals = proposals.filter(Q(ward__in=wards) | Q(target_ward__in=wards))
    return proposals


def planned(*, reform: Reform, proposals: list[Proposal] | None = None, wards=None, law=None):
    """(check result as planned, plan-only findings, the proposals used)."""
    if proposals is None:
        proposals = list(proposals_touching(reform, wards))
    changes = plan.proposals_to_changes(proposals, current_codes=current_codes(proposals, reform))
    result = services.check(wards=wards, plan=changes, reform=reform, law=law)
    return result, plan_only_findings(result), proposals


def check_planned(*, reform: Reform, changes) -> list:
    """Every finding of the whole district as planned: the rules' and the plan-only ones."""
    result = services.check(plan=changes, reform=reform)
    return [*result.findings, *plan_only_findings(result)]


def blockers_as_planned(reform: Reform | None = None) -> list:
    reform = reform or plan.current_reform()
    result, extra, _ = planned(reform=reform)
    return [f for f in [*result.findings, *extra] if f.severity == BLOCKER]


# --- the ward chair's review ------------------------------------------------------------------------------


def ward_review_rows(*, reform: Reform, ward: Ward) -> dict:
    """The ward's proposals with the official's current posts and findings as planned. Fixed queries."""
    touching = list(plan.plan_proposals(reform).filter(Q(ward=ward) | Q(target_ward=ward)))
    mine = [p for p in touching if p.ward_id == ward.pk]
    holdings = defaultdict(list)
    ids = {p.official_id for p in touching}
    codes = defaultdict(set)
    if ids:
        for h in plan.open_holdings_on_eve(reform).filter(official_id__in=ids):
            holdings[h.official_id].append(h)
            codes[h.official_id].add(h.position.code)
    changes = plan.proposals_to_changes(touching, current_codes=codes)
    result = services.check(wards=[ward], plan=changes, reform=reform)
    extra = plan_only_findings(result)
    by_official = defaultdict(list)
    ward_findings = []
    for f in [*result.findings, *extra]:
        if f.official_id is not None:
            by_official[f.official_id].append(f)
        elif f.ward_id == ward.pk:
            ward_findings.append(f)
    rows = [
        {
            "proposal": p,
            "holdings": holdings.get(p.official_id, []),
            "findings": by_official.get(p.official_id, []),
        }
        for p in mine
    ]
    incoming = [
        {"proposal": p, "holdings": holdings.get(p.official_id, []), "findings": []}
        for p in touching
        if p.ward_id != ward.pk
    ]
    return {
        "rows": rows,
        "incoming": incoming,
        "ward_findings": ward_findings,
        "unreviewed": sum(1 for p in mine if not _has_review(p)),
    }


def _has_review(proposal: Proposal) -> bool:
    try:
        return proposal.review is not None
    except Proposal.review.RelatedObjectDoesNotExist:
        return False


# --- matching board ---------------------------------------------------------------------------------------


@dataclass
class SeatOption:
    ward: Ward
    position: Position
    vacant: int
    same_ward: bool
    margin: int
    promotion: bool


@dataclass
class BoardEntry:
    official: Official
    ward: Ward
    holdings: list
    reasons: list
    proposals: list = field(default_factory=list)
    seats: list = field(default_factory=list)


def _standards_margin(person: rules.Person, post: rules.PostRule) -> int | None:
    """How far above the post's standards the person is, or None when a standard is not met."""
    margin = 0
    if post.min_education is not None:
        if person.education < post.min_education:
            return None
        margin += person.education - post.min_education
    if post.min_political_theory is not None:
        if person.political_theory < post.min_political_theory:
            return None
        margin += person.political_theory - post.min_political_theory
    if post.requires_it_certificate and not person.it_certificate:
        return None
    if post.requires_law_training and not person.law_training:
        return None
    if post.requires_civil_status_training and not person.civil_status_training:
        return None
    return margin


def vacant_seats(result: services.CheckResult) -> list[tuple[rules.WardInfo, rules.PostRule, int]]:
    """(ward, post, free seats) on D-day as planned, for the civil-service posts of the structure."""
    out = []
    posts = sorted(
        (
            p
            for p in result.law.posts.values()
            if p.in_structure and not p.abolished and p.kind_after == "cong_chuc"
        ),
        key=lambda p: p.display_order,
    )
    for ward in result.wards:
        for post in posts:
            low, high = post.seats_for(ward.ward_class)
            capacity = high if high is not None else (low or 0)
            free = capacity - len(result.projection.holders.get((ward.id, post.code), ()))
            if free > 0:
                out.append((ward, post, free))
    return out


def matching_board(*, reform: Reform, wards=None) -> list[BoardEntry]:
    """Officials of ``wards`` (a Ward queryset; None: every ward) needing a placement and the vacant seats of
    those wards they are eligible for, best first. Fixed queries.

    The work is candidates × seats: over the whole country (10,000 wards) that is hundreds of millions of
    options, so the page asks for one district first (plan_views._scope)."""
    result, _extra, proposals = planned(reform=reform, wards=wards)
    law, roster, projection = result.law, result.roster, result.projection
    cutover = law.cutover
    months = law.value("appointment_min_months_left")
    by_official = defaultdict(list)
    for p in proposals:
        by_official[p.official_id].append(p)
    placed = {oid for oid, ps in by_official.items() if any(p.outcome in plan.PLACING for p in ps)}
    needs = defaultdict(list)
    for h, reason in projection.leaving:
        if reason == "abolished" and h.is_primary and not projection.seats_by_official.get(h.official_id):
            needs[h.official_id].append(f"Chức danh {law.posts[h.position].title} bị bãi bỏ.")
    for (ward_id, code), holders in sorted(projection.holders.items()):
        post, ward = law.posts.get(code), roster.wards.get(ward_id)
        if post is None or ward is None:
            continue
        _low, high = post.seats_for(ward.ward_class)
        if high is not None and len(holders) > high:
            for official_id in holders:
                needs[official_id].append(
                    f"Phường {ward.name} thừa {post.title}: {len(holders)} người, tối đa {high}."
                )
    for f in result.findings:
        # Retirees need a retirement decision, not a seat; abolished posts are named above.
        if (
            f.severity == BLOCKER
            and f.official_id
            and f.code not in ("RETIRES_BEFORE_CUTOVER", "POST_ABOLISHED")
        ):
            needs[f.official_id].append(f"{f.label}: {f.message}")
    retiring = {oid for oid, r in projection.retirements.items() if r.retirement_date < cutover}
    candidates = sorted(set(needs) - placed - retiring)
    if not candidates:
        return []
    officials = Official.objects.select_related("ward").in_bulk(candidates)
    holdings = defaultdict(list)
    for h in plan.open_holdings_on_eve(reform).filter(official_id__in=candidates):
        holdings[h.official_id].append(h)
    wards = {w.pk: w for w in Ward.objects.filter(pk__in=[w.id for w in result.wards])}
    positions = {p.code: p for p in Position.objects.all()}
    seats = vacant_seats(result)
    entries = []
    for official_id in candidates:
        person, official = roster.people.get(official_id), officials.get(official_id)
        if person is None or official is None:
            continue
        current = {(h.ward_id, h.position.code) for h in holdings.get(official_id, [])}
        codes = {code for _w, code in current}
        r = projection.retirements.get(official_id)
        options = []
        for ward, post, free in seats:
            if (ward.id, post.code) in current:
                continue
            margin = _standards_margin(person, post)
            if margin is None:
                continue
            promotion = plan.is_promotion(
                codes, Outcome.APPOINT if post.code in plan.LEADERSHIP else Outcome.MOVE, post.code
            )
            if promotion and (r is None or not rules.months_left_ok(cutover, r.pension_from, months)):
                continue
            same = ward.id == person.ward_id
            options.append(((not same, -margin, ward.order, post.display_order), SeatOption(
                wards[ward.id], positions[post.code], free, same, margin, promotion)))  # fmt: skip
        options.sort(key=lambda o: o[0])
        entries.append(
            BoardEntry(
                official=official,
                ward=official.ward,
                holdings=holdings.get(official_id, []),
                reasons=list(dict.fromkeys(needs[official_id])),
                proposals=by_official.get(official_id, []),
                seats=[o[1] for o in options],
            )  # fmt: skip
        )
    order = {w.id: w.order for w in roster.wards.values()}
    entries.sort(key=lambda e: (order.get(e.official.ward_id, 0), e.official.sort_key, e.official.code))
    return entries


# --- as is / as planned -----------------------------------------------------------------------------------


def comparison(*, reform: Reform, user, wards=None) -> dict:
    """The dashboard and the findings as is (no plan) and as planned, for ``wards`` (a Ward queryset; by
    default every ward ``user`` may see)."""
    wards = Ward.objects.visible_to(user) if wards is None else wards
    law = services.load_law(reform)
    as_is = services.check(wards=wards, reform=reform, law=law)
    as_planned, extra, proposals = planned(reform=reform, wards=wards, law=law)
    if not access.can(user, "view_district"):
        proposals = [p for p in proposals if p.ward_id in as_is.roster.scope]
    before, after = as_is.dashboard(), as_planned.dashboard()
    after_rows = {r.ward.id: r for r in after.rows}
    planned_findings = sorted([*as_planned.findings, *extra], key=lambda f: f.sort_key)
    rows = []
    for row in before.rows:
        other = after_rows.get(row.ward.id)
        rows.append({"ward": row.ward, "is": row, "planned": other})
    codes = list(rules.CODES) + list(PLAN_CODES)
    count_is = as_is.counts()
    count_planned = as_planned.counts(planned_findings)
    by_code = [
        {"code": c, "label": PLAN_CODES.get(c) or rules.CODES[c], "is": count_is["code"].get(c, 0),
         "planned": count_planned["code"].get(c, 0)}
        for c in codes
        if count_is["code"].get(c) or count_planned["code"].get(c)
    ]  # fmt: skip
    headcount = []
    for district_id, (n, cap, n_wards) in sorted(before.headcount.items()):
        n_after = after.headcount.get(district_id, (0, cap, n_wards))[0]
        headcount.append({"cap": cap, "wards": n_wards, "is": n, "planned": n_after})
    return {
        "rows": rows,
        "by_code": by_code,
        "severity_is": count_is["severity"],
        "severity_planned": count_planned["severity"],
        "blockers_is": [f for f in as_is.findings if f.severity == BLOCKER],
        "blockers_planned": [f for f in planned_findings if f.severity == BLOCKER],
        "headcount": headcount,
        "n_proposals": len(proposals),
    }
