"""Ward list and ward page: who sees which ward, what the pages show, and how many queries they cost."""

import datetime as dt

import pytest

from tests.helpers import make_official

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/phuong/", "/phuong/phuong-1/", "/phuong/khong-co/"])
def test_anonymous_user_is_sent_to_login_from_every_ward_page(client, wards, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("role", ["chair", "noivu", "admin"])
def test_every_role_opens_its_own_ward_page(client, users, roster, role):
    client.force_login(users[role])
    response = client.get("/phuong/phuong-1/")
    assert response.status_code == 200
    assert "Nguyễn Văn Chủ1" in response.content.decode()


@pytest.mark.parametrize("role,status", [("chair", 404), ("noivu", 200), ("admin", 200)])
def test_another_wards_page_is_404_for_a_chair_only(client, users, roster, role, status):
    client.force_login(users[role])
    assert client.get("/phuong/phuong-2/").status_code == status


def test_unknown_ward_is_404(client, users):
    client.force_login(users["noivu"])
    assert client.get("/phuong/khong-co/").status_code == 404


@pytest.mark.parametrize("role,names", [("chair", ["Phường 1"]), ("noivu", ["Phường 1", "Phường 2", "Phường 3"]),
                                        ("admin", ["Phường 1", "Phường 2", "Phường 3"])])  # fmt: skip
def test_ward_list_shows_only_the_wards_the_role_may_see(client, users, roster, role, names):
    client.force_login(users[role])
    response = client.get("/phuong/")
    assert response.status_code == 200
    assert [w.name for w in response.context["wards"]] == names
    body = response.content.decode()
    for other in {"Phường 1", "Phường 2", "Phường 3"} - set(names):
        assert other not in body
        assert f"/phuong/{other.lower().replace(' ', '-').replace('ư', 'u').replace('ờ', 'o')}/" not in body


def test_ward_list_counts_current_primary_posts_by_kind(client, users, roster, wards, portal_day):
    ward = wards[0]
    make_official(ward, "TRUONG_CONG_AN", code="W1CA", full_name="Lê Văn Công")
    # concurrent posts and ended posts are not counted
    make_official(ward, "BI_THU_DOAN", code="W1KN", full_name="Lê Văn Kiêm", primary=False)
    ended = make_official(ward, "VH_XH", code="W1OLD", full_name="Lê Văn Cũ")
    ended.holdings.update(end_date=dt.date(2020, 1, 1))
    make_official(ward, "VH_XH", code="W1NEW", full_name="Lê Văn Mới", start=dt.date(2021, 6, 1))
    client.force_login(users["noivu"])
    response = client.get("/phuong/")
    row = next(w for w in response.context["wards"] if w.pk == ward.pk)
    assert (row.n_can_bo, row.n_cong_chuc, row.n_police) == (1, 1, 1)
    body = response.content.decode()
    assert "?ward=phuong-1&kind=cong_chuc" in body
    assert "ngày 20/05/2021" in body


def test_ward_page_lists_the_roster_in_structure_order(client, users, wards, portal_day):
    ward = wards[0]
    make_official(ward, "VH_XH", code="A3", full_name="Lê Thị Văn", sex="F")
    make_official(ward, "CHU_TICH", code="A1", full_name="Trần Văn Chủ")
    holder = make_official(ward, "PHO_CHU_TICH", code="A2", full_name="Đỗ Văn Phó")
    make_official(ward, "BI_THU_DANG_UY", code="A0", full_name="Ngô Văn Bí")
    from personnel.models import PostHolding
    from wards.models import Position

    PostHolding.objects.create(
        official=holder, ward=ward, position=Position.objects.get(code="BI_THU_DOAN"),
        start_date=dt.date(2019, 1, 1), is_primary=False,
    )  # fmt: skip
    client.force_login(users["chair"])
    response = client.get("/phuong/phuong-1/")
    rows = [(h.position.code, h.official.code) for h in response.context["holdings"]]
    assert rows == [("BI_THU_DANG_UY", "A0"), ("CHU_TICH", "A1"), ("PHO_CHU_TICH", "A2"),
                    ("BI_THU_DOAN", "A2"), ("VH_XH", "A3")]  # fmt: skip
    assert "kiêm nhiệm" in response.content.decode()


def test_illustrative_class_is_said_on_the_ward_page(client, users, wards):
    wards[0].class_is_illustrative = True
    wards[0].population = 13200
    wards[0].save()
    client.force_login(users["chair"])
    body = client.get("/phuong/phuong-1/").content.decode()
    assert "dữ liệu minh họa" in body
    assert "13.200" in body  # Vietnamese thousands separator


def _officials(wards, n):
    for i in range(n):
        ward = wards[i % len(wards)]
        make_official(ward, "VP_TK", code=f"Q{i:03d}", full_name=f"Nguyễn Văn Số{i}")


@pytest.mark.parametrize("n", [3, 30])
def test_ward_list_query_count_does_not_grow_with_the_roster(
    client, users, wards, n, django_assert_num_queries
):
    _officials(wards, n)
    client.force_login(users["noivu"])
    # session, user, profile, the wards with their counts
    with django_assert_num_queries(4):
        assert client.get("/phuong/").status_code == 200


def test_ward_page_query_count_does_not_grow_with_the_roster(client, users, wards):
    # The page also shows the staffing check's findings (their own pinned count lives with staffing):
    # here only that 3 and 30 officials cost the same.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(users["noivu"])
    counts = []
    for start, stop in ((0, 3), (3, 30)):  # 3 officials in Phường 1, then 30
        for i in range(start, stop):
            make_official(wards[0], "VP_TK", code=f"R{i:03d}", full_name=f"Lê Văn Số{i}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/phuong/phuong-1/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
