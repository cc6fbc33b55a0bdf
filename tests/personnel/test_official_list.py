"""The official list: every filter, the diacritic-insensitive search, Vietnamese order, pagination and
the count, and a query count that does not grow with the roster."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models.functions import Collate

from personnel.models import Education, Official, PoliticalTheory, PostHolding
from tests.helpers import listed_codes as codes
from tests.helpers import make_official
from wards.models import Position
from wards.text import fold, vn_sort_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(wards, portal_day):
    """Officials with distinct attributes, as of 20/05/2021."""
    w1, w2, _ = wards
    return {
        "chair": make_official(w1, "CHU_TICH", code="P1", full_name="Nguyễn Văn An", birth=dt.date(1970, 3, 15),
                               political_theory=PoliticalTheory.CAO_CAP),
        "tp": make_official(w1, "TP_HT", code="P2", full_name="Trần Thị Bình", sex="F", birth=dt.date(1985, 7, 1),
                            education=Education.CAO_DANG, political_theory=PoliticalTheory.SO_CAP),
        "police": make_official(w2, "TRUONG_CONG_AN", code="P3", full_name="Lê Đức Cường",
                                birth=dt.date(1981, 5, 20), education=Education.THAC_SI),
        "vice": make_official(w2, "PHO_CHU_TICH", code="P4", full_name="Phạm Thị Dung", sex="F",
                              birth=dt.date(1981, 5, 21), political_theory=PoliticalTheory.TRUNG_CAP),
    }  # fmt: skip


def test_without_filters_every_visible_official_is_listed_with_the_count(staff, people):
    response = staff.get("/can-bo/")
    assert sorted(codes(response)) == ["P1", "P2", "P3", "P4"]
    body = response.content.decode()
    assert '<span class="count">4</span>' in body
    assert "Tìm thấy <strong>4</strong> người" in body


def test_no_match_says_so_and_counts_zero(staff, people):
    body = staff.get("/can-bo/", {"q": "không ai tên này"}).content.decode()
    assert "Không có cán bộ nào khớp bộ lọc." in body
    assert "Tìm thấy <strong>0</strong> người" in body


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"ward": "phuong-1"}, ["P1", "P2"]),
        ({"ward": "phuong-2"}, ["P3", "P4"]),
        ({"ward": "phuong-3"}, []),
        ({"position": "CHU_TICH"}, ["P1"]),
        ({"position": "PHO_CHU_TICH"}, ["P4"]),
        ({"kind": "can_bo"}, ["P1", "P4"]),
        ({"kind": "cong_chuc"}, ["P2"]),
        ({"kind": "cong_an"}, ["P3"]),
        ({"sex": "F"}, ["P2", "P4"]),
        ({"sex": "M"}, ["P1", "P3"]),
        ({"education": str(Education.CAO_DANG)}, ["P2"]),
        ({"education": str(Education.THAC_SI)}, ["P3"]),
        ({"education_below": str(Education.DAI_HOC)}, ["P2"]),
        ({"political_theory": str(PoliticalTheory.CAO_CAP)}, ["P1"]),
        ({"political_theory": str(PoliticalTheory.NONE)}, ["P3"]),
        ({"ward": "phuong-2", "sex": "F"}, ["P4"]),
    ],
    ids=lambda v: "&".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else None,
)
def test_each_filter_keeps_only_the_matching_officials(staff, people, params, expected):
    assert sorted(codes(staff.get("/can-bo/", params))) == expected


# As of 20/05/2021: P3 born 20/05/1981 turns 40 that day; P4 born 21/05/1981 is still 39;
# P1 (15/03/1970) is 51; P2 (01/07/1985) is 35.
@pytest.mark.parametrize(
    "params,expected",
    [
        ({"age_min": "40"}, ["P1", "P3"]),
        ({"age_min": "41"}, ["P1"]),
        ({"age_max": "39"}, ["P2", "P4"]),
        ({"age_max": "40"}, ["P2", "P3", "P4"]),
        ({"age_min": "39", "age_max": "39"}, ["P4"]),
        ({"age_min": "40", "age_max": "40"}, ["P3"]),
        ({"age_min": "35", "age_max": "35"}, ["P2"]),
        ({"age_min": "51", "age_max": "51"}, ["P1"]),
        ({"age_min": "52"}, []),
    ],
    ids=lambda v: "&".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else None,
)
def test_age_range_is_counted_in_whole_years_on_the_portal_day(staff, people, params, expected):
    assert sorted(codes(staff.get("/can-bo/", params))) == expected


def test_age_follows_the_portal_day(staff, people, settings):
    settings.PORTAL_TODAY = dt.date(2021, 5, 21)  # P4 turns 40
    assert sorted(codes(staff.get("/can-bo/", {"age_min": "40", "age_max": "40"}))) == ["P3", "P4"]


def test_position_filter_also_finds_concurrent_posts_but_kind_counts_the_primary_post(staff, people, wards):
    PostHolding.objects.create(
        official=people["tp"], ward=wards[0], position=Position.objects.get(code="BI_THU_DOAN"),
        start_date=dt.date(2019, 1, 1), is_primary=False,
    )  # fmt: skip
    assert codes(staff.get("/can-bo/", {"position": "BI_THU_DOAN"})) == ["P2"]
    assert "P2" not in codes(staff.get("/can-bo/", {"kind": "can_bo"}))


def test_ended_and_future_posts_do_not_count_for_the_position_filter(staff, people):
    people["chair"].holdings.update(end_date=dt.date(2021, 5, 19))
    people["vice"].holdings.update(start_date=dt.date(2021, 5, 21))
    assert codes(staff.get("/can-bo/", {"position": "CHU_TICH"})) == []
    assert codes(staff.get("/can-bo/", {"position": "PHO_CHU_TICH"})) == []


def test_a_bad_filter_value_is_reported_and_ignored(staff, people):
    response = staff.get("/can-bo/", {"age_min": "abc", "sex": "F"})
    assert response.status_code == 200
    assert sorted(codes(response)) == ["P2", "P4"]
    assert response.context["filter"].form.errors["age_min"]


# --- search -----------------------------------------------------------------------------------------


@pytest.fixture
def names(wards):
    for i, name in enumerate(["Nguyễn Văn An", "Nguyễn Văn Ân", "Đỗ Minh Đức", "Trần Thị Hồng Nhung",
                              "NGUYỄN THỊ ÁNH", "Lê Văn Đạt"]):  # fmt: skip
        make_official(wards[i % 3], "VP_TK", code=f"S{i}", full_name=name)


@pytest.mark.parametrize(
    "query,expected",
    [
        ("nguyen van an", ["Nguyễn Văn An", "Nguyễn Văn Ân"]),
        ("Nguyễn Văn Ân", ["Nguyễn Văn An", "Nguyễn Văn Ân"]),
        ("NGUYEN", ["Nguyễn Thị Ánh", "Nguyễn Văn An", "Nguyễn Văn Ân"]),
        ("đức", ["Đỗ Minh Đức"]),
        ("duc", ["Đỗ Minh Đức"]),
        ("ĐỨC", ["Đỗ Minh Đức"]),
        ("do minh", ["Đỗ Minh Đức"]),
        ("  hồng   nhung ", ["Trần Thị Hồng Nhung"]),
        ("anh", ["Nguyễn Thị Ánh"]),
        ("dat", ["Lê Văn Đạt"]),
        ("s3", ["Trần Thị Hồng Nhung"]),  # the code, case-insensitive
        ("100%", []),
        ("_", []),
    ],
)
def test_search_ignores_diacritics_case_and_spacing(staff, names, query, expected):
    response = staff.get("/can-bo/", {"q": query})
    found = sorted(
        o.full_name.replace("NGUYỄN THỊ ÁNH", "Nguyễn Thị Ánh") for o in response.context["officials"]
    )
    assert found == sorted(expected)


def test_search_runs_in_the_database_on_the_stored_folded_name(names):
    assert fold("NGUYỄN THỊ ÁNH") == "nguyen thi anh"
    assert fold("Đống Đa") == "dong da"
    assert Official.objects.filter(search_name="nguyen thi anh").count() == 1


def test_renaming_through_the_service_updates_the_search_key(staff, names, users):
    from personnel.services import official_update

    official_update(official=Official.objects.get(code="S2"), actor=users["noivu"], full_name="Đỗ Minh Khôi")
    assert codes(staff.get("/can-bo/", {"q": "khoi"})) == ["S2"]
    assert codes(staff.get("/can-bo/", {"q": "duc"})) == []


# --- order ------------------------------------------------------------------------------------------

VIETNAMESE_ORDER = ["Nguyễn Văn An", "Nguyễn Văn Anh", "Nguyễn Văn Ánh", "Nguyễn Văn Ăn", "Nguyễn Văn Ân",
                    "Nguyễn Văn Bình", "Nguyễn Văn Dũng", "Nguyễn Văn Đức", "Nguyễn Văn Giang",
                    "Nguyễn Văn Ơn", "Nguyễn Văn Vinh", "Nguyễn Văn Yên"]  # fmt: skip


def test_vietnamese_sort_key_puts_accented_letters_after_their_base_letter():
    assert sorted(reversed(VIETNAMESE_ORDER), key=vn_sort_key) == VIETNAMESE_ORDER
    assert sorted(["Đỗ Văn Đức", "Lê Văn Dũng"], key=vn_sort_key) == ["Lê Văn Dũng", "Đỗ Văn Đức"]
    # the given name first, then the family and middle names
    assert sorted(["Trần Văn An", "Lê Văn Bình", "Nguyễn Văn An"], key=vn_sort_key) == [
        "Nguyễn Văn An", "Trần Văn An", "Lê Văn Bình"]  # fmt: skip


def test_official_list_is_in_vietnamese_alphabetical_order(staff, wards):
    for i, name in enumerate(reversed(VIETNAMESE_ORDER)):
        make_official(wards[0], "VP_TK", code=f"V{i:02d}", full_name=name)
    response = staff.get("/can-bo/")
    assert [o.full_name for o in response.context["officials"]] == VIETNAMESE_ORDER


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ICU collations are PostgreSQL's")
@pytest.mark.parametrize("collation", ["C", "und-x-icu", "vi-x-icu"])
def test_sort_key_orders_the_same_under_any_postgresql_collation(wards, collation):
    for i, name in enumerate(reversed(VIETNAMESE_ORDER)):
        make_official(wards[0], "VP_TK", code=f"V{i:02d}", full_name=name)
    ordered = Official.objects.order_by(Collate("sort_key", collation)).values_list("full_name", flat=True)
    assert list(ordered) == VIETNAMESE_ORDER


# --- pagination and query count ---------------------------------------------------------------------


def _many(wards, n):
    for i in range(n):
        make_official(wards[i % 3], "VP_TK", code=f"M{i:03d}", full_name=f"Nguyễn Văn Số{i:03d}")


def test_pages_hold_fifty_officials_and_keep_the_filters(staff, wards):
    _many(wards, 120)
    first = staff.get("/can-bo/")
    assert len(codes(first)) == 50
    body = first.content.decode()
    assert '<span class="count">120</span>' in body
    assert "Trang 1/3" in body
    third = staff.get("/can-bo/", {"page": 3})
    assert len(codes(third)) == 20
    assert "hiển thị 101–120" in third.content.decode()
    seen = codes(first) + codes(staff.get("/can-bo/", {"page": 2})) + codes(third)
    assert len(set(seen)) == 120
    one_ward = staff.get("/can-bo/", {"ward": "phuong-1"})  # 40 officials: a single page, no pager
    assert len(codes(one_ward)) == 40
    assert "page=" not in one_ward.content.decode()


def test_page_links_carry_the_filters(staff, wards):
    _many(wards, 120)
    body = staff.get("/can-bo/", {"q": "nguyen"}).content.decode()
    assert "?q=nguyen&amp;page=2" in body or "?q=nguyen&page=2" in body


def test_a_page_beyond_the_last_is_404(staff, wards):
    _many(wards, 3)
    assert staff.get("/can-bo/", {"page": 9}).status_code == 404


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("role", ["noivu", "chair"])
def test_official_list_query_count_does_not_grow_with_the_roster(
    client, users, wards, n, role, django_assert_num_queries
):
    _many(wards, n)
    for official in Official.objects.all()[::2]:  # some with a concurrent post too
        PostHolding.objects.create(
            official=official, ward=official.ward, position=Position.objects.get(code="BI_THU_DOAN"),
            start_date=dt.date(2019, 1, 1), is_primary=False,
        )  # fmt: skip
    client.force_login(users[role])
    # session, user, profile, count, officials (with wards), their current posts, the ward and
    # position choices of the filter form; a chair's header also names their ward (+1)
    with django_assert_num_queries(8 if role == "noivu" else 9):
        response = client.get("/can-bo/", {"sex": "M"})
    assert response.status_code == 200


def test_every_select_of_the_filter_form_starts_blank(staff, people):
    response = staff.get("/can-bo/")
    form = response.context["filter"].form
    for name in ("ward", "position", "kind", "sex", "education", "education_below", "political_theory"):
        choices = list(form.fields[name].choices)
        assert choices[0][0] == "", name
    html = response.content.decode()
    assert '<option value="" selected>' in html


def test_submitting_the_blank_filter_form_lists_everyone(staff, people):
    blank = dict.fromkeys(
        ["q", "ward", "position", "kind", "sex", "education", "education_below", "political_theory", "age_min",
         "age_max"], ""
    )  # fmt: skip
    assert sorted(codes(staff.get("/can-bo/", blank))) == ["P1", "P2", "P3", "P4"]


def test_an_english_browser_still_gets_vietnamese_dates_and_numbers(client, users, people):
    client.force_login(users["noivu"])
    response = client.get("/can-bo/P1/sua/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'value="15/03/1970"' in response.content.decode()
    data = {"code": "P1", "full_name": "Nguyễn Văn An", "sex": "M", "birth": "15/03/1970", "ward": "phuong-1",
            "education": 5, "political_theory": 3, "party_date": "19/05/1995", "version": "1"}  # fmt: skip
    response = client.post("/can-bo/P1/sua/", data, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 302, response.context["form"].errors
    people["chair"].refresh_from_db()
    assert people["chair"].party_date == dt.date(1995, 5, 19)
