"""The Django admin at /quan-tri/: every model readable by a superuser; the roster read-only there (its
writes go through personnel.services from the portal's forms) with links to the portal's edit page."""

import pytest
from django.contrib.auth import get_user_model

from personnel.models import FamilyRelation, Official, PostHolding

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client, roster):
    user = get_user_model().objects.create_superuser("root", password="x-12345678")
    client.force_login(user)
    FamilyRelation.objects.create(official=roster["chair1"], relative=roster["tp1"], kind="spouse")
    return user


@pytest.mark.parametrize(
    "model", ["wards/district", "wards/ward", "wards/position", "wards/profile", "auth/user",
              "personnel/official", "personnel/postholding", "personnel/familyrelation"],
)  # fmt: skip
def test_every_model_has_a_readable_admin_list(client, superuser, users, model):
    response = client.get(f"/quan-tri/{model}/")
    assert response.status_code == 200


def test_official_admin_is_read_only_and_links_to_the_portal_edit_page(client, superuser, roster):
    official = roster["chair1"]
    page = client.get(f"/quan-tri/personnel/official/{official.pk}/change/")
    assert page.status_code == 200
    assert "/can-bo/W1CT/sua/" in page.content.decode()
    assert client.get("/quan-tri/personnel/official/add/").status_code == 403
    response = client.post(f"/quan-tri/personnel/official/{official.pk}/change/", {"full_name": "Khác"})
    assert response.status_code == 403
    official.refresh_from_db()
    assert official.full_name == "Nguyễn Văn Chủ1"
    assert client.get(f"/quan-tri/personnel/official/{official.pk}/delete/").status_code == 403


def test_roster_history_is_readable_in_the_admin(client, superuser, roster):
    holding = PostHolding.objects.filter(official=roster["chair1"]).get()
    for path in (f"personnel/official/{roster['chair1'].pk}", f"personnel/postholding/{holding.pk}"):
        assert client.get(f"/quan-tri/{path}/history/").status_code == 200


def test_admin_search_of_officials_ignores_diacritics(client, superuser, roster):
    response = client.get("/quan-tri/personnel/official/", {"q": "tran thi tu"})
    assert sorted(o.code for o in response.context["cl"].result_list) == ["W1TP", "W2TP", "W3TP"]


def test_user_admin_shows_the_portal_role(client, superuser, users):
    body = client.get("/quan-tri/auth/user/").content.decode()
    assert "Chủ tịch UBND phường" in body and "Phòng Nội vụ" in body
    assert client.get(f"/quan-tri/auth/user/{users['chair'].pk}/change/").status_code == 200


@pytest.mark.parametrize("role", ["chair", "noivu", "admin"])
def test_portal_users_without_staff_status_cannot_open_the_admin(client, users, role):
    client.force_login(users[role])
    response = client.get("/quan-tri/")
    assert response.status_code == 302
    assert "login" in response["Location"] or "dang-nhap" in response["Location"]


def test_anonymous_user_cannot_open_the_admin(client, db):
    assert client.get("/quan-tri/personnel/official/").status_code == 302
    assert Official.objects.count() == 0
