"""The permission matrix of every API v1 endpoint: anonymous 401; a ward chair reads their own ward (another
ward's rows are 404 and absent from lists); the Interior Office and administrators read everything; writes
are refused (403) to read-only roles."""

import pytest

from personnel.models import FamilyRelation, PostHolding
from tests.helpers import make_user


@pytest.fixture
def relations(roster):
    return {
        1: FamilyRelation.objects.create(official=roster["chair1"], relative=roster["tp1"], kind="spouse"),
        2: FamilyRelation.objects.create(official=roster["chair2"], relative=roster["tp2"], kind="sibling"),
    }


def holding_of(official):
    return PostHolding.objects.get(official=official).pk


def detail_urls(roster, relations):
    """endpoint → (own ward's detail URL, other ward's detail URL), for Phường 1's chair."""
    return {
        "wards": ("/api/v1/wards/phuong-1/", "/api/v1/wards/phuong-2/"),
        "officials": ("/api/v1/officials/W1CT/", "/api/v1/officials/W2CT/"),
        "holdings": (
            f"/api/v1/holdings/{holding_of(roster['chair1'])}/",
            f"/api/v1/holdings/{holding_of(roster['chair2'])}/",
        ),
        "relations": (f"/api/v1/relations/{relations[1].pk}/", f"/api/v1/relations/{relations[2].pk}/"),
    }


ENDPOINTS = ["wards", "officials", "holdings", "relations"]
LIST_KEYS = {
    "wards": lambda row: row["slug"],
    "officials": lambda row: row["ward"],
    "holdings": lambda row: row["ward"],
    "relations": lambda row: "phuong-1" if row["official"].startswith("W1") else "phuong-2",
}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [*ENDPOINTS, "positions"])
def test_anonymous_caller_gets_401_with_a_token_challenge(api, roster, endpoint):
    response = api(None).get(f"/api/v1/{endpoint}/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "Chưa xác thực" in response.json()["detail"]


@pytest.mark.django_db
def test_anonymous_caller_is_not_redirected_to_the_login_page(api, roster):
    response = api(None).get("/api/v1/officials/W1CT/")
    assert response.status_code == 401


@pytest.mark.django_db
def test_user_without_a_role_is_refused(api, roster):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    nobody = make_user("khach")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=nobody).key}")
    assert client.get("/api/v1/officials/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_ward_chair_lists_only_their_own_ward(api, roster, relations, endpoint):
    response = api("chair").get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows
    assert {LIST_KEYS[endpoint](row) for row in rows} == {"phuong-1"}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_ward_chair_reads_own_ward_and_gets_404_for_another(api, roster, relations, endpoint):
    own, other = detail_urls(roster, relations)[endpoint]
    assert api("chair").get(own).status_code == 200
    response = api("chair").get(other)
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy."}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["noivu", "admin"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_district_staff_read_every_ward(api, roster, relations, role, endpoint):
    response = api(role).get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200
    assert {LIST_KEYS[endpoint](row) for row in response.json()["results"]} >= {"phuong-1", "phuong-2"}
    for url in detail_urls(roster, relations)[endpoint]:
        assert api(role).get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chair", "noivu", "admin"])
def test_every_role_reads_the_position_catalogue(api, roster, role):
    response = api(role).get("/api/v1/positions/")
    assert response.status_code == 200
    assert response.json()["count"] >= 17
    assert api(role).get("/api/v1/positions/CHU_TICH/").json()["title"] == "Chủ tịch UBND phường"


# --- writes ----------------------------------------------------------------------------------------------

NEW_OFFICIAL = {
    "code": "W1NEW",
    "full_name": "Lê Thị Mới",
    "sex": "F",
    "birth_date": "1990-02-03",
    "ward": "phuong-1",
    "education": 5,
}


def write_calls(roster, relations):
    """(label, method, url, body) of every write endpoint, aimed at Phường 1."""
    return [
        ("official create", "post", "/api/v1/officials/", NEW_OFFICIAL),
        ("official update", "patch", "/api/v1/officials/W1TP/", {"major": "Luật"}),
        ("official replace", "put", "/api/v1/officials/W1TP/",
         {**NEW_OFFICIAL, "code": "W1TP", "full_name": "Trần Thị Tư1"}),
        ("holding open", "post", "/api/v1/holdings/",
         {"official": "W1TP", "ward": "phuong-1", "position": "VH_XH", "is_primary": False,
          "start_date": "2020-01-01"}),
        ("holding end", "post", f"/api/v1/holdings/{holding_of(roster['tp1'])}/end/", {"end_date": "2021-01-01"}),
        ("relation create", "post", "/api/v1/relations/",
         {"official": "W1TP", "relative": "W2TP", "kind": "sibling"}),
        ("relation delete", "delete", f"/api/v1/relations/{relations[1].pk}/", None),
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(7))
def test_ward_chair_cannot_write_the_roster_even_of_their_own_ward(api, roster, relations, index):
    label, method, url, body = write_calls(roster, relations)[index]
    before = (PostHolding.objects.count(), FamilyRelation.objects.count(), roster["tp1"].version)
    response = getattr(api("chair"), method)(url, body, format="json")
    assert response.status_code == 403, label
    roster["tp1"].refresh_from_db()
    assert (PostHolding.objects.count(), FamilyRelation.objects.count(), roster["tp1"].version) == before


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(7))
def test_anonymous_caller_cannot_write(api, roster, relations, index):
    label, method, url, body = write_calls(roster, relations)[index]
    assert getattr(api(None), method)(url, body, format="json").status_code == 401, label


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["noivu", "admin"])
@pytest.mark.parametrize("index", range(7))
def test_interior_office_and_admin_write_the_roster(api, roster, relations, portal_day, role, index):
    label, method, url, body = write_calls(roster, relations)[index]
    response = getattr(api(role), method)(url, body, format="json")
    assert response.status_code in (200, 201, 204), (label, response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chair", "noivu", "admin"])
@pytest.mark.parametrize("endpoint", ["wards", "positions"])
def test_the_catalogue_is_read_only_for_everyone(api, roster, role, endpoint):
    response = api(role).post(f"/api/v1/{endpoint}/", {}, format="json")
    assert response.status_code in (403, 405)


@pytest.mark.django_db
def test_ward_chair_sees_a_relative_in_another_ward_only_as_hidden(api, roster):
    FamilyRelation.objects.create(official=roster["tp1"], relative=roster["tp2"], kind="sibling")
    rows = api("chair").get("/api/v1/relations/").json()["results"]
    assert rows == [
        {
            "id": rows[0]["id"],
            "official": "W1TP",
            "official_name": "Trần Thị Tư1",
            "relative": None,
            "relative_name": None,
            "kind": "sibling",
            "kind_display": "Anh/chị/em ruột",
        }
    ]
    staff_row = api("noivu").get("/api/v1/relations/").json()["results"][0]
    assert (staff_row["relative"], staff_row["relative_name"]) == ("W2TP", "Trần Thị Tư2")


@pytest.mark.django_db
def test_session_authenticated_browser_reads_the_api(client, users, roster):
    client.force_login(users["chair"])
    assert client.get("/api/v1/officials/W1CT/").status_code == 200
    assert client.get("/api/v1/officials/W2CT/").status_code == 404
