"""The staffing pages, the retirement endpoint and the check_staffing command: what each role sees, bad input,
pinned query counts."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import resolve, reverse

from staffing import views as staffing_views
from tests.helpers import make_official

pytestmark = pytest.mark.usefixtures("portal_day")

PAGES = ["/", "/phat-hien/", "/tuoi-nghi-huu/"]


@pytest.fixture
def district(roster, users):
    # Phường 2 has an only-post-abolished official; Phường 1 a retiring Vice-Chair.
    make_official(roster["chair2"].ward, "PHO_CHU_TICH_HDND", code="W2HD", full_name="Phạm Văn Hội")
    make_official(
        roster["chair1"].ward, "PHO_CHU_TICH", code="W1PC", full_name="Vũ Văn Phó", birth=dt.date(1961, 1, 5)
    )
    return roster


@pytest.mark.parametrize("url", PAGES + ["/phuong/phuong-1/", "/can-bo/W1CT/"])
def test_anonymous_user_is_sent_to_login(client, district, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("role", ["chair", "noivu", "admin"])
@pytest.mark.parametrize("url", PAGES + ["/phuong/phuong-1/", "/can-bo/W1CT/", "/can-bo/W1PC/"])
def test_every_role_reads_the_pages_of_its_wards(client, district, users, role, url):
    client.force_login(users[role])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/phuong/phuong-2/", "/can-bo/W2CT/", "/can-bo/W2HD/"])
def test_ward_chair_gets_404_for_another_wards_pages(client, district, users, url):
    client.force_login(users["chair"])
    assert client.get(url).status_code == 404


def test_ward_chair_sees_only_their_own_ward_on_the_dashboard_and_in_the_findings(client, district, users):
    client.force_login(users["chair"])
    dashboard = client.get("/").content.decode()
    assert "Phường 1" in dashboard and "Phường 2" not in dashboard and "Phường 3" not in dashboard
    assert "chỉ hiển thị cho Phòng Nội vụ" in dashboard  # no district headcount for a chair
    findings = client.get("/phat-hien/").content.decode()
    assert "Vũ Văn Phó" in findings and "Phạm Văn Hội" not in findings
    assert "DISTRICT_HEADCOUNT_EXCEEDED" not in client.get("/phat-hien/?level=district").context["findings"]
    response = client.get("/phat-hien/?ward=phuong-2")
    assert "Phạm Văn Hội" not in response.content.decode()
    assert "ward" in response.context["filter"].errors


def test_interior_office_sees_every_ward_and_the_district_headcount(client, district, users):
    client.force_login(users["noivu"])
    dashboard = client.get("/")
    text = dashboard.content.decode()
    assert all(f"Phường {i}" in text for i in (1, 2, 3))
    assert dashboard.context["headcount"] and "mức 15 × 3 phường" in text
    assert dashboard.context["days_left"] == 42
    # Values still awaiting the city's confirmation are named on the dashboard.
    assert "mặc định, chờ Sở Nội vụ xác nhận" in text
    assert "Thời gian công tác còn lại tối thiểu để bổ nhiệm lại khi hết nhiệm kỳ" in text


def test_findings_page_filters_by_code_severity_ward_level_and_position(client, district, users):
    client.force_login(users["noivu"])
    page = client.get("/phat-hien/?code=POST_ABOLISHED&ward=phuong-2")
    assert [(f.code, f.official_code) for f in page.context["findings"]] == [("POST_ABOLISHED", "W2HD")]
    assert all(
        f.severity == "blocker" for f in client.get("/phat-hien/?severity=blocker").context["findings"]
    )
    assert all(f.level == "ward" for f in client.get("/phat-hien/?level=ward").context["findings"])
    by_post = client.get("/phat-hien/?position=PHO_CHU_TICH&ward=phuong-1").context["findings"]
    assert {f.official_code for f in by_post if f.official_code} == {"W1PC"}
    counts = dict((code, n) for code, _label, n, _qs in client.get("/phat-hien/").context["by_code"])
    assert counts["POST_ABOLISHED"] == 1 and counts["RETIRES_BEFORE_CUTOVER"] == 1


def test_official_and_ward_pages_show_findings_with_severity_and_basis(client, district, users):
    client.force_login(users["chair"])
    official = client.get("/can-bo/W1PC/").content.decode()
    assert "RETIRES_BEFORE_CUTOVER" in official and 'class="badge blocker"' in official
    assert "Bộ luật Lao động 2019 Điều 169" in official
    ward = client.get("/phuong/phuong-1/").content.decode()
    assert "RETIRES_BEFORE_CUTOVER" in ward and "Vũ Văn Phó" in ward


def test_staffing_pages_answer_the_apps_url_names():
    assert resolve(reverse("personnel:detail", args=["X1"])).func is staffing_views.official_detail
    assert resolve(reverse("wards:detail", args=["phuong-1"])).func is staffing_views.ward_detail
    assert reverse("personnel:create") == "/can-bo/them/"
    assert resolve("/can-bo/them/").url_name == "create"
    assert reverse("home") == "/"


def test_page_query_counts_do_not_grow_with_the_wards(client, district, users, django_assert_max_num_queries):
    client.force_login(users["noivu"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for url in ["/", "/phat-hien/"]:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        counts[url] = len(ctx.captured_queries)
    for i in range(8):
        make_official(district["chair3"].ward, "VH_XH", code=f"W3V{i}", full_name=f"Ngô Thị {i}", sex="F")
    for url, n in counts.items():
        with django_assert_max_num_queries(n):
            client.get(url)


# Retirement page and endpoint --------------------------------------------------------------------------------


def test_retirement_page_answers_age_date_and_pension_start(client, users):
    client.force_login(users["chair"])
    text = client.get("/tuoi-nghi-huu/?sex=M&born=15/10/1961").content.decode()
    assert "60 tuổi 6 tháng" in text and "30/04/2022" in text and "01/05/2022" in text
    text = client.get("/tuoi-nghi-huu/?sex=F&born=1966").content.decode()
    assert "55 tuổi 4 tháng" in text and "31/05/2021" in text


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("sex=X&born=1961", "sex", "không hợp lệ"),
        ("sex=M&born=01/01/2030", "born", "tương lai"),
        ("sex=M&born=garbage", "born", "không phải ngày sinh hợp lệ"),
        ("sex=M&born=", "born", ""),
    ],
)
def test_retirement_page_refuses_bad_input_with_a_form_error(client, users, query, field, message):
    client.force_login(users["noivu"])
    response = client.get(f"/tuoi-nghi-huu/?{query}")
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    assert response.context["answer"] is None


def test_retirement_endpoint_answers_json(client, users):
    client.force_login(users["chair"])
    response = client.get("/api/v1/retirement/?sex=F&born=1966-09-01")
    assert response.status_code == 200
    assert response.json() == {
        "retirement_age": {"years": 55, "months": 8},
        "retirement_date": "2022-05-31",
        "pension_from": "2022-06-01",
    }
    assert client.get("/api/v1/retirement/?sex=M&born=1961").json()["retirement_date"] == "2021-04-30"


@pytest.mark.parametrize(
    "query, field",
    [("sex=X&born=1961-01-01", "sex"), ("sex=M&born=2030-01-01", "born"), ("sex=M&born=garbage", "born"),
     ("sex=M&born=2021-02-30", "born"), ("", "sex"), ("sex=M&born=0000", "born")],
)  # fmt: skip
def test_retirement_endpoint_refuses_bad_input_with_400_naming_the_parameter(client, users, query, field):
    client.force_login(users["noivu"])
    response = client.get(f"/api/v1/retirement/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_retirement_endpoint_needs_authentication(client, users):
    assert client.get("/api/v1/retirement/?sex=M&born=1961").status_code == 401


@pytest.mark.parametrize("role", ["chair", "noivu", "admin"])
def test_retirement_endpoint_is_read_only_for_every_role(client, users, role):
    client.force_login(users[role])
    assert client.get("/api/v1/retirement/?sex=M&born=1961").status_code == 200
    assert client.post("/api/v1/retirement/?sex=M&born=1961").status_code == 403


# Command -------------------------------------------------------------------------------------------------------


def test_check_staffing_prints_json_of_the_documented_shape(district):
    out = io.StringIO()
    call_command("check_staffing", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    assert set(payload) == {"reform", "as_of", "findings"}
    assert payload["reform"] == "ND32-2021" and payload["as_of"] == "2021-07-01"
    assert payload["findings"]
    for f in payload["findings"]:
        assert set(f) == {"code", "severity", "level", "ward", "official", "message", "basis"}
    assert {"code": "POST_ABOLISHED", "official": "W2HD", "ward": "phuong-2"}.items() <= next(
        f for f in payload["findings"] if f["code"] == "POST_ABOLISHED"
    ).items()


def test_check_staffing_filters_by_ward_and_date(district):
    out = io.StringIO()
    call_command(
        "check_staffing", "--ward", "phuong-2", "--as-of", "2021-06-01", "--format", "json", stdout=out
    )
    payload = json.loads(out.getvalue())
    assert payload["as_of"] == "2021-06-01"
    assert {f["ward"] for f in payload["findings"]} == {"phuong-2"}
    table = io.StringIO()
    call_command("check_staffing", "--ward", "phuong-2", stdout=table)
    assert "POST_ABOLISHED" in table.getvalue()


@pytest.mark.parametrize(
    "args", [["--ward", "khong-co"], ["--as-of", "01/07/2021"], ["--as-of", "2021-02-30"]]
)
def test_check_staffing_refuses_bad_arguments(district, args):
    with pytest.raises(CommandError):
        call_command("check_staffing", *args, stdout=io.StringIO())


# Admin ---------------------------------------------------------------------------------------------------------


def test_administrators_edit_parameters_with_the_default_flag_visible(client, users):
    client.force_login(users["admin"])
    users["admin"].is_staff = users["admin"].is_superuser = True
    users["admin"].save()
    page = client.get("/quan-tri/staffing/parameter/")
    assert page.status_code == 200
    assert "mặc định, chờ Sở Nội vụ xác nhận" in page.content.decode()
    assert client.get("/quan-tri/staffing/positionrule/").status_code == 200
    from staffing.models import Parameter

    param = Parameter.objects.get(key="headcount_per_ward")
    assert client.get(f"/quan-tri/staffing/parameter/{param.pk}/history/").status_code == 200


def test_interior_office_cannot_open_the_parameter_admin(client, users):
    client.force_login(users["noivu"])
    assert client.get("/quan-tri/staffing/parameter/").status_code == 302


def test_dashboard_numbers_link_to_the_findings_behind_them(client, district, users):
    client.force_login(users["noivu"])
    rows = client.get("/").context["rows"]
    checked = 0
    for w in rows:
        for p in w["posts"]:
            row, links = p["row"], p["links"]
            if row.leaving_retirement:
                assert len(client.get(links["retirement"]).context["findings"]) == row.leaving_retirement
                checked += 1
            if row.leaving_abolished:
                assert len(client.get(links["abolished"]).context["findings"]) == row.leaving_abolished
                checked += 1
            if row.vacancy:
                found = client.get(links["vacancy"]).context["findings"]
                assert [f.ward_slug for f in found] == [w["row"].ward.slug]
                checked += 1
    assert checked >= 3


def test_pages_explain_instead_of_failing_when_no_reform_is_loaded(client, district, users):
    from staffing.models import Reform

    Reform.objects.all().delete()
    client.force_login(users["noivu"])
    for url in ["/", "/phat-hien/", "/tuoi-nghi-huu/?sex=M&born=1961"]:
        response = client.get(url)
        assert response.status_code == 200
        assert "Chưa có đợt sắp xếp ND32-2021" in response.content.decode()
    assert client.get("/can-bo/W1CT/").status_code == 200
    assert client.get("/phuong/phuong-1/").status_code == 200
