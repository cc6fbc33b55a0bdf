"""Every ward picker at national scale (wards/widgets.py): beyond WARD_SELECT_MAX wards the official,
post and proposal forms, the proposal filter and the findings filter show a search box instead of a
<select> of every ward, and take a ward's slug, code, suggestion label or unique name, while what the
forms posted before (a slug, or the holding form's pk) still works. And the ward list, page by page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from personnel.models import Official
from staffing import plan
from staffing.models import Outcome
from tests.excel.xlsx import data_rows, load
from tests.helpers import make_official
from wards import views as ward_views
from wards import widgets
from wards.models import District, Position, Ward

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_day")]

SEARCH_BOX = 'list="id_{name}-suggestions" autocomplete="off" placeholder="Tên hoặc mã phường"'


@pytest.fixture
def staff(client, users):
    client.force_login(users["noivu"])
    return client


@pytest.fixture
def country(wards, roster, monkeypatch):
    """More wards than a select holds (the limit lowered to 2), one of them in another district."""
    monkeypatch.setattr(widgets, "WARD_SELECT_MAX", 2)
    other = District.objects.create(slug="quan-khac", code="998", name="Quận Khác", province="Hà Nội")
    Ward.objects.create(district=other, code="07777", name="Cát Linh", slug="cat-linh", ward_class="I")
    return roster


def official_form(**overrides):
    data = {
        "code": "N001", "full_name": "Hoàng Thị Mai", "sex": "F", "birth": "05/03/1984", "ward": "phuong-1",
        "education": 5, "major": "Luật", "political_theory": 2, "recruitment_date": "01/06/2010",
        "party_date": "", "notes": "",
    }  # fmt: skip
    data.update(overrides)
    return data


# --- the official and post forms ---------------------------------------------------------------------------


def test_a_district_keeps_its_select_of_wards_in_the_forms(staff, roster):
    for url in [
        "/can-bo/them/",
        "/can-bo/W1CT/sua/",
        "/can-bo/W1CT/chuc-danh/them/",
        "/ke-hoach/de-xuat/them/",
    ]:
        html = staff.get(url).content.decode()
        assert "data-suggest-url" not in html, url
        assert '<option value="phuong-2">Phường Phường 2</option>' in html or (
            f'<option value="{Ward.objects.get(slug="phuong-2").pk}">Phường Phường 2</option>' in html
        ), url


@pytest.mark.parametrize(
    "url,name",
    [
        ("/can-bo/them/", "ward"),
        ("/can-bo/W1CT/chuc-danh/them/", "ward"),
        ("/ke-hoach/de-xuat/them/", "target_ward"),
        ("/ke-hoach/de-xuat/", "ward"),
        ("/phat-hien/", "ward"),
    ],
)
def test_beyond_the_limit_each_picker_is_a_search_box(staff, country, url, name):
    html = staff.get(url).content.decode()
    assert SEARCH_BOX.format(name=name) in html
    assert 'data-suggest-url="/can-bo/goi-y/phuong/"' in html and "ward-suggest.js" in html
    assert f'<select name="{name}"' not in html  # no ward is listed in the page itself


def test_the_edit_form_names_the_officials_ward_in_its_box(staff, country):
    html = staff.get("/can-bo/W1CT/sua/").content.decode()
    assert 'name="ward" value="Phường Phường 1 (90001)"' in html
    assert (
        'name="ward" value="Phường Phường 1 (90001)"'
        in staff.get("/can-bo/W1CT/chuc-danh/them/").content.decode()
    )


@pytest.mark.parametrize("value", ["cat-linh", "07777", "Phường Cát Linh (07777)", "Cát Linh"])
def test_a_new_official_is_placed_by_slug_code_suggestion_or_name(staff, country, value):
    response = staff.post("/can-bo/them/", official_form(ward=value))
    assert response.status_code == 302
    assert Official.objects.get(code="N001").ward.slug == "cat-linh"


def test_an_unknown_ward_in_a_form_is_refused_in_vietnamese(staff, country):
    response = staff.post("/can-bo/them/", official_form(ward="Phường Không Có"))
    assert response.status_code == 200
    assert response.context["form"].errors["ward"] == [
        "Không tìm thấy phường “Phường Không Có” trong các phường bạn được xem."
    ]
    assert 'name="ward" value="Phường Không Có"' in response.content.decode()  # kept for correcting
    assert not Official.objects.filter(code="N001").exists()


@pytest.mark.parametrize("by", ["pk", "code", "label"])
def test_the_post_form_takes_the_wards_pk_as_before_or_its_code_or_label(staff, country, by):
    ward = Ward.objects.get(slug="cat-linh")
    value = {"pk": ward.pk, "code": ward.code, "label": "Phường Cát Linh (07777)"}[by]
    position = Position.objects.get(code="BI_THU_DOAN")
    data = {"ward": value, "position": position.pk, "is_primary": "", "start_date": "01/01/2021",
            "end_date": "", "decision_number": "12/QĐ-UBND"}  # fmt: skip
    assert staff.post("/can-bo/W1CT/chuc-danh/them/", data).status_code == 302
    assert country["chair1"].holdings.get(position=position).ward == ward


def test_a_code_is_not_taken_for_a_pk(db, wards):
    """The post form is keyed by pk: digits that are a ward's code name that ward, not the ward whose pk
    they spell."""
    field = widgets.WardField(queryset=Ward.objects.all())
    clash = Ward.objects.create(
        district=wards[0].district, code=str(wards[1].pk), name="Mã Trùng", slug="ma-trung", ward_class="I"
    )
    assert field.clean(str(wards[1].pk)) == clash
    assert field.clean(str(wards[2].pk)) == wards[2]


# --- the proposal filter and form -------------------------------------------------------------------------


def test_the_proposal_filter_takes_a_code_and_keeps_a_foreign_ward_out(client, users, country):
    plan.proposal_create(
        actor=users["noivu"], official=country["tp2"], outcome=Outcome.MOVE, target_ward=country["tp1"].ward,
        target_position=Position.objects.get(code="VH_XH"),
    )  # fmt: skip
    client.force_login(users["noivu"])
    assert [p.official.code for p in client.get("/ke-hoach/de-xuat/?ward=90002").context["proposals"]] == [
        "W2TP"
    ]
    client.force_login(users["chair"])
    response = client.get("/ke-hoach/de-xuat/?ward=90002")
    assert response.context["filter"].form.errors["ward"]
    assert "W2TP" not in response.content.decode()


# --- the findings filter ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["phuong-2", "90002", "Phường Phường 2 (90002)", "Phường 2"])
def test_the_findings_filter_takes_a_slug_code_label_or_name(staff, country, value):
    make_official(country["chair2"].ward, "PHO_CHU_TICH_HDND", code="W2HD", full_name="Phạm Văn Hội")
    response = staff.get("/phat-hien/", {"ward": value, "code": "POST_ABOLISHED"})
    assert [f.official_code for f in response.context["findings"]] == ["W2HD"]
    assert response.context["querystring"] == "code=POST_ABOLISHED&ward=phuong-2"  # links keep the slug
    assert 'name="ward" value="Phường Phường 2 (90002)"' in response.content.decode()


def test_the_findings_api_names_a_bad_ward(staff, country):
    response = staff.get("/api/v1/findings/", {"ward": "khong-co"})
    assert response.status_code == 400
    assert response.json()["ward"] == ["Tham số ward: “khong-co” không phải là lựa chọn hợp lệ."]
    assert {f["ward"] for f in staff.get("/api/v1/findings/", {"ward": "90002"}).json()["results"]} == {
        "phuong-2"
    }


def test_a_chair_cannot_name_another_ward_in_the_findings(client, users, country):
    client.force_login(users["chair"])
    response = client.get("/phat-hien/", {"ward": "90002"})
    assert response.context["filter"].errors["ward"]
    assert "W2TP" not in response.content.decode()


def test_findings_by_post_without_a_ward(staff, country):
    make_official(
        country["chair1"].ward, "PHO_CHU_TICH", code="W1PC", full_name="Vũ Văn Phó", birth=dt.date(1961, 1, 5)
    )
    findings = staff.get("/phat-hien/", {"position": "PHO_CHU_TICH"}).context["findings"]
    assert {f.official_code for f in findings if f.official_code} == {"W1PC"}
    assert all(f.position == "PHO_CHU_TICH" or f.official_code == "W1PC" for f in findings)


@pytest.mark.parametrize("many", [False, True])
def test_the_findings_page_costs_the_same_queries_with_a_select_or_a_search_box(
    staff, roster, monkeypatch, many
):
    if many:
        monkeypatch.setattr(widgets, "WARD_SELECT_MAX", 2)
    staff.get("/phat-hien/")
    with CaptureQueriesContext(connection) as plain:
        staff.get("/phat-hien/")
    with CaptureQueriesContext(connection) as filtered:
        staff.get("/phat-hien/", {"ward": "phuong-2"})
    counts = (len(plain), len(filtered))
    monkeypatch.setattr(widgets, "WARD_SELECT_MAX", 50)
    with CaptureQueriesContext(connection) as select:
        staff.get("/phat-hien/")
    assert counts[0] == len(select)
    assert counts[1] <= len(select) + 1  # the search box looks the ward up: one query


# --- the ward list ----------------------------------------------------------------------------------------


def test_the_ward_list_pages_through_the_wards_by_code(staff, roster, monkeypatch):
    monkeypatch.setattr(ward_views.WardListView, "paginate_by", 2)
    first = staff.get("/phuong/")
    assert [w.slug for w in first.context["wards"]] == ["phuong-1", "phuong-2"]
    html = first.content.decode()
    assert '<span class="count">3</span>' in html
    assert 'href="?page=2"' in html and "Trang 1/2" in html
    second = staff.get("/phuong/?page=2")
    assert [(w.slug, w.n_can_bo, w.n_cong_chuc) for w in second.context["wards"]] == [("phuong-3", 1, 1)]
    assert "<td>3</td>" in second.content.decode()  # numbered on from the first page
    assert staff.get("/phuong/?page=3").status_code == 404


def test_the_ward_list_export_has_every_ward(staff, roster, monkeypatch):
    monkeypatch.setattr(ward_views.WardListView, "paginate_by", 2)
    rows = data_rows(load(staff.get("/phuong/?export=xlsx")).active)
    assert [row[1] for row in rows] == ["90001", "90002", "90003"]


@pytest.mark.parametrize("n", [3, 30])
def test_a_later_page_of_the_ward_list_costs_the_same_queries(
    staff, wards, monkeypatch, n, django_assert_num_queries
):
    monkeypatch.setattr(ward_views.WardListView, "paginate_by", 2)
    for i in range(n):
        make_official(wards[2], "VP_TK", code=f"L{i:03d}", full_name=f"Lê Văn Số{i}")
    # session, user, profile, the count of wards, the page's wards with their counts
    with django_assert_num_queries(5):
        assert staff.get("/phuong/?page=2").context["wards"][0].n_cong_chuc == n


@pytest.mark.parametrize("url", ["/can-bo/them/", "/can-bo/W1CT/sua/", "/can-bo/W1CT/chuc-danh/them/"])
def test_a_form_page_costs_the_same_queries_with_a_select_or_a_search_box(staff, country, monkeypatch, url):
    counts = []
    for limit in (50, 2):
        monkeypatch.setattr(widgets, "WARD_SELECT_MAX", limit)
        with CaptureQueriesContext(connection) as queries:
            html = staff.get(url).content.decode()
        assert ("data-suggest-url" in html) == (limit == 2)
        counts.append(len(queries))
    assert counts[0] == counts[1]
