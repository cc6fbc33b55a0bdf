"""Officials through the API: the list page's filters, writes through the services, and no lost updates
(a stale body `version` → 409, a stale If-Match → 412, and nothing changes)."""

import datetime as dt

import pytest

from personnel.models import FamilyRelation, Official, PostHolding
from tests.helpers import make_official


def codes(response):
    assert response.status_code == 200, response.content
    return sorted(row["code"] for row in response.json()["results"])


# --- filters (the same FilterSet as the official list page) ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=nguyen van chu1", ["W1CT"]),
        ("q=TRAN THI", ["W1TP", "W2TP", "W3TP"]),
        ("q=w2tp", ["W2TP"]),
        ("ward=phuong-2", ["W2CT", "W2TP"]),
        ("position=TP_HT", ["W1TP", "W2TP", "W3TP"]),
        ("kind=cong_chuc", ["W1TP", "W2TP", "W3TP"]),
        ("kind=can_bo", ["W1CT", "W2CT", "W3CT"]),
        ("sex=F", ["W1TP", "W2TP", "W3TP"]),
        ("education=5", ["W1CT", "W2CT", "W3CT", "W1TP", "W2TP", "W3TP"]),
        ("education_below=5", []),
        ("political_theory=0", ["W1CT", "W2CT", "W3CT", "W1TP", "W2TP", "W3TP"]),
        ("age_min=50", ["W1CT", "W2CT", "W3CT"]),  # born 15/03/1970: 51 on 20/05/2021
        ("age_max=40", ["W1TP", "W2TP", "W3TP"]),  # born 01/07/1985: 35
        ("age_min=51&age_max=51", ["W1CT", "W2CT", "W3CT"]),
    ],
)
def test_official_filters_match_the_list_page(api, roster, portal_day, query, expected):
    assert codes(api("noivu").get(f"/api/v1/officials/?{query}")) == sorted(expected)


@pytest.mark.django_db
def test_ward_chair_filtering_by_another_ward_gets_400_not_its_rows(api, roster):
    response = api("chair").get("/api/v1/officials/?ward=phuong-2")
    assert response.status_code == 400
    assert "ward" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["ward=khong-co", "position=KHONG_CO", "kind=x", "sex=X", "education=abc", "education=99",
     "age_min=-1", "age_max=abc", "age_min=1e999"],
)  # fmt: skip
def test_bad_filter_values_get_400_naming_the_parameter(api, roster, query):
    response = api("noivu").get(f"/api/v1/officials/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["999", "abc", "0", "-1"])
def test_bad_page_numbers_get_404_not_500(api, roster, page):
    response = api("noivu").get(f"/api/v1/officials/?page={page}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Trang không hợp lệ."}


@pytest.mark.django_db
def test_page_size_is_bounded_to_200(api, wards):
    for i in range(205):
        make_official(wards[0], code=f"X{i:03d}", full_name=f"Người {i:03d}")
    response = api("noivu").get("/api/v1/officials/?page_size=100000")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 200
    assert response.json()["count"] == 205
    assert len(api("noivu").get("/api/v1/officials/?page_size=3").json()["results"]) == 3
    assert len(api("noivu").get("/api/v1/officials/?page_size=abc").json()["results"]) == 50


@pytest.mark.django_db
def test_ordering_by_a_field_and_unknown_fields_are_ignored(api, roster):
    by_birth = api("noivu").get("/api/v1/officials/?ordering=-birth_date").json()["results"]
    assert by_birth[0]["birth_date"] == "1985-07-01"
    assert all(a["birth_date"] >= b["birth_date"] for a, b in zip(by_birth, by_birth[1:], strict=False))
    assert api("noivu").get("/api/v1/officials/?ordering=password").status_code == 200


@pytest.mark.django_db
def test_officials_are_listed_in_vietnamese_order(api, wards):
    for code, name in [("A", "Đỗ Văn Đức"), ("B", "Nguyễn Văn Dũng"), ("C", "Lê Thị Ánh")]:
        make_official(wards[0], code=code, full_name=name)
    names = [r["full_name"] for r in api("noivu").get("/api/v1/officials/").json()["results"]]
    assert names == ["Lê Thị Ánh", "Nguyễn Văn Dũng", "Đỗ Văn Đức"]


# --- reading one official ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_official_detail_carries_post_holdings_and_an_etag(api, roster):
    response = api("chair").get("/api/v1/officials/W1CT/")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["version"] == 1
    assert [(h["position"], h["ward"], h["is_primary"], h["end_date"]) for h in body["holdings"]] == [
        ("CHU_TICH", "phuong-1", True, None)
    ]


# --- writes -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_interior_office_creates_an_official(api, wards, portal_day):
    body = {"code": " W9 ", "full_name": "Phạm  Thị Hoa", "sex": "F", "birth_date": "12/04/1988",
            "ward": "phuong-3", "education": 6}  # fmt: skip
    response = api("noivu").post("/api/v1/officials/", body, format="json")
    assert response.status_code == 201, response.content
    official = Official.objects.get(code="W9")
    assert (official.full_name, official.birth_date, official.ward.slug) == (
        "Phạm Thị Hoa", dt.date(1988, 4, 12), "phuong-3",
    )  # fmt: skip
    assert response.json()["holdings"] == []
    assert official.history.first().history_user.username == "noivu"


@pytest.mark.django_db
def test_create_errors_name_the_field_in_vietnamese(api, roster):
    body = {"code": "W1CT", "full_name": "Ai Đó", "sex": "M", "birth_date": "2099-01-01",
            "ward": "phuong-1", "education": 5}  # fmt: skip
    response = api("noivu").post("/api/v1/officials/", body, format="json")
    assert response.status_code == 400
    assert "tương lai" in response.json()["birth_date"][0]
    body["birth_date"] = "1980-01-01"
    response = api("noivu").post("/api/v1/officials/", body, format="json")
    assert response.json() == {"code": ["Mã cán bộ W1CT đã tồn tại."]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        ({"education": "cao"}, "education", "lựa chọn hợp lệ"),
        ({"ward": "khong-co"}, "ward", "Không tìm thấy"),
        ({"birth_date": "31/02/1980"}, "birth_date", "Ngày sai định dạng"),
        ({"it_certificate": "maybe"}, "it_certificate", "true hoặc false"),
        ({"full_name": ""}, "full_name", "không được bỏ trống"),
        ({"version": "x"}, "version", "số nguyên"),
    ],
)
def test_bad_field_values_get_400_in_vietnamese(api, roster, body, field, text):
    response = api("noivu").patch("/api/v1/officials/W1TP/", body, format="json")
    assert response.status_code == 400
    assert text in response.json()[field][0]


@pytest.mark.django_db
def test_ward_chair_writing_another_ward_is_refused_before_anything_is_read(api, roster):
    assert api("chair").patch("/api/v1/officials/W2TP/", {"major": "x"}, format="json").status_code == 403


@pytest.mark.django_db
def test_malformed_json_gets_400(api, roster):
    response = api("noivu").generic(
        "PATCH", "/api/v1/officials/W1TP/", b'{"major": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


@pytest.mark.django_db
def test_unsupported_content_type_gets_415(api, roster):
    response = api("noivu").generic("PATCH", "/api/v1/officials/W1TP/", b"major=x", content_type="text/plain")
    assert response.status_code == 415


@pytest.mark.django_db
def test_update_with_current_version_saves_and_bumps_the_version(api, roster):
    response = api("noivu").patch("/api/v1/officials/W1TP/", {"major": "Luật", "version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response["ETag"] == '"2"'
    roster["tp1"].refresh_from_db()
    assert (roster["tp1"].major, roster["tp1"].version) == ("Luật", 2)


@pytest.mark.django_db
def test_update_with_a_stale_version_field_is_refused_with_409_and_changes_nothing(api, roster):
    assert api("admin").patch("/api/v1/officials/W1TP/", {"major": "Luật"}, format="json").status_code == 200
    response = api("noivu").patch(
        "/api/v1/officials/W1TP/", {"major": "Kinh tế", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert "phiên bản hiện tại 2" in response.json()["detail"]
    roster["tp1"].refresh_from_db()
    assert (roster["tp1"].major, roster["tp1"].version) == ("Luật", 2)


@pytest.mark.django_db
def test_update_with_a_stale_if_match_is_refused_with_412_and_changes_nothing(api, roster):
    etag = api("noivu").get("/api/v1/officials/W1TP/")["ETag"]
    assert api("admin").patch("/api/v1/officials/W1TP/", {"major": "Luật"}, format="json").status_code == 200
    response = api("noivu").patch(
        "/api/v1/officials/W1TP/", {"major": "Kinh tế"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 412
    roster["tp1"].refresh_from_db()
    assert (roster["tp1"].major, roster["tp1"].version) == ("Luật", 2)
    # a full replacement with the stale ETag is refused as well, before its body is even validated
    assert (
        api("noivu").put("/api/v1/officials/W1TP/", {}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    )


@pytest.mark.django_db
def test_update_with_the_current_if_match_saves(api, roster):
    etag = api("noivu").get("/api/v1/officials/W1TP/")["ETag"]
    response = api("noivu").patch(
        "/api/v1/officials/W1TP/", {"major": "Luật"}, format="json", HTTP_IF_MATCH=f"W/{etag}"
    )
    assert response.status_code == 200
    assert response["ETag"] == '"2"'


@pytest.mark.django_db
def test_an_unparseable_if_match_is_a_failed_precondition(api, roster):
    response = api("noivu").patch(
        "/api/v1/officials/W1TP/", {"major": "x"}, format="json", HTTP_IF_MATCH="abc"
    )
    assert response.status_code == 412


@pytest.mark.django_db
def test_the_service_refuses_a_version_that_went_stale_after_the_early_check(api, roster, monkeypatch):
    """Two requests racing: the early check passes, then the locked re-read in the service sees a newer row."""
    from personnel import services

    real = services.official_update

    def racing(*, official, **kwargs):
        Official.objects.filter(pk=official.pk).update(version=official.version + 1)
        return real(official=official, **kwargs)

    monkeypatch.setattr(services, "official_update", racing)
    body_stale = api("noivu").patch("/api/v1/officials/W1TP/", {"major": "a", "version": 1}, format="json")
    assert body_stale.status_code == 409
    etag_stale = api("noivu").patch(
        "/api/v1/officials/W1TP/", {"major": "a"}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert etag_stale.status_code == 412
    roster["tp1"].refresh_from_db()
    assert roster["tp1"].major == ""


# --- holdings and relations -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("official=W1CT", ["CHU_TICH"]),
        ("ward=phuong-1", ["CHU_TICH", "TP_HT"]),
        ("position=TP_HT", ["TP_HT", "TP_HT", "TP_HT"]),
        ("is_primary=false", ["VH_XH"]),
        ("current=false", ["VH_XH"]),
        ("current=true&ward=phuong-3", ["CHU_TICH", "TP_HT"]),
    ],
)
def test_holding_filters(api, roster, portal_day, query, expected):
    from wards.models import Position

    PostHolding.objects.create(
        official=roster["tp2"], ward=roster["tp2"].ward, position=Position.objects.get(code="VH_XH"),
        start_date=dt.date(2017, 1, 1), end_date=dt.date(2019, 1, 1), is_primary=False,
    )  # fmt: skip
    response = api("admin").get(f"/api/v1/holdings/?{query}")
    assert response.status_code == 200
    assert sorted(row["position"] for row in response.json()["results"]) == sorted(expected)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["ward=x", "position=x"])
def test_bad_holding_filters_get_400(api, roster, query):
    assert api("admin").get(f"/api/v1/holdings/?{query}").status_code == 400


@pytest.mark.django_db
def test_opening_a_second_open_primary_post_is_refused_naming_the_field(api, roster):
    body = {"official": "W1TP", "ward": "phuong-1", "position": "VH_XH", "start_date": "2020-01-01"}
    response = api("noivu").post("/api/v1/holdings/", body, format="json")
    assert response.status_code == 400
    assert "một chức danh chính" in response.json()["is_primary"][0]


@pytest.mark.django_db
def test_ending_a_holding_and_ending_it_again(api, roster):
    pk = PostHolding.objects.get(official=roster["tp1"]).pk
    response = api("noivu").post(f"/api/v1/holdings/{pk}/end/", {"end_date": "30/06/2021"}, format="json")
    assert response.status_code == 200
    assert response.json()["end_date"] == "2021-06-30"
    again = api("noivu").post(f"/api/v1/holdings/{pk}/end/", {"end_date": "2021-07-01"}, format="json")
    assert again.status_code == 400
    assert "đã kết thúc" in again.json()["end_date"][0]


@pytest.mark.django_db
def test_relation_filters_and_duplicates(api, roster):
    api("noivu").post(
        "/api/v1/relations/", {"official": "W1CT", "relative": "W1TP", "kind": "spouse"}, format="json"
    )
    api("noivu").post(
        "/api/v1/relations/", {"official": "W2CT", "relative": "W2TP", "kind": "child"}, format="json"
    )
    assert [
        r["relative"] for r in api("noivu").get("/api/v1/relations/?official=W1TP").json()["results"]
    ] == ["W1TP"]
    assert [r["official"] for r in api("noivu").get("/api/v1/relations/?kind=child").json()["results"]] == [
        "W2CT"
    ]
    assert api("noivu").get("/api/v1/relations/?kind=aunt").status_code == 400
    dup = api("noivu").post(
        "/api/v1/relations/", {"official": "W1TP", "relative": "W1CT", "kind": "spouse"}, format="json"
    )
    assert dup.status_code == 400
    assert "đã có" in dup.json()["relative"][0]
    missing = api("noivu").post(
        "/api/v1/relations/", {"official": "W1TP", "relative": None, "kind": "spouse"}, format="json"
    )
    assert missing.status_code == 400
    assert FamilyRelation.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [("ward_class=II", ["phuong-2"]), ("ordering=-code", ["phuong-3", "phuong-2", "phuong-1"])],
)
def test_ward_filters(api, wards, query, expected):
    assert [w["slug"] for w in api("admin").get(f"/api/v1/wards/?{query}").json()["results"]] == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [("kind=cong_an", ["TRUONG_CONG_AN"]), ("in_ubnd=false&kind=cong_chuc", [])],
)
def test_position_filters(api, users, query, expected):
    assert [p["code"] for p in api("admin").get(f"/api/v1/positions/?{query}").json()["results"]] == expected
