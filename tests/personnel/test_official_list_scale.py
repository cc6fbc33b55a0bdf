"""The official list at national scale: the ward filter becomes a search box when a user sees more wards
than a select can hold, and a large list shows an estimated count ("khoảng …") whose pages still reach
the real last page."""

import datetime as dt

import pytest
from django.db import connection

from personnel import filters
from personnel.models import Official, PostHolding
from tests.helpers import listed_codes as codes
from tests.helpers import make_official
from wards import pagination, widgets
from wards.models import District, Position, Ward

pytestmark = pytest.mark.django_db


@pytest.fixture
def country(wards, monkeypatch):
    """More wards than the select holds (the limit lowered to 2 for the test): Phường 1…3 of Quận Thử, and
    two wards called "Cát Linh" in two districts."""
    monkeypatch.setattr(widgets, "WARD_SELECT_MAX", 2)
    other = District.objects.create(slug="quan-khac", code="998", name="Quận Khác", province="Hà Nội")
    cat_linh = [
        Ward.objects.create(district=d, code=code, name="Cát Linh", slug=slug, ward_class="I")
        for d, code, slug in [(wards[0].district, "00181", "cat-linh"), (other, "07777", "cat-linh-2")]
    ]
    make_official(wards[0], "CHU_TICH", code="P1", full_name="Nguyễn Văn An")
    make_official(wards[1], "TP_HT", code="P2", full_name="Trần Thị Bình", sex="F")
    make_official(cat_linh[0], "VP_TK", code="C1", full_name="Lê Văn Cát")
    make_official(cat_linh[1], "VP_TK", code="C2", full_name="Lê Văn Linh")
    return cat_linh


# --- the ward filter ------------------------------------------------------------------------------------


def test_a_district_gets_a_select_of_its_wards(staff, wards):
    html = staff.get("/can-bo/").content.decode()
    assert '<select name="ward" id="id_ward">' in html
    assert '<option value="phuong-2">Phường Phường 2</option>' in html
    assert "data-suggest-url" not in html and "ward-suggest.js" not in html


def test_beyond_the_limit_the_ward_filter_is_a_search_box_with_suggestions(staff, country):
    html = staff.get("/can-bo/").content.decode()
    assert '<select name="ward"' not in html
    assert 'name="ward" value="" id="id_ward" list="id_ward-suggestions"' in html
    assert 'placeholder="Tên hoặc mã phường" data-suggest-url="/can-bo/goi-y/phuong/"' in html
    assert (
        '<datalist id="id_ward-suggestions"></datalist><script src="/static/js/ward-suggest.js" defer>'
        in html
    )
    assert "Phường Cát Linh" not in html  # no ward is offered in the page itself


@pytest.mark.parametrize(
    "value", ["phuong-2", "90002", "Phường Phường 2 (90002)", "Phường 2", "phường 2", " 90002 "]
)
def test_the_search_box_takes_a_slug_a_code_a_suggestion_or_a_unique_name(staff, country, value):
    response = staff.get("/can-bo/", {"ward": value})
    assert codes(response) == ["P2"]
    # the box then names the ward, whatever was typed (a link's slug included)
    assert 'value="Phường Phường 2 (90002)"' in response.content.decode()


def test_what_one_request_typed_is_not_kept_for_the_next(staff, country):
    staff.get("/can-bo/", {"ward": "90002"})
    assert filters.OfficialFilter._form_class.base_fields["ward"].resolved == {}  # the class-wide form
    assert 'value="" id="id_ward"' in staff.get("/can-bo/").content.decode()


def test_a_name_two_wards_share_asks_for_a_choice(staff, country):
    response = staff.get("/can-bo/", {"ward": "Cát Linh"})
    assert response.context["filter"].form.errors["ward"] == [
        "Có nhiều phường tên “Cát Linh”: hãy chọn một phường trong danh sách gợi ý hoặc nhập mã phường."
    ]
    assert sorted(codes(staff.get("/can-bo/", {"ward": "Phường Cát Linh (07777)"}))) == ["C2"]


def test_an_unknown_ward_is_reported_in_vietnamese(staff, country):
    response = staff.get("/can-bo/", {"ward": "Phường Không Có"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["ward"] == [
        "Không tìm thấy phường “Phường Không Có” trong các phường bạn được xem."
    ]


@pytest.mark.parametrize("value", ["phuong-2", "90002", "Phường 2", "Phường Phường 2 (90002)"])
def test_a_chair_cannot_name_another_ward_in_any_form(client, users, country, value):
    client.force_login(users["chair"])
    response = client.get("/can-bo/", {"ward": value})
    body = response.content.decode()
    assert response.context["filter"].form.errors["ward"]
    assert "P2" not in codes(response) and "Trần Thị Bình" not in body
    assert "Quận Thử" not in body  # nothing about the other ward beyond what was typed


def test_suggestions_match_name_without_diacritics_and_code(staff, country):
    found = staff.get("/can-bo/goi-y/phuong/", {"q": "cat lin"}).json()["results"]
    assert found == [
        {"value": "Phường Cát Linh (00181)", "label": "Quận Thử", "slug": "cat-linh"},
        {"value": "Phường Cát Linh (07777)", "label": "Quận Khác", "slug": "cat-linh-2"},
    ]
    assert [w["slug"] for w in staff.get("/can-bo/goi-y/phuong/", {"q": "9000"}).json()["results"]] == [
        "phuong-1", "phuong-2", "phuong-3"
    ]  # fmt: skip
    assert staff.get("/can-bo/goi-y/phuong/", {"q": " "}).json() == {"results": []}


def test_suggestions_offer_a_chair_only_their_ward(client, users, country):
    client.force_login(users["chair"])
    assert [w["slug"] for w in client.get("/can-bo/goi-y/phuong/", {"q": "phuong"}).json()["results"]] == [
        "phuong-1"
    ]
    assert client.get("/can-bo/goi-y/phuong/", {"q": "cat"}).json() == {"results": []}


def test_suggestions_need_a_signed_in_user(client, country):
    assert client.get("/can-bo/goi-y/phuong/", {"q": "cat"}).status_code == 302


@pytest.mark.parametrize("n", [3, 30])
def test_the_search_box_costs_the_same_queries_as_the_select(
    client, users, country, n, django_assert_num_queries
):
    for i in range(n):
        make_official(country[i % 2], "VP_TK", code=f"M{i:03d}", full_name=f"Nguyễn Văn Số{i:03d}")
    client.force_login(users["noivu"])
    # session, user, profile, count, officials (with wards), their current posts, the wards (at most the
    # select's limit + 1), the posts of the post filter
    with django_assert_num_queries(8):
        client.get("/can-bo/", {"sex": "M"})


# --- the table ------------------------------------------------------------------------------------------


def test_rows_link_to_the_official_and_the_ward_and_list_current_posts(staff, wards, portal_day):
    official = make_official(wards[0], "CHU_TICH", code="A B:1", full_name="Nguyễn <Văn> An")
    PostHolding.objects.create(
        official=official, ward=wards[0], position=Position.objects.get(code="BI_THU_DOAN"),
        start_date=dt.date(2019, 1, 1), is_primary=False,
    )  # fmt: skip
    make_official(wards[1], None, code="NOPOST", full_name="Trần Văn Chờ")
    html = staff.get("/can-bo/").content.decode()
    assert (
        '<tr><td>1</td><td>A B:1</td><td><a href="/can-bo/A%20B:1/">Nguyễn &lt;Văn&gt; An</a></td><td>Nam</td>'
        '<td>01/01/1980</td><td><a href="/phuong/phuong-1/">Phường 1</a></td><td>Chủ tịch UBND; Bí thư Đoàn (kn)'
    ) in html
    assert "<td>NOPOST</td>" in html and '<span class="muted">—</span>' in html


# --- estimated counts -----------------------------------------------------------------------------------


def _many(wards, n):
    for i in range(n):
        make_official(wards[i % 3], "VP_TK", code=f"M{i:03d}", full_name=f"Nguyễn Văn Số{i:03d}")


@pytest.fixture
def estimate(monkeypatch):
    """Make the paginator believe the planner's estimate is ``value`` (PostgreSQL's EXPLAIN; on SQLite the
    list is always counted exactly)."""

    def set_estimate(value):
        monkeypatch.setattr(pagination, "count_or_estimate", lambda qs, above=0: (value, True))

    return set_estimate


def test_a_large_list_shows_an_estimate(staff, wards, estimate):
    _many(wards, 120)
    estimate(250_000)
    body = staff.get("/can-bo/").content.decode()
    assert '<span class="count">khoảng 250.000</span>' in body
    assert "Tìm thấy khoảng <strong>250.000</strong> người, hiển thị 1–50." in body
    assert "Trang 1/khoảng 5.000" in body and "page=5000" in body  # no "5.000" in the link


def test_an_over_estimated_list_shows_its_real_last_page(staff, wards, estimate):
    _many(wards, 120)
    estimate(250_000)
    response = staff.get("/can-bo/", {"page": 5000})  # the "Last" link of the estimate
    assert response.status_code == 200
    assert len(codes(response)) == 20
    body = response.content.decode()
    assert "Không có trang 5.000: danh sách kết thúc ở trang 3, hiển thị dưới đây." in body
    assert '<span class="count">120</span>' in body and "Trang 3/3" in body
    far = staff.get("/can-bo/", {"page": 999_999})  # past the estimate too (it might have fallen short)
    assert far.status_code == 200 and len(codes(far)) == 20


def test_a_short_page_turns_the_estimate_into_the_exact_count(staff, wards, estimate):
    _many(wards, 30)
    estimate(20_000)
    body = staff.get("/can-bo/").content.decode()
    assert '<span class="count">30</span>' in body and "khoảng" not in body


def test_an_under_estimated_list_still_pages_on_to_its_end(staff, wards, estimate):
    _many(wards, 120)
    estimate(60)  # two pages by the estimate, three in fact
    second = staff.get("/can-bo/", {"page": 2})
    assert len(codes(second)) == 50
    assert "page=3" in second.content.decode()  # a "next" link although the estimate ended here
    third = staff.get("/can-bo/", {"page": 3})
    assert len(codes(third)) == 20 and "Trang 3/3" in third.content.decode()
    seen = codes(staff.get("/can-bo/")) + codes(second) + codes(third)
    assert len(set(seen)) == 120


def test_round_estimate_keeps_two_significant_digits():
    assert [pagination.round_estimate(n) for n in (7, 99, 123, 12_345, 25_013, 249_873, 1_000_000)] == [
        7, 99, 120, 12_000, 25_000, 250_000, 1_000_000
    ]  # fmt: skip


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
def test_postgresql_estimates_above_the_threshold_and_counts_exactly_below(wards):
    _many(wards, 30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE personnel_official")
    everyone = Official.objects.all()
    assert pagination.count_or_estimate(everyone, 10_000) == (30, False)
    rows, estimated = pagination.count_or_estimate(everyone, 0)
    assert estimated and 10 <= rows <= 100
    assert pagination.count_or_estimate(everyone.filter(code="M001"), 0)[0] <= 2
    assert pagination.count_or_estimate(Official.objects.none(), 0) == (0, False)
    assert pagination.count_or_estimate(everyone.filter(full_name__contains="'; --"), 10_000) == (0, False)
