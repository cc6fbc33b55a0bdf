"""Permission matrix of every plan page and request, and the pinned query counts of the board, the review
page and the cutover preview."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffing import plan
from staffing.models import Outcome, Proposal, Review, SignOff
from tests.helpers import make_official
from wards.models import Position

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals(roster, users, reform):
    """A conversion in place for the Chair of Phường 1 and one for the Chair of Phường 2."""
    noivu = users["noivu"]
    return {
        "own": plan.proposal_create(actor=noivu, official=roster["chair1"], outcome=Outcome.KEEP),
        "other": plan.proposal_create(actor=noivu, official=roster["chair2"], outcome=Outcome.KEEP),
    }


def login(client, users, who):
    if who != "anon":
        client.force_login(users[who])
    return client


PAGES = [
    # (url template, anonymous, ward chair of Phường 1, Interior Office, administrator)
    ("/ke-hoach/", 302, 200, 200, 200),
    ("/ke-hoach/de-xuat/", 302, 200, 200, 200),
    ("/ke-hoach/de-xuat/{own}/", 302, 200, 200, 200),
    ("/ke-hoach/de-xuat/{other}/", 302, 404, 200, 200),
    ("/ke-hoach/de-xuat/them/", 302, 403, 200, 200),
    ("/ke-hoach/de-xuat/them/?official=W1CT", 302, 403, 200, 200),
    ("/ke-hoach/de-xuat/{own}/sua/", 302, 403, 200, 200),
    ("/ke-hoach/phuong/phuong-1/", 302, 200, 200, 200),
    ("/ke-hoach/phuong/phuong-2/", 302, 404, 200, 200),
    ("/ke-hoach/ghep-vi-tri/", 302, 403, 200, 200),
    ("/ke-hoach/so-sanh/", 302, 200, 200, 200),
    ("/ke-hoach/chuyen-doi/", 302, 403, 200, 200),
]


@pytest.mark.parametrize("url,anon,chair,noivu,admin", PAGES)
def test_every_plan_page_answers_each_role_as_the_matrix_says(
    client, users, proposals, url, anon, chair, noivu, admin
):
    url = url.format(own=proposals["own"].pk, other=proposals["other"].pk)
    for who, expected in (("anon", anon), ("chair", chair), ("noivu", noivu), ("admin", admin)):
        client.logout()
        response = login(client, users, who).get(url)
        assert response.status_code == expected, (who, url, response.status_code)
        if expected == 302:
            assert response["Location"].startswith("/dang-nhap/")


def test_a_ward_chair_sees_only_their_own_wards_proposals_in_lists(client, users, proposals):
    login(client, users, "chair")
    for url in ("/ke-hoach/de-xuat/", "/ke-hoach/", "/ke-hoach/so-sanh/"):
        text = client.get(url).content.decode()
        assert "Phường 2" not in text and "Chủ2" not in text, url
    assert "Chủ1" in client.get("/ke-hoach/de-xuat/").content.decode()
    # A foreign ward in the filter is not a valid choice: nothing is listed.
    response = client.get("/ke-hoach/de-xuat/?ward=phuong-2")
    assert "Chủ2" not in response.content.decode()


POSTS = [
    # (url, data, ward chair of Phường 1, Interior Office, administrator)
    ("/ke-hoach/de-xuat/{own}/y-kien/", {"verdict": "agree"}, 302, 403, 403),
    ("/ke-hoach/de-xuat/{other}/y-kien/", {"verdict": "agree"}, 404, 403, 403),
    ("/ke-hoach/phuong/phuong-2/xac-nhan/", {}, 404, 403, 403),
    ("/ke-hoach/de-xuat/{own}/phe-duyet/", {}, 403, 302, 302),
    ("/ke-hoach/de-xuat/phe-duyet/", {"querystring": ""}, 403, 302, 302),
    ("/ke-hoach/de-xuat/{own}/huy-phe-duyet/", {}, 403, 302, 302),
    ("/ke-hoach/de-xuat/{other}/xoa/", {}, 403, 302, 302),
    (
        "/ke-hoach/ghep-vi-tri/lap-de-xuat/",
        {"official": "W3TP", "ward": "phuong-3", "position": "VP_TK"},
        403,
        302,
        302,
    ),
    ("/ke-hoach/chuyen-doi/thuc-hien/", {"confirm": "yes"}, 403, 403, 302),
    ("/ke-hoach/chuyen-doi/hoan-tac/", {"confirm": "yes"}, 403, 403, 302),
]


@pytest.mark.parametrize(
    "url,data,who,expected",
    [
        (url, data, who, expected)
        for url, data, *codes in POSTS
        for who, expected in zip(("anon", "chair", "noivu", "admin"), (302, *codes), strict=True)
    ],
)
def test_every_plan_request_is_refused_to_roles_that_may_not_make_it(
    client, users, proposals, url, data, who, expected
):
    url = url.format(own=proposals["own"].pk, other=proposals["other"].pk)
    response = login(client, users, who).post(url, data)
    assert response.status_code == expected, (who, url, response.status_code)
    if who == "anon":
        assert response["Location"].startswith("/dang-nhap/")


def test_a_ward_chair_cannot_review_another_ward_approve_or_run_the_cutover(client, users, proposals, reform):
    login(client, users, "chair")
    client.post(f"/ke-hoach/de-xuat/{proposals['other'].pk}/y-kien/", {"verdict": "agree"})
    client.post(f"/ke-hoach/de-xuat/{proposals['own'].pk}/phe-duyet/")
    client.post("/ke-hoach/chuyen-doi/thuc-hien/", {"confirm": "yes"})
    assert not Review.objects.filter(proposal=proposals["other"]).exists()
    assert not Proposal.objects.filter(status="approved").exists()
    reform.refresh_from_db()
    assert reform.executed_at is None
    with pytest.raises(PermissionDenied):
        plan.review_set(actor=users["chair"], proposal=proposals["other"], verdict="agree")
    with pytest.raises(PermissionDenied):
        plan.proposals_approve(actor=users["chair"], proposals=[proposals["own"]])
    with pytest.raises(PermissionDenied):
        plan.cutover_execute(actor=users["chair"])


def test_the_chair_reviews_and_signs_off_from_the_review_page(client, users, proposals, reform):
    login(client, users, "chair")
    own = proposals["own"]
    response = client.post(
        f"/ke-hoach/de-xuat/{own.pk}/y-kien/", {"verdict": "dispute", "comment": ""}, follow=True
    )
    assert "cần ghi rõ nhận xét" in response.content.decode()
    assert not Review.objects.exists()
    client.post(f"/ke-hoach/de-xuat/{own.pk}/y-kien/", {"verdict": "dispute", "comment": "Đề nghị giữ lại"})
    assert Review.objects.get(proposal=own).comment == "Đề nghị giữ lại"
    client.post("/ke-hoach/phuong/phuong-1/xac-nhan/")
    assert SignOff.objects.filter(ward__slug="phuong-1").exists()
    page = client.get("/ke-hoach/phuong/phuong-1/").content.decode()
    assert "Phường đã xác nhận kế hoạch" in page and "Đề nghị giữ lại" in page


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(wards, users, n):
    """``n`` more officials per ward, each with a proposal."""
    for ward in wards:
        for i in range(n):
            o = make_official(
                ward, "VP_TK", code=f"G{ward.pk}-{i}", full_name=f"Lê Văn Thêm{i}", birth=dt.date(1985, 1, 1)
            )
            plan.proposal_create(
                actor=users["noivu"], official=o, outcome=Outcome.LEAVE, policy_basis="NĐ 108/2014"
            )


BOARD_QUERIES = 18  # 17 + the districts of the visible wards (plan_views._scope)
REVIEW_QUERIES = 16
CUTOVER_QUERIES = 16  # idem
COMPARE_QUERIES = 19  # idem


@pytest.mark.parametrize(
    "who,url,expected",
    [
        ("noivu", "/ke-hoach/ghep-vi-tri/", BOARD_QUERIES),
        ("chair", "/ke-hoach/phuong/phuong-1/", REVIEW_QUERIES),
        ("admin", "/ke-hoach/chuyen-doi/", CUTOVER_QUERIES),
        ("noivu", "/ke-hoach/so-sanh/", COMPARE_QUERIES),
    ],
)
def test_board_review_and_cutover_pages_run_a_pinned_number_of_queries_whatever_the_rows(
    client, users, wards, proposals, who, url, expected, django_assert_num_queries
):
    login(client, users, who)
    # One official of an abolished post (needing a placement on the board) and a vacant seat.
    make_official(
        wards[0], "PHO_CHU_TICH_HDND", code="H0", full_name="Phạm Văn Hội", birth=dt.date(1980, 1, 1)
    )
    with django_assert_num_queries(expected):
        client.get(url)
    _grow(wards, users, 4)
    for ward in wards:
        make_official(
            ward, "PHO_CHU_TICH_HDND", code=f"H{ward.pk}", full_name="Phạm Văn Hội", birth=dt.date(1980, 1, 1)
        )
    with django_assert_num_queries(expected):
        client.get(url)


def test_people_moved_in_from_another_ward_are_named_to_staff_but_only_counted_for_the_chair(
    client, users, roster, wards, reform
):
    plan.proposal_create(
        actor=users["noivu"], official=roster["tp2"], outcome=Outcome.MOVE, target_ward=wards[0],
        target_position=plan.Position.objects.get(code="VH_XH"),
    )  # fmt: skip
    client.force_login(users["noivu"])
    assert "Trần Thị Tư2" in client.get("/ke-hoach/phuong/phuong-1/").content.decode()
    client.force_login(users["chair"])
    page = client.get("/ke-hoach/phuong/phuong-1/").content.decode()
    assert "Trần Thị Tư2" not in page and "1 cán bộ phường khác" in page


def test_the_dashboard_shows_each_wards_plan_sign_off(client, users, proposals):
    plan.review_set(actor=users["chair"], proposal=proposals["own"], verdict="agree")
    plan.signoff_create(actor=users["chair"], ward=proposals["own"].ward)
    client.force_login(users["noivu"])
    rows = {r["row"].ward.slug: r for r in client.get("/").context["rows"]}
    assert rows["phuong-1"]["signoff"].signed_by == users["chair"] and rows["phuong-2"]["signoff"] is None


def test_after_a_move_the_old_wards_chair_sees_the_name_but_no_link_that_would_answer_404(
    client, users, roster, wards, reform
):
    moved = roster["tp1"]
    proposal = plan.proposal_create(
        actor=users["noivu"], official=moved, outcome=Outcome.MOVE, target_ward=wards[1],
        target_position=Position.objects.get(code="TP_HT"),
    )  # fmt: skip
    official_url = moved.get_absolute_url()
    login(client, users, "chair")
    assert official_url in client.get("/ke-hoach/phuong/phuong-1/").content.decode()  # still in their ward
    # What the cutover does for a move: the official and their post now belong to Phường 2.
    type(moved).objects.filter(pk=moved.pk).update(ward=wards[1])
    moved.holdings.update(ward=wards[1])
    assert client.get(official_url).status_code == 404
    for url in ("/ke-hoach/phuong/phuong-1/", f"/ke-hoach/de-xuat/{proposal.pk}/"):
        page = client.get(url).content.decode()
        assert moved.full_name in page and official_url not in page, url
    login(client, users, "noivu")  # district staff still get the link
    assert official_url in client.get(f"/ke-hoach/de-xuat/{proposal.pk}/").content.decode()
