"""The plan services on a small district (Phường 1…3): proposals, versions, locks, reviews, sign-offs."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from personnel.models import PostHolding
from personnel.services import StaleVersion
from staffing import plan, plan_check
from staffing.models import Outcome, Proposal, ProposalStatus, Review, SignOff, Verdict
from tests.helpers import make_official
from wards.models import Position

pytestmark = pytest.mark.django_db


def post(code):
    return Position.objects.get(code=code)


@pytest.mark.parametrize(
    "current,outcome,target,promoted",
    [
        (set(), "appoint", "CHU_TICH", True),  # first appointment
        ({"VP_TK"}, "move", "PHO_CHU_TICH", True),  # a civil servant becoming Vice-Chair
        ({"PHO_CHU_TICH"}, "appoint", "CHU_TICH", True),  # Vice-Chair becoming Chair
        ({"BI_THU_DANG_UY", "CHU_TICH_HDND"}, "appoint", "CHU_TICH", True),  # Party post → Chair
        ({"CHU_TICH"}, "move", "CHU_TICH", False),  # a Chair moved to another ward's Chair: equal
        ({"CHU_TICH"}, "move", "PHO_CHU_TICH", False),  # lower
        ({"PHO_CHU_TICH"}, "move", "PHO_CHU_TICH", False),
        ({"PHO_CHU_TICH"}, "keep", None, False),  # conversion of a sitting Vice-Chair
        ({"CHU_TICH"}, "keep", None, False),
        ({"VP_TK"}, "move", "TP_HT", False),  # not a leadership post
    ],
)
def test_promotion_means_first_appointment_or_a_higher_leadership_post(current, outcome, target, promoted):
    assert plan.is_promotion(current, outcome, target) is promoted


def test_proposals_become_planned_changes_with_the_promotion_decided_from_current_posts(
    roster, users, reform, wards
):
    noivu = users["noivu"]
    appoint = plan.proposal_create(
        actor=noivu, official=roster["tp1"], outcome=Outcome.APPOINT, target_position=post("PHO_CHU_TICH")
    )
    keep = plan.proposal_create(actor=noivu, official=roster["chair2"], outcome=Outcome.KEEP)
    changes = {c.proposal_id: c for c in plan.proposals_to_changes(plan.plan_proposals(reform))}
    assert changes[appoint.pk].is_promotion and changes[appoint.pk].target_ward_id == wards[0].pk
    assert changes[appoint.pk].target_position == "PHO_CHU_TICH"
    assert changes[appoint.pk].effective_date == reform.cutover_date
    assert not changes[keep.pk].is_promotion and changes[keep.pk].outcome == "keep"


def test_each_outcome_asks_for_what_it_needs_naming_the_field(roster, users):
    noivu = users["noivu"]
    with pytest.raises(ValidationError) as e:
        plan.proposal_create(actor=noivu, official=roster["tp1"], outcome=Outcome.LEAVE)
    assert "policy_basis" in e.value.error_dict
    with pytest.raises(ValidationError) as e:
        plan.proposal_create(actor=noivu, official=roster["tp1"], outcome=Outcome.MOVE)
    assert {"target_ward", "target_position"} <= set(e.value.error_dict)
    with pytest.raises(ValidationError) as e:
        plan.proposal_create(
            actor=noivu, official=roster["tp1"], outcome=Outcome.APPOINT, target_position=post("VP_TK")
        )
    assert "target_position" in e.value.error_dict
    with pytest.raises(ValidationError) as e:
        plan.proposal_create(
            actor=noivu, official=roster["tp1"], outcome=Outcome.MOVE, target_ward=roster["tp1"].ward,
            target_position=post("CHU_TICH_HDND"),
        )  # fmt: skip
    assert "target_position" in e.value.error_dict
    with pytest.raises(ValidationError) as e:
        plan.proposal_create(actor=noivu, official=roster["tp1"], outcome=Outcome.LAPSE)
    assert "holding" in e.value.error_dict


def test_nobody_is_moved_into_the_police_chief_post_but_a_sitting_one_is_kept(wards, users, roster):
    with pytest.raises(ValidationError) as e:
        plan.proposal_create(
            actor=users["noivu"], official=roster["tp1"], outcome=Outcome.MOVE, target_ward=wards[1],
            target_position=post("TRUONG_CONG_AN"),
        )  # fmt: skip
    assert "do cơ quan công an bố trí" in e.value.message_dict["target_position"][0]
    assert not Proposal.objects.exists()
    police = make_official(wards[0], "TRUONG_CONG_AN", code="CA1")
    assert plan.proposal_create(actor=users["noivu"], official=police, outcome=Outcome.KEEP).pk


def test_keep_is_refused_for_an_abolished_post(wards, users):
    hdnd = make_official(wards[0], "PHO_CHU_TICH_HDND", code="HD1")
    with pytest.raises(ValidationError, match="không còn trong cơ cấu"):
        plan.proposal_create(actor=users["noivu"], official=hdnd, outcome=Outcome.KEEP)


def test_only_the_interior_office_and_administrators_write_proposals(roster, users):
    with pytest.raises(PermissionDenied):
        plan.proposal_create(actor=users["chair"], official=roster["tp1"], outcome=Outcome.RETIRE)
    assert plan.proposal_create(actor=users["admin"], official=roster["tp1"], outcome=Outcome.RETIRE).pk


def test_an_edit_with_a_stale_version_is_refused(roster, users):
    p = plan.proposal_create(actor=users["noivu"], official=roster["tp1"], outcome=Outcome.RETIRE)
    plan.proposal_update(actor=users["noivu"], proposal=p, expected_version=1, note="lần 1")
    with pytest.raises(StaleVersion):
        plan.proposal_update(actor=users["admin"], proposal=p, expected_version=1, note="lần 2")
    p.refresh_from_db()
    assert p.note == "lần 1" and p.version == 2


def test_the_edit_page_refuses_a_stale_version_with_a_message(client, roster, users):
    p = plan.proposal_create(actor=users["noivu"], official=roster["tp1"], outcome=Outcome.RETIRE)
    plan.proposal_update(actor=users["admin"], proposal=p, note="sửa trước")
    client.force_login(users["noivu"])
    response = client.post(
        f"/ke-hoach/de-xuat/{p.pk}/sua/", {"outcome": "retire", "version": "1", "note": "x"}
    )
    assert response.status_code == 200
    assert "người khác sửa" in response.content.decode()
    p.refresh_from_db()
    assert p.note == "sửa trước"


def test_an_approved_proposal_is_locked_until_unapproved_and_both_are_in_its_history(roster, users):
    p = plan.proposal_create(actor=users["noivu"], official=roster["tp1"], outcome=Outcome.RETIRE)
    p = plan.proposal_approve(actor=users["admin"], proposal=p)
    assert p.status == ProposalStatus.APPROVED and p.approved_by == users["admin"]
    with pytest.raises(ValidationError, match="đã được phê duyệt"):
        plan.proposal_update(actor=users["noivu"], proposal=p, note="x")
    with pytest.raises(ValidationError):
        plan.proposal_delete(actor=users["noivu"], proposal=p)
    p = plan.proposal_unapprove(actor=users["noivu"], proposal=p)
    plan.proposal_update(actor=users["noivu"], proposal=p, note="đã sửa")
    statuses = [(h.status, h.history_user.username) for h in p.history.order_by("history_date")]
    assert statuses == [("draft", "noivu"), ("approved", "admin"), ("draft", "noivu"), ("draft", "noivu")]


def test_a_dispute_needs_a_comment_and_a_chair_reviews_only_their_ward(roster, users):
    p = plan.proposal_create(actor=users["noivu"], official=roster["tp1"], outcome=Outcome.RETIRE)
    with pytest.raises(ValidationError, match="nhận xét"):
        plan.review_set(actor=users["chair"], proposal=p, verdict=Verdict.DISPUTE, comment="  ")
    plan.review_set(actor=users["chair"], proposal=p, verdict=Verdict.DISPUTE, comment="Chưa đến tuổi")
    with pytest.raises(PermissionDenied):
        plan.review_set(actor=users["chair2"], proposal=p, verdict=Verdict.AGREE)
    with pytest.raises(PermissionDenied):
        plan.review_set(actor=users["noivu"], proposal=p, verdict=Verdict.AGREE)
    assert Review.objects.get(proposal=p).reviewer == users["chair"]


def test_sign_off_waits_for_every_row_and_a_changed_proposal_reopens_it(roster, users, reform, wards):
    noivu, chair = users["noivu"], users["chair"]
    a = plan.proposal_create(actor=noivu, official=roster["tp1"], outcome=Outcome.RETIRE)
    b = plan.proposal_create(actor=noivu, official=roster["chair1"], outcome=Outcome.KEEP)
    plan.review_set(actor=chair, proposal=a, verdict=Verdict.AGREE)
    with pytest.raises(ValidationError, match="Còn 1 đề xuất"):
        plan.signoff_create(actor=chair, ward=wards[0])
    plan.review_set(actor=chair, proposal=b, verdict=Verdict.AGREE)
    plan.signoff_create(actor=chair, ward=wards[0])
    with pytest.raises(PermissionDenied):
        plan.signoff_create(actor=chair, ward=wards[1])
    plan.proposal_update(actor=noivu, proposal=b, decision_number="15/QĐ-UBND")
    assert not SignOff.objects.filter(ward=wards[0]).exists()
    assert not Review.objects.filter(proposal=b).exists()  # the changed row needs a new verdict
    assert [h.history_type for h in SignOff.history.filter(ward=wards[0]).order_by("history_date")] == [
        "+",
        "-",
    ]
    # A new proposal in the ward reopens it too, and so does one moving someone into the ward.
    plan.review_set(actor=chair, proposal=b, verdict=Verdict.AGREE)
    plan.signoff_create(actor=chair, ward=wards[0])
    plan.proposal_create(
        actor=noivu,
        official=roster["tp2"],
        outcome=Outcome.MOVE,
        target_ward=wards[0],
        target_position=post("VH_XH"),
    )
    assert not SignOff.objects.filter(ward=wards[0]).exists()


def test_the_plan_check_flags_a_person_placed_twice_and_two_people_in_one_seat(roster, users, reform, wards):
    noivu = users["noivu"]
    plan.proposal_create(actor=noivu, official=roster["tp1"], outcome=Outcome.RETIRE)
    plan.proposal_create(
        actor=noivu, official=roster["tp1"], outcome=Outcome.LEAVE, policy_basis="NĐ 26/2015"
    )
    plan.proposal_create(
        actor=noivu,
        official=roster["tp2"],
        outcome=Outcome.APPOINT,
        target_ward=wards[0],
        target_position=post("CHU_TICH"),
    )
    codes = {(f.code, f.ward_slug) for f in plan_check.blockers_as_planned(reform)}
    assert ("PLAN_PLACED_TWICE", "phuong-1") in codes
    assert ("PLAN_SEAT_CONFLICT", "phuong-1") in codes
    reasons = plan.cutover_preview(reform=reform).reasons
    assert any(r.startswith("[PLAN_SEAT_CONFLICT]") for r in reasons)


def test_an_appointment_with_under_60_months_left_is_a_blocker_of_the_plan(wards, users, reform):
    old = make_official(wards[0], "VP_TK", code="OLD", full_name="Lê Văn Già", birth=dt.date(1963, 3, 1))
    plan.proposal_create(
        actor=users["noivu"], official=old, outcome=Outcome.APPOINT, target_position=post("PHO_CHU_TICH")
    )
    assert "APPOINTMENT_AGE" in {f.code for f in plan_check.blockers_as_planned(reform)}


def test_the_board_lists_eligible_vacant_seats_best_first_and_one_click_drafts_a_proposal(
    client, wards, users, reform
):
    # Nobody else is on the roster: every seat is vacant.
    hdnd = make_official(
        wards[0], "PHO_CHU_TICH_HDND", code="HD1", full_name="Phạm Văn Hội", political_theory=2
    )
    weak = make_official(wards[0], "PHO_CHU_TICH_HDND", code="HD2", full_name="Phạm Văn Yếu", education=3)
    entries = {e.official.code: e for e in plan_check.matching_board(reform=reform)}
    seats = [(s.ward.slug, s.position.code) for s in entries["HD1"].seats]
    assert seats[0][0] == "phuong-1"  # same ward first
    assert ("phuong-2", "TC_KT") in seats and ("phuong-1", "CHU_TICH") in seats
    assert ("phuong-1", "TP_HT") not in [(w, c) for w, c in seats]  # no law / civil-status training
    # No university degree: only the Military commander's seats, which set no education standard here.
    assert {s.position.code for s in entries["HD2"].seats} == {"CHT_QUAN_SU"}
    client.force_login(users["noivu"])
    response = client.post(
        "/ke-hoach/ghep-vi-tri/lap-de-xuat/", {"official": "HD1", "ward": "phuong-1", "position": "CHU_TICH"}
    )
    assert response.status_code == 302
    p = Proposal.objects.get(official=hdnd)
    assert (p.outcome, p.target_ward.slug, p.target_position.code, p.status) == (
        "appoint",
        "phuong-1",
        "CHU_TICH",
        "draft",
    )
    assert "HD1" not in {e.official.code for e in plan_check.matching_board(reform=reform)}
    assert weak.code in {e.official.code for e in plan_check.matching_board(reform=reform)}


def test_a_lapse_ends_only_the_named_concurrent_post_at_the_cutover(wards, users, reform):
    o = make_official(wards[0], "BI_THU_DANG_UY", code="BT1")
    extra = PostHolding.objects.create(
        official=o,
        ward=wards[0],
        position=post("CHU_TICH_MTTQ"),
        start_date=dt.date(2016, 6, 1),
        is_primary=False,
    )
    plan.proposal_create(actor=users["noivu"], official=o, outcome=Outcome.LAPSE, holding=extra)
    ends = {e.holding.pk: e.reason for e in plan.cutover_preview(reform=reform).ends}
    assert ends == {extra.pk: "thôi kiêm nhiệm"}


def test_saving_a_proposal_unchanged_keeps_its_review_and_the_sign_off(roster, users, wards):
    p = plan.proposal_create(actor=users["noivu"], official=roster["tp1"], outcome=Outcome.RETIRE, note="a")
    plan.review_set(actor=users["chair"], proposal=p, verdict=Verdict.AGREE)
    plan.signoff_create(actor=users["chair"], ward=wards[0])
    p = plan.proposal_update(
        actor=users["noivu"], proposal=p, expected_version=1, outcome=Outcome.RETIRE, note="a"
    )
    assert p.version == 1 and Review.objects.filter(proposal=p).exists()
    assert SignOff.objects.filter(ward=wards[0]).exists()


def test_staff_see_each_wards_review_and_sign_off_status_on_the_plan_overview(client, roster, users, wards):
    a = plan.proposal_create(actor=users["noivu"], official=roster["tp1"], outcome=Outcome.RETIRE)
    plan.proposal_create(actor=users["noivu"], official=roster["tp2"], outcome=Outcome.RETIRE)
    plan.review_set(actor=users["chair"], proposal=a, verdict=Verdict.DISPUTE, comment="Chưa đủ tuổi")
    plan.signoff_create(actor=users["chair"], ward=wards[0])
    client.force_login(users["noivu"])
    response = client.get("/ke-hoach/")
    rows = {w.slug: w for w in response.context["wards"]}
    assert (rows["phuong-1"].n_proposals, rows["phuong-1"].n_disputed, rows["phuong-1"].n_unreviewed) == (
        1,
        1,
        0,
    )
    assert rows["phuong-1"].signoff.signed_by == users["chair"] and rows["phuong-2"].signoff is None
    assert (rows["phuong-2"].n_proposals, rows["phuong-2"].n_unreviewed) == (1, 1)
    assert "1/3 phường đã xác nhận" in response.content.decode()


def test_a_chair_may_still_review_an_approved_proposal(roster, users):
    p = plan.proposal_create(actor=users["noivu"], official=roster["tp1"], outcome=Outcome.RETIRE)
    p = plan.proposal_approve(actor=users["noivu"], proposal=p)
    assert plan.review_set(actor=users["chair"], proposal=p, verdict=Verdict.AGREE).verdict == "agree"


def _clean_world(wards):
    """A Chair and a Vice-Chair meeting the standards in every ward: no blocker before any plan."""
    for i, ward in enumerate(wards):
        make_official(ward, "CHU_TICH", code=f"CT{i}", political_theory=2, birth=dt.date(1975, 1, 1))
        make_official(ward, "PHO_CHU_TICH", code=f"PCT{i}", political_theory=2, birth=dt.date(1978, 1, 1))


def test_a_move_opens_the_target_post_on_the_cutover_date_with_its_decision_number(
    client, wards, users, reform
):
    _clean_world(wards)
    vp = make_official(
        wards[0], "VP_TK", code="VP1", full_name="Lê Thị Văn", sex="F", birth=dt.date(1988, 4, 2)
    )
    client.force_login(users["noivu"])
    response = client.post(
        "/ke-hoach/de-xuat/them/?official=VP1",
        {"outcome": "move", "target_ward": "phuong-2", "target_position": "VP_TK", "decision_number": "12/QĐ-UBND",
         "decision_date": "15/06/2021", "official": "VP1"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    p = Proposal.objects.get(official=vp)
    assert p.decision_date == dt.date(2021, 6, 15)
    plan.proposal_approve(actor=users["admin"], proposal=p)
    old = PostHolding.objects.get(official=vp)
    plan.cutover_execute(actor=users["admin"], reform=reform)
    old.refresh_from_db()
    new = PostHolding.objects.get(official=vp, end_date__isnull=True)
    assert old.end_date == dt.date(2021, 6, 30)
    assert (new.ward.slug, new.position.code, new.start_date, new.decision_number) == (
        "phuong-2", "VP_TK", dt.date(2021, 7, 1), "12/QĐ-UBND"
    )  # fmt: skip
    vp.refresh_from_db()
    assert vp.ward.slug == "phuong-2"
    plan.cutover_rollback(actor=users["admin"], reform=reform)
    vp.refresh_from_db()
    assert vp.ward.slug == "phuong-1" and list(PostHolding.objects.filter(official=vp)) == [old]
    old.refresh_from_db()
    assert old.end_date is None


def test_keep_leaves_the_holding_open_and_untouched_at_the_cutover(wards, users, reform):
    _clean_world(wards)
    chair = PostHolding.objects.get(official__code="CT0")
    p = plan.proposal_create(
        actor=users["noivu"], official=chair.official, outcome=Outcome.KEEP, decision_number="7/QĐ-UBND"
    )
    plan.proposal_approve(actor=users["noivu"], proposal=p)
    assert plan.cutover_preview(reform=reform).ends == []
    plan.cutover_execute(actor=users["admin"], reform=reform)
    assert list(PostHolding.objects.filter(official=chair.official).values_list("pk", "end_date")) == [
        (chair.pk, None)
    ]


def test_a_rollback_is_refused_when_the_opened_holdings_were_changed_since(wards, users, reform):
    _clean_world(wards)
    vp = make_official(wards[0], "VP_TK", code="VP1", birth=dt.date(1988, 4, 2))
    p = plan.proposal_create(
        actor=users["noivu"],
        official=vp,
        outcome=Outcome.MOVE,
        target_ward=wards[1],
        target_position=post("VP_TK"),
    )
    plan.proposal_approve(actor=users["noivu"], proposal=p)
    run, _ = plan.cutover_execute(actor=users["admin"], reform=reform)
    opened = PostHolding.objects.get(pk=run.created_holdings[0])
    opened.end_date = dt.date(2021, 8, 1)
    opened.save()
    with pytest.raises(ValidationError, match="đã thay đổi sau chuyển đổi"):
        plan.cutover_rollback(actor=users["admin"], reform=reform)
    with pytest.raises(PermissionDenied):
        plan.cutover_rollback(actor=users["noivu"], reform=reform)


def test_the_proposal_form_does_not_offer_the_police_chief_post(client, users, roster):
    client.force_login(users["noivu"])
    page = client.get(f"/ke-hoach/de-xuat/them/?official={roster['tp1'].code}").content.decode()
    assert 'value="VP_TK"' in page and 'value="TRUONG_CONG_AN"' not in page
