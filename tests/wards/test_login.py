"""Login and logout: the only pages an anonymous user may open."""

import pytest

from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_opens_without_a_login(client):
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_a_wrong_password_is_refused_in_vietnamese(client, users):
    response = client.post("/dang-nhap/", {"username": "noivu", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_ward_chair_logs_in_and_sees_their_own_ward(client, users, wards):
    response = client.post("/dang-nhap/", {"username": "chutich-phuong-1", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[0] == ("/", 302)
    assert response.status_code == 200
    assert "Chủ tịch UBND phường Phường 1" in response.content.decode()
    assert [w.name for w in client.get("/phuong/").context["wards"]] == ["Phường 1"]


def test_login_returns_to_the_page_asked_for(client, users):
    response = client.post(
        "/dang-nhap/?next=/can-bo/", {"username": "noivu", "password": PASSWORD, "next": "/can-bo/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/can-bo/"


def test_login_does_not_redirect_to_another_site(client, users):
    response = client.post(
        "/dang-nhap/", {"username": "noivu", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_is_a_post_that_ends_the_session(client, users):
    client.force_login(users["noivu"])
    page = client.get("/phuong/").content.decode()
    assert 'action="/dang-xuat/"' in page
    response = client.post("/dang-xuat/")
    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/"
    assert client.get("/phuong/").status_code == 302


def test_logout_by_get_is_refused(client, users):
    client.force_login(users["noivu"])
    assert client.get("/dang-xuat/").status_code == 405
    assert client.get("/phuong/").status_code == 200
