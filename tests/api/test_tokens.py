"""API tokens: any user creates and revokes their own on the account page; administrators issue and revoke
anyone's. A revoked token gets 401."""

import re

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def key_on_page(response) -> str:
    match = re.search(r'id="new-token">([0-9a-f]{40})<', response.content.decode())
    assert match, "the new key is shown once on the page"
    return match.group(1)


def call_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/officials/")


@pytest.mark.django_db
def test_user_creates_uses_and_revokes_their_own_token(client, users, roster):
    client.force_login(users["chair"])
    page = client.get("/tai-khoan/")
    assert page.status_code == 200
    assert "Bạn chưa có mã truy cập API" in page.content.decode()

    key = key_on_page(client.post("/tai-khoan/", {"action": "create"}))
    assert Token.objects.get(user=users["chair"]).key == key
    assert call_with(key).status_code == 200
    assert {r["ward"] for r in call_with(key).json()["results"]} == {"phuong-1"}
    assert key not in client.get("/tai-khoan/").content.decode()  # shown once only
    assert key[:6] in client.get("/tai-khoan/").content.decode()

    client.post("/tai-khoan/", {"action": "revoke"})
    assert not Token.objects.filter(user=users["chair"]).exists()
    response = call_with(key)
    assert response.status_code == 401
    assert response.json()["detail"] == "Mã truy cập không hợp lệ hoặc đã bị thu hồi."


@pytest.mark.django_db
def test_creating_a_new_token_invalidates_the_old_one(client, users, roster):
    client.force_login(users["noivu"])
    old = key_on_page(client.post("/tai-khoan/", {"action": "create"}))
    new = key_on_page(client.post("/tai-khoan/", {"action": "create"}))
    assert old != new
    assert call_with(old).status_code == 401
    assert call_with(new).status_code == 200


@pytest.mark.django_db
def test_account_page_needs_a_login(client):
    response = client.get("/tai-khoan/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


@pytest.mark.django_db
def test_account_link_is_in_the_user_menu(client, users):
    client.force_login(users["chair"])
    assert 'href="/tai-khoan/"' in client.get("/phuong/").content.decode()


@pytest.mark.django_db
def test_administrator_issues_and_revokes_a_token_for_another_user(client, users, roster):
    client.force_login(users["admin"])
    page = client.get("/tai-khoan/ma-truy-cap/")
    assert page.status_code == 200
    assert "chutich-phuong-2" in page.content.decode()
    key = key_on_page(
        client.post("/tai-khoan/ma-truy-cap/", {"user": users["chair2"].pk, "action": "create"})
    )
    assert Token.objects.get(user=users["chair2"]).key == key
    assert {r["ward"] for r in call_with(key).json()["results"]} == {"phuong-2"}
    client.post("/tai-khoan/ma-truy-cap/", {"user": users["chair2"].pk, "action": "revoke"})
    assert call_with(key).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chair", "noivu"])
def test_only_administrators_issue_tokens_for_others(client, users, role):
    client.force_login(users[role])
    assert client.get("/tai-khoan/ma-truy-cap/").status_code == 403
    response = client.post("/tai-khoan/ma-truy-cap/", {"user": users["admin"].pk, "action": "create"})
    assert response.status_code == 403
    assert not Token.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("user_id", ["999999", "abc", ""])
def test_issuing_for_an_unknown_user_is_404(client, users, user_id):
    client.force_login(users["admin"])
    assert client.post("/tai-khoan/ma-truy-cap/", {"user": user_id, "action": "create"}).status_code == 404


@pytest.mark.django_db
def test_token_admin_page_costs_a_fixed_number_of_queries(client, users, django_assert_max_num_queries):
    for user in users.values():
        Token.objects.create(user=user)
    client.force_login(users["admin"])
    with django_assert_max_num_queries(4):  # session, user, profile, the users with their tokens
        assert client.get("/tai-khoan/ma-truy-cap/").status_code == 200
