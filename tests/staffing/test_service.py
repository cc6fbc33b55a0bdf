"""The check service on the database: a fixed number of queries, the demo district yields every code, and
the dashboard's numbers agree with the findings and the holdings."""

import datetime as dt
import gc
from collections import Counter

import pytest

from personnel.demo import load_demo
from personnel.models import PostHolding
from staffing import rules
from staffing.models import Parameter, PositionRule, Reform
from staffing.plan_types import PlannedChange
from staffing.services import CHECK_QUERIES, check
from tests.helpers import make_official, make_wards
from wards.models import Position

# APPOINTMENT_AGE needs a plan: the demo roster alone cannot fire it, the demo plan (staffing.demo_plan) does.
CODES_NEEDING_A_DEMO_PLAN = set()


def test_the_data_migration_loads_the_reform_with_a_rule_per_post_and_cited_parameters(db):
    reform = Reform.objects.get(code="ND32-2021")
    assert reform.cutover_date == dt.date(2021, 7, 1)
    assert set(PositionRule.objects.filter(reform=reform).values_list("position__code", flat=True)) == set(
        Position.objects.values_list("code", flat=True)
    )
    assert not PositionRule.objects.filter(citation="").exists()
    assert not Parameter.objects.filter(citation="").exists()
    assert PositionRule.objects.get(position__code="CHU_TICH_HDND").abolished
    assert PositionRule.objects.get(position__code="CHU_TICH").is_default  # standards are [default]
    assert Parameter.objects.get(key="reappointment_min_months_left").is_default
    assert not Parameter.objects.get(key="retirement_roadmap").is_default


def _fill(ward, prefix, n_extra=0):
    for i, post in enumerate(["CHU_TICH", "PHO_CHU_TICH", "VP_TK", "TP_HT", "PHO_CHU_TICH_HDND"]):
        make_official(ward, post, code=f"{prefix}{i}", full_name=f"Lê Văn {prefix}{i}")
    for i in range(n_extra):
        make_official(ward, "VH_XH", code=f"{prefix}X{i}", full_name=f"Đỗ Thị {prefix}{i}", sex="F")


def test_the_full_check_runs_in_the_same_number_of_queries_for_one_ward_and_three(
    db, django_assert_num_queries
):
    wards = make_wards()
    _fill(wards[0], "A")
    with django_assert_num_queries(CHECK_QUERIES):
        one = check(wards=[wards[0]])
    _fill(wards[1], "B", n_extra=5)
    _fill(wards[2], "C", n_extra=9)
    with django_assert_num_queries(CHECK_QUERIES):
        every = check()
    assert len(every.findings) > len(one.findings) > 0
    plan = [PlannedChange(1, every.roster.holdings[0].official_id, "retire")]
    with django_assert_num_queries(CHECK_QUERIES):
        check(wards=wards[:2], plan=plan)


@pytest.fixture
def demo(db):
    load_demo(password="demo-pass-123")


def test_demo_district_yields_every_code(demo):
    from staffing import plan
    from staffing.demo_plan import seed_demo_plan

    as_is = {f.code for f in check().findings}
    seed_demo_plan()
    as_planned = {f.code for f in check(plan=plan.proposals_to_changes(plan.plan_proposals())).findings}
    assert set(rules.CODES) - CODES_NEEDING_A_DEMO_PLAN <= as_is | as_planned
    assert "APPOINTMENT_AGE" in as_planned


def test_dashboard_numbers_agree_with_the_findings_and_the_holdings(demo):
    result = check()
    board = result.dashboard()
    cutover = result.law.cutover
    holders = {}
    for official_id, ward_id, code in PostHolding.objects.open_on(cutover).values_list(
        "official_id", "ward_id", "position__code"
    ):
        holders.setdefault((ward_id, code), set()).add(official_id)
    retiring = {f.official_id for f in result.findings if f.code == "RETIRES_BEFORE_CUTOVER"}
    abolished = Counter((f.ward_id, f.position) for f in result.findings if f.code == "POST_ABOLISHED")
    ward_level = {(f.ward_id, f.position, f.code) for f in result.findings if f.level == "ward"}
    assert len(board.rows) == 21
    for row in board.rows:
        for p in row.posts:
            key = (row.ward.id, p.post.code)
            assert p.current == len(holders.get(key, ()))
            assert p.leaving_retirement == len(holders.get(key, set()) & retiring)
            assert p.leaving_abolished == abolished[key]
            assert p.carrying == p.current - p.leaving_retirement - p.leaving_abolished
            code = {"CHU_TICH": "CHAIR_VACANT", "PHO_CHU_TICH": "VICE_CHAIR_COUNT"}.get(
                p.post.code, "ROLE_VACANT"
            )
            flagged = (row.ward.id, p.post.code, code) in ward_level
            if p.post.code == "PHO_CHU_TICH":
                assert flagged == bool(p.vacancy or p.surplus)
            elif p.post.in_structure:
                assert flagged == bool(p.vacancy)
    # The headcount after the cutover: one CONVERSION_REQUIRED per official carried into a counted post.
    ((count, cap, n_wards),) = board.headcount.values()
    assert count == sum(1 for f in result.findings if f.code == "CONVERSION_REQUIRED")
    assert (cap, n_wards) == (315, 21)
    assert any(f.code == "DISTRICT_HEADCOUNT_EXCEEDED" for f in result.findings) == (count > cap)


def test_a_ward_alone_gets_no_district_finding(demo):
    from wards.models import Ward

    result = check(wards=Ward.objects.filter(slug="hang-bot"))
    assert {f.ward_slug for f in result.findings} == {"hang-bot"}
    assert "CHAIR_VACANT" in {f.code for f in result.findings}
    assert result.dashboard().headcount == {}


# What the demo district shows today, code by code (the pages, the command and the API all show these counts).
DEMO_AS_IS = {
    "CHAIR_TENURE_LIMIT": 1, "CHAIR_VACANT": 1, "CIVIL_STATUS_QUALIFICATION": 1, "CONVERSION_REQUIRED": 326,
    "DISTRICT_HEADCOUNT_EXCEEDED": 1, "EDUCATION_BELOW_STANDARD": 3, "IT_CERTIFICATE_MISSING": 17,
    "POLITICAL_THEORY_BELOW_STANDARD": 1, "POST_ABOLISHED": 42, "RELATIVE_IN_RESTRICTED_POST": 1,
    "RETIRES_BEFORE_CUTOVER": 4, "RETIRES_WITHIN_TERM": 4, "ROLE_VACANT": 1, "VICE_CHAIR_COUNT": 2,
}  # fmt: skip
DEMO_AS_PLANNED = {
    "APPOINTMENT_AGE": 1, "CHAIR_TENURE_LIMIT": 1, "CIVIL_STATUS_QUALIFICATION": 1, "CONVERSION_REQUIRED": 324,
    "DISTRICT_HEADCOUNT_EXCEEDED": 1, "EDUCATION_BELOW_STANDARD": 2, "IT_CERTIFICATE_MISSING": 17,
    "POLITICAL_THEORY_BELOW_STANDARD": 1, "POST_ABOLISHED": 42, "RELATIVE_IN_RESTRICTED_POST": 1,
    "RETIRES_BEFORE_CUTOVER": 4, "RETIRES_WITHIN_TERM": 4, "VICE_CHAIR_COUNT": 2,
}  # fmt: skip


def _sorted_as_shown(result):
    """Ward by ward in the portal's order (district level first), then severity, then official."""
    keys = []
    for f in result.findings:
        person = result.roster.people.get(f.official_id)
        keys.append((
            -1 if f.ward_id is None else result.roster.wards[f.ward_id].order,
            rules.SEVERITIES.index(f.severity),
            (person.sort_key, person.code) if person else ("", ""),
        ))  # fmt: skip
    return keys == sorted(keys)


def test_the_demo_district_gives_the_same_findings_code_by_code(demo):
    from staffing import plan
    from staffing.demo_plan import seed_demo_plan

    result = check()
    counts = result.counts()
    assert counts["total"] == 405
    assert dict(counts["severity"]) == {"blocker": 31, "warning": 27, "info": 347}
    assert dict(counts["code"]) == DEMO_AS_IS
    assert _sorted_as_shown(result)
    seed_demo_plan()
    planned = check(plan=plan.proposals_to_changes(plan.plan_proposals()))
    counts = planned.counts()
    assert counts["total"] == 401
    assert dict(counts["severity"]) == {"blocker": 27, "warning": 26, "info": 348}
    assert dict(counts["code"]) == DEMO_AS_PLANNED
    assert _sorted_as_shown(planned)


def test_the_check_leaves_the_garbage_collector_as_it_found_it(db):
    wards = make_wards()
    _fill(wards[0], "A")
    assert gc.isenabled()
    check()
    assert gc.isenabled()
    gc.disable()
    try:
        check()
        assert not gc.isenabled()
    finally:
        gc.enable()
    marker = [object()]
    gc.freeze()  # as a pre-fork server does: the check must not unfreeze what the process froze
    try:
        check()
        assert not any(o is marker for o in gc.get_objects())  # still frozen: not in a generation
    finally:
        gc.unfreeze()
    assert any(o is marker for o in gc.get_objects())
