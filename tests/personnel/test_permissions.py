"""The permission matrix of every roster page: anonymous users go to the login page, a ward chair reads
their own ward only (another ward's objects answer 404 and never show in a list) and may not write, the
Interior Office and the administrator read and write everywhere."""

import pytest

from personnel.models import FamilyRelation, Official, PostHolding
from tests.helpers import make_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(roster):
    """Objects of Phường 1 (the chair's own ward) and Phường 2 (another ward)."""
    own_relation = FamilyRelation.objects.create(
        official=roster["chair1"], relative=roster["tp1"], kind="sibling"
    )
    other_relation = FamilyRelation.objects.create(
        official=roster["chair2"], relative=roster["tp2"], kind="sibling"
    )
    return {
        "own": {
            "code": "W1CT",
            "holding": PostHolding.objects.get(official=roster["chair1"]).pk,
            "relation": own_relation.pk,
        },
        "other": {
            "code": "W2CT",
            "holding": PostHolding.objects.get(official=roster["chair2"]).pk,
            "relation": other_relation.pk,
        },
    }


READ_PAGES = {
    "official page": "/can-bo/{code}/",
}
# Write pages, reached by GET (the form) or POST (the write itself).
WRITE_FORMS = {
    "create": "/can-bo/them/",
    "edit": "/can-bo/{code}/sua/",
    "holding add": "/can-bo/{code}/chuc-danh/them/",
    "holding end": "/can-bo/chuc-danh/{holding}/ket-thuc/",
    "relation add": "/can-bo/{code}/nguoi-than/them/",
}
WRITE_POSTS = {**WRITE_FORMS, "relation delete": "/can-bo/quan-he/{relation}/xoa/"}


def url(template, targets, which="own"):
    return template.format(**targets[which])


@pytest.mark.parametrize("template", ["/can-bo/", *READ_PAGES.values(), *WRITE_FORMS.values()], ids=str)
def test_anonymous_user_is_sent_to_the_login_page(client, targets, template):
    response = client.get(url(template, targets))
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=")


@pytest.mark.parametrize("template", WRITE_POSTS.values(), ids=list(WRITE_POSTS))
def test_anonymous_post_writes_nothing_and_is_sent_to_login(client, targets, template):
    before = (Official.objects.count(), PostHolding.objects.count(), FamilyRelation.objects.count())
    response = client.post(url(template, targets), {"code": "NEW1", "full_name": "X"})
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")
    assert (Official.objects.count(), PostHolding.objects.count(), FamilyRelation.objects.count()) == before


@pytest.mark.parametrize("role", ["chair", "noivu", "admin"])
def test_every_role_reads_the_official_page_of_its_own_ward(client, users, targets, role):
    client.force_login(users[role])
    response = client.get(url(READ_PAGES["official page"], targets, "own"))
    assert response.status_code == 200
    assert "Nguyễn Văn Chủ1" in response.content.decode()


def test_ward_chair_gets_404_for_an_official_of_another_ward(client, users, targets):
    client.force_login(users["chair"])
    assert client.get(url(READ_PAGES["official page"], targets, "other")).status_code == 404


@pytest.mark.parametrize("role", ["noivu", "admin"])
def test_district_staff_read_officials_of_every_ward(client, users, targets, role):
    client.force_login(users[role])
    assert client.get(url(READ_PAGES["official page"], targets, "other")).status_code == 200


@pytest.mark.parametrize("role,count", [("chair", 2), ("noivu", 6), ("admin", 6)])
def test_official_list_shows_only_what_the_role_may_see(client, users, targets, role, count):
    client.force_login(users[role])
    response = client.get("/can-bo/")
    assert response.status_code == 200
    codes = [o.code for o in response.context["officials"]]
    assert len(codes) == count
    body = response.content.decode()
    if role == "chair":
        assert set(codes) == {"W1CT", "W1TP"}
        assert "W2CT" not in body and "Nguyễn Văn Chủ2" not in body
        assert "Phường 2" not in body  # not even as a choice of the ward filter


def test_ward_filter_of_a_chair_does_not_accept_another_wards_slug(client, users, targets):
    client.force_login(users["chair"])
    response = client.get("/can-bo/", {"ward": "phuong-2"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "W2CT" not in body and "W2TP" not in body
    assert {o.code for o in response.context["officials"]} <= {"W1CT", "W1TP"}
    assert response.context["filter"].form.errors["ward"]


def test_search_by_another_wards_code_finds_nothing_for_a_chair(client, users, targets):
    client.force_login(users["chair"])
    response = client.get("/can-bo/", {"q": "W2CT"})
    assert list(response.context["officials"]) == []


def test_a_relative_in_another_ward_is_not_named_to_a_chair(client, users, roster, wards):
    cousin = make_official(wards[1], "VP_TK", code="W2VP", full_name="Phạm Thị Bí Mật", sex="F")
    FamilyRelation.objects.create(official=roster["chair1"], relative=cousin, kind="sibling")
    client.force_login(users["chair"])
    body = client.get("/can-bo/W1CT/").content.decode()
    assert "Bí Mật" not in body and "/can-bo/W2VP/" not in body
    assert "(cán bộ phường khác)" in body


@pytest.mark.parametrize("which", ["own", "other"])
@pytest.mark.parametrize("template", WRITE_FORMS.values(), ids=list(WRITE_FORMS))
def test_ward_chair_may_not_open_a_write_form(client, users, targets, template, which):
    client.force_login(users["chair"])
    assert client.get(url(template, targets, which)).status_code == 403


@pytest.mark.parametrize("which", ["own", "other"])
@pytest.mark.parametrize("template", WRITE_POSTS.values(), ids=list(WRITE_POSTS))
def test_ward_chair_writes_are_refused_and_change_nothing(client, users, targets, template, which):
    client.force_login(users["chair"])
    before = (Official.objects.count(), PostHolding.objects.count(), FamilyRelation.objects.count())
    response = client.post(
        url(template, targets, which), {"code": "NEW1", "full_name": "X", "end_date": "01/01/2021"}
    )
    assert response.status_code == 403
    assert (Official.objects.count(), PostHolding.objects.count(), FamilyRelation.objects.count()) == before
    assert PostHolding.objects.filter(end_date__isnull=False).count() == 0


@pytest.mark.parametrize("role", ["noivu", "admin"])
@pytest.mark.parametrize("which", ["own", "other"])
@pytest.mark.parametrize("template", WRITE_FORMS.values(), ids=list(WRITE_FORMS))
def test_district_staff_open_every_write_form(client, users, targets, template, which, role):
    client.force_login(users[role])
    assert client.get(url(template, targets, which)).status_code == 200


@pytest.mark.parametrize("role", ["noivu", "admin"])
def test_district_staff_delete_a_relation(client, users, targets, role):
    client.force_login(users[role])
    response = client.post(url(WRITE_POSTS["relation delete"], targets, "other"))
    assert response.status_code == 302
    assert response["Location"] == "/can-bo/W2CT/"
    assert not FamilyRelation.objects.filter(pk=targets["other"]["relation"]).exists()


def test_deleting_a_relation_needs_a_post(client, users, targets):
    client.force_login(users["noivu"])
    assert client.get(url(WRITE_POSTS["relation delete"], targets)).status_code == 405
    assert FamilyRelation.objects.filter(pk=targets["own"]["relation"]).exists()


def test_user_without_a_role_sees_no_official(client, user_model, targets):
    client.force_login(user_model.objects.create_user("khach", password="x-12345678"))
    response = client.get("/can-bo/")
    assert response.status_code == 200
    assert list(response.context["officials"]) == []
    assert client.get("/can-bo/W1CT/").status_code == 404
    assert client.get("/can-bo/them/").status_code == 403


def test_edit_buttons_are_shown_to_the_interior_office_only(client, users, targets):
    client.force_login(users["chair"])
    assert "/can-bo/W1CT/sua/" not in client.get("/can-bo/W1CT/").content.decode()
    client.force_login(users["noivu"])
    assert "/can-bo/W1CT/sua/" in client.get("/can-bo/W1CT/").content.decode()
