"""The whole flow on the demo district: propose → review → sign-off → approve → cutover → rollback."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from personnel.models import Official, PostHolding
from staffing import plan, plan_check, services
from staffing.models import CutoverRun, Outcome, Proposal, Reform, SignOff, Verdict
from wards.models import Position, Ward

pytestmark = pytest.mark.django_db


def holdings_snapshot():
    """Every post holding and every official's ward, row by row."""
    rows = sorted(
        PostHolding.objects.values_list(
            "id",
            "official_id",
            "ward_id",
            "position_id",
            "start_date",
            "end_date",
            "is_primary",
            "decision_number",
        )
    )
    wards = sorted(Official.objects.values_list("id", "ward_id"))
    return rows, wards


def blockers():
    return [f for f in services.check().findings if f.severity == "blocker"]


def planned_blockers(reform):
    return plan_check.blockers_as_planned(reform)


def draft_full_plan(client, demo, reform):
    """Proposals for every official needing a decision, enough to clear every blocker (headcount included)."""
    noivu = demo["noivu"]
    client.force_login(noivu)
    findings = services.check().findings
    # 1. Retirements before the cutover.
    for f in findings:
        if f.code == "RETIRES_BEFORE_CUTOVER" and f.severity == "blocker":
            plan.proposal_create(
                actor=noivu, official=Official.objects.get(pk=f.official_id), outcome=Outcome.RETIRE
            )
    # 2. Vacant seats filled from the matching board, one click each (same-ward candidates first).
    for ward_slug, code in (
        ("hang-bot", "CHU_TICH"),
        ("thinh-quang", "PHO_CHU_TICH"),
        ("phuong-mai", "VH_XH"),
    ):
        entries = plan_check.matching_board(reform=reform)
        entry = next(
            e for e in entries
            if e.official.ward.slug == ward_slug and any(s.ward.slug == ward_slug and s.position.code == code for s in e.seats)
        )  # fmt: skip
        response = client.post(
            "/ke-hoach/ghep-vi-tri/lap-de-xuat/",
            {"official": entry.official.code, "ward": ward_slug, "position": code},
        )
        assert response.status_code == 302
        assert Proposal.objects.filter(official=entry.official, target_position__code=code).exists()
    # 3. Everyone else the board lists (abolished posts, surplus Vice-Chairs, standards not met) leaves.
    for entry in plan_check.matching_board(reform=reform):
        if entry.proposals:
            continue
        plan.proposal_create(
            actor=noivu, official=entry.official, outcome=Outcome.LEAVE,
            policy_basis="Nghị định 26/2015/NĐ-CP" if entry.holdings and entry.holdings[0].position.code.endswith("HDND") else "Nghị định 108/2014/NĐ-CP",
        )  # fmt: skip
        # A surplus seat needs only one of its holders to go.
        if any("thừa" in r for r in entry.reasons):
            break
    for entry in plan_check.matching_board(reform=reform):
        if not entry.proposals:
            plan.proposal_create(
                actor=noivu,
                official=entry.official,
                outcome=Outcome.LEAVE,
                policy_basis="Nghị định 108/2014/NĐ-CP",
            )
    # 4. The district headcount cap: a surplus Văn phòng – Thống kê civil servant leaves in as many wards as needed.
    result, _extra, _ = plan_check.planned(reform=reform)
    n, cap, _wards = next(iter(result.dashboard().headcount.values()))
    surplus = n - cap
    assert surplus > 0
    taken = set(Proposal.objects.values_list("official_id", flat=True))
    for ward in Ward.objects.order_by("code"):
        if surplus == 0:
            break
        vp = [
            h
            for h in PostHolding.objects.filter(
                ward=ward, position__code="VP_TK", end_date__isnull=True
            ).order_by("official__code")
            if h.official_id not in taken
        ]
        if len(vp) >= 2:
            plan.proposal_create(actor=noivu, official=vp[-1].official, outcome=Outcome.LEAVE,
                                 policy_basis="Nghị định 108/2014/NĐ-CP (tinh giản biên chế)")  # fmt: skip
            surplus -= 1
    assert surplus == 0
    # 5. The Chủ tịch HĐND post held concurrently lapses explicitly in one ward (the cutover ends the rest).
    concurrent = PostHolding.objects.filter(
        ward__slug="cat-linh", position__code="CHU_TICH_HDND", end_date__isnull=True
    ).first()
    plan.proposal_create(actor=noivu, official=concurrent.official, outcome=Outcome.LAPSE, holding=concurrent)


def review_and_sign(client, demo, reform):
    for ward in Ward.objects.order_by("code"):
        chair = demo[f"chutich-{ward.slug}"]
        client.force_login(chair)
        for proposal in Proposal.objects.filter(ward=ward).order_by("pk"):
            response = client.post(
                f"/ke-hoach/de-xuat/{proposal.pk}/y-kien/", {"verdict": Verdict.AGREE, "comment": ""}
            )
            assert response.status_code == 302
        response = client.post(f"/ke-hoach/phuong/{ward.slug}/xac-nhan/")
        assert response.status_code == 302
    assert SignOff.objects.filter(reform=reform).count() == 21


def approve_all(client, demo):
    client.force_login(demo["noivu"])
    response = client.post("/ke-hoach/de-xuat/phe-duyet/", {"querystring": ""})
    assert response.status_code == 302
    assert not Proposal.objects.filter(status="draft").exists()


def test_the_whole_flow_clears_every_blocker_and_a_rollback_restores_the_holdings_exactly(
    client, demo, reform
):
    assert blockers(), "the demo starts with blockers"
    before = holdings_snapshot()

    draft_full_plan(client, demo, reform)
    assert planned_blockers(reform) == []
    review_and_sign(client, demo, reform)

    preview = plan.cutover_preview(reform=reform)
    assert not preview.can_run and len(preview.reasons) == Proposal.objects.count()  # none approved yet

    approve_all(client, demo)
    preview = plan.cutover_preview(reform=reform)
    assert preview.reasons == [] and preview.can_run

    client.force_login(demo["admin"])
    response = client.post("/ke-hoach/chuyen-doi/thuc-hien/", {"confirm": "yes"})
    assert response.status_code == 302
    reform.refresh_from_db()
    assert reform.executed_at is not None
    assert blockers() == []
    run = CutoverRun.objects.get()
    assert run.summary["ended"] == len(preview.ends) and run.summary["opened"] == len(preview.starts)
    eve, day = plan.eve_of(reform), reform.cutover_date
    # The new Chair of Hàng Bột holds the post from the cutover date, with the proposal's decision number.
    chair = PostHolding.objects.get(ward__slug="hang-bot", position__code="CHU_TICH", end_date__isnull=True)
    assert chair.start_date == day
    # Abolished posts ended on the eve, for everyone.
    assert (
        not PostHolding.objects.filter(position__code__endswith="HDND")
        .exclude(end_date=eve)
        .exclude(end_date__lt=eve)
        .exists()
    )
    after = holdings_snapshot()

    # Running it again changes nothing.
    _run, changed = plan.cutover_execute(actor=demo["admin"], reform=reform)
    assert changed is False and holdings_snapshot() == after and CutoverRun.objects.count() == 1

    # The plan is frozen once executed.
    with pytest.raises(plan.ValidationError):
        plan.proposal_create(actor=demo["noivu"], official=Official.objects.first(), outcome=Outcome.RETIRE)

    response = client.post("/ke-hoach/chuyen-doi/hoan-tac/", {"confirm": "yes"})
    assert response.status_code == 302
    assert holdings_snapshot() == before
    reform.refresh_from_db()
    assert reform.executed_at is None
    run.refresh_from_db()
    assert run.rolled_back_by == demo["admin"] and run.rolled_back_at is not None


def test_the_history_records_who_proposed_reviewed_signed_approved_and_ran_the_cutover(client, demo, reform):
    draft_full_plan(client, demo, reform)
    review_and_sign(client, demo, reform)
    approve_all(client, demo)
    plan.cutover_execute(actor=demo["admin"], reform=reform)
    proposal = Proposal.objects.filter(outcome=Outcome.APPOINT).first()
    users = [h.history_user.username for h in proposal.history.order_by("history_date")]
    assert users[0] == "noivu" and users[-1] == "noivu"  # created, approved
    review_history = proposal.review.history.get()
    assert review_history.history_user.username == f"chutich-{proposal.ward.slug}"
    assert (
        SignOff.history.filter(ward=proposal.ward).get().history_user.username
        == f"chutich-{proposal.ward.slug}"
    )
    assert (
        Reform.history.filter(executed_at__isnull=False).latest("history_date").history_user.username
        == "admin"
    )
    opened = PostHolding.objects.get(pk=CutoverRun.objects.get().created_holdings[0])
    assert opened.history.get().history_user.username == "admin"


def test_a_failure_in_the_middle_of_the_cutover_leaves_the_database_as_it_was(
    client, demo, reform, monkeypatch
):
    draft_full_plan(client, demo, reform)
    review_and_sign(client, demo, reform)
    approve_all(client, demo)
    before = holdings_snapshot()
    real = plan._open_holding
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(plan, "_open_holding", failing)
    with pytest.raises(RuntimeError):
        plan.cutover_execute(actor=demo["admin"], reform=reform)
    assert len(calls) == 2
    assert holdings_snapshot() == before
    reform.refresh_from_db()
    assert reform.executed_at is None and not CutoverRun.objects.exists()


def test_the_cutover_refuses_listing_the_blockers_and_unapproved_proposals(demo, reform):
    official = (
        PostHolding.objects.filter(ward__slug="van-mieu", position__code="PHO_CHU_TICH_HDND").get().official
    )
    plan.proposal_create(
        actor=demo["noivu"], official=official, outcome=Outcome.LEAVE, policy_basis="NĐ 26/2015"
    )
    before = holdings_snapshot()
    with pytest.raises(plan.CutoverRefused) as refused:
        plan.cutover_execute(actor=demo["admin"], reform=reform)
    reasons = refused.value.reasons
    assert any("chưa được phê duyệt" in r and official.full_name in r for r in reasons)
    assert any(r.startswith("[DISTRICT_HEADCOUNT_EXCEEDED]") for r in reasons)
    assert any(r.startswith("[CHAIR_VACANT]") and "Hàng Bột" in r for r in reasons)
    assert holdings_snapshot() == before


def test_execute_cutover_command_dry_run_lists_reasons_and_writes_nothing(demo, reform, capsys):
    before = holdings_snapshot()
    with pytest.raises(CommandError, match="Refused"):
        call_command("execute_cutover", "--dry-run")
    err = capsys.readouterr().err
    assert "[CHAIR_VACANT]" in err
    assert holdings_snapshot() == before


def test_execute_cutover_command_runs_and_rolls_back(client, demo, reform, capsys):
    draft_full_plan(client, demo, reform)
    review_and_sign(client, demo, reform)
    approve_all(client, demo)
    before = holdings_snapshot()
    call_command("execute_cutover", "--dry-run")
    assert holdings_snapshot() == before
    call_command("execute_cutover")
    assert "Cutover done" in capsys.readouterr().out
    call_command("execute_cutover")
    assert "already executed" in capsys.readouterr().out
    call_command("execute_cutover", "--rollback")
    assert holdings_snapshot() == before
    with pytest.raises(CommandError):
        call_command("execute_cutover", "--user", "noivu")


def test_seed_demo_plan_drafts_a_few_proposals_once_and_flags_the_late_promotion(demo, reform):
    call_command("seed_demo_plan")
    n = Proposal.objects.count()
    assert n >= 5 and not Proposal.objects.exclude(status="draft").exists()
    call_command("seed_demo_plan")
    assert Proposal.objects.count() == n
    result, _extra, _ = plan_check.planned(reform=reform)
    late = [f for f in result.findings if f.code == "APPOINTMENT_AGE"]
    assert len(late) == 1 and late[0].ward_slug == "kim-lien"
    assert Position.objects.get(code="CHU_TICH").title in late[0].message
