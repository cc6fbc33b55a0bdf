import pytest


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/phuong/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")
