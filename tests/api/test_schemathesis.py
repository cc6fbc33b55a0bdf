"""Schemathesis against the app's OpenAPI schema: generated requests to every GET operation, and to the
roster's writes, sent through WSGI with an administrator's token, never get a 5xx and every documented
response matches the schema. Bounded: a few examples per operation, no deadline.

The schema is the one /api/v1/schema/ serves (same generator; `test_schemathesis_runs_on_the_served_schema`
compares them). It is built at import, because serving it needs a token and the database only exists once a
test runs (schemathesis' lazy `from_fixture` loader does not run on pytest 9.2)."""

import datetime as dt

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from config.wsgi import application
from personnel.models import FamilyRelation
from tests.helpers import make_official, make_user, make_wards

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def api_token(db, settings):
    # werkzeug's test client (used by schemathesis' WSGI transport) sends "Host: localhost".
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.PORTAL_TODAY = dt.date(2021, 5, 20)
    wards = make_wards()
    for i, ward in enumerate(wards, start=1):
        chair = make_official(ward, "CHU_TICH", code=f"W{i}CT", full_name=f"Nguyễn Văn Chủ{i}")
        clerk = make_official(ward, "TP_HT", code=f"W{i}TP", full_name=f"Trần Thị Tư{i}", sex="F")
        FamilyRelation.objects.create(official=chair, relative=clerk, kind="spouse")
    admin = make_user("admin-st", "quan_tri")
    # Like Django's test client: a request through the real WSGI handler must not close the test's
    # connection at request end (it would on PostgreSQL, inside the test transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield Token.objects.create(user=admin).key
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def served_schema() -> dict:
    """The schema /api/v1/schema/ serves, as JSON data."""
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


SCHEMA_DATA = served_schema()
schema = schemathesis.openapi.from_dict(SCHEMA_DATA)
schema.app = application


def test_schemathesis_runs_on_the_served_schema(client, api_token):
    response = client.get("/api/v1/schema/?format=json", HTTP_AUTHORIZATION=f"Token {api_token}")
    assert response.status_code == 200
    assert response.json() == SCHEMA_DATA


SETTINGS = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.django_db
@schema.include(method="GET").parametrize()
@SETTINGS
def test_every_read_answers_within_its_schema_and_never_5xx(case, api_token):
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"}, checks=CHECKS)


@pytest.mark.django_db
@schema.include(method=["POST", "PATCH", "PUT", "DELETE"]).parametrize()
@SETTINGS
def test_generated_writes_never_get_a_5xx(case, api_token):
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"}, checks=CHECKS)
