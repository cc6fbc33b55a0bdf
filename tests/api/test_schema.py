"""The OpenAPI 3 schema and the Swagger UI: served to signed-in users, from the project's own static files."""

import pytest


@pytest.mark.django_db
def test_schema_is_openapi_3_and_lists_every_resource(api, users):
    response = api("chair").get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ["/api/v1/wards/", "/api/v1/positions/", "/api/v1/officials/", "/api/v1/officials/{code}/",
                 "/api/v1/holdings/", "/api/v1/holdings/{id}/end/", "/api/v1/relations/"]:  # fmt: skip
        assert path in schema["paths"], path
    official_list = schema["paths"]["/api/v1/officials/"]["get"]
    names = {p["name"] for p in official_list["parameters"]}
    assert {"q", "ward", "position", "kind", "sex", "education", "age_min", "age_max", "page", "page_size",
            "ordering"} <= names  # fmt: skip
    update = schema["paths"]["/api/v1/officials/{code}/"]["patch"]
    assert {"409", "412"} <= set(update["responses"])
    assert "If-Match" in {p["name"] for p in update["parameters"]}


@pytest.mark.django_db
def test_schema_needs_authentication(api):
    assert api(None).get("/api/v1/schema/").status_code == 401


@pytest.mark.django_db
def test_swagger_ui_is_served_without_any_cdn(client, users):
    client.force_login(users["noivu"])
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html


@pytest.mark.django_db
def test_swagger_ui_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_schema_generates_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache, list(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, list(GENERATOR_STATS._error_cache)
