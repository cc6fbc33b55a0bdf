"""GET /api/v1/officials/ at scale: ``count`` may be an estimate (flagged by ``count_is_estimate``) while
``next`` stays exact, and the hand-written JSON of an official is exactly what the declared fields give."""

import datetime as dt
import json

import pytest
from rest_framework import serializers

from personnel.api import OfficialSerializer
from personnel.models import Official, PostHolding
from tests.helpers import make_official
from wards import pagination
from wards.models import Position

pytestmark = pytest.mark.django_db


def test_a_page_says_whether_its_count_is_exact(api, roster):
    body = api("noivu").get("/api/v1/officials/").json()
    assert list(body) == ["count", "count_is_estimate", "next", "previous", "results"]
    assert body["count"] == 6 and body["count_is_estimate"] is False


def _many(wards, n):
    for i in range(n):
        make_official(wards[i % 3], "VP_TK", code=f"M{i:03d}", full_name=f"Nguyễn Văn Số{i:03d}")


def test_an_estimated_count_is_flagged_and_next_stays_exact(api, wards, monkeypatch):
    _many(wards, 120)
    monkeypatch.setattr(pagination, "count_or_estimate", lambda qs, above=0: (250_000, True))
    client = api("noivu")
    first = client.get("/api/v1/officials/").json()
    assert (first["count"], first["count_is_estimate"]) == (250_000, True)
    assert first["next"].endswith("/api/v1/officials/?page=2")
    last = client.get("/api/v1/officials/?page=3").json()  # a short page: the exact count is known
    assert (last["count"], last["count_is_estimate"], last["next"]) == (120, False, None)
    assert len(last["results"]) == 20
    beyond = client.get("/api/v1/officials/?page=4000").json()  # past the real end: the real last page
    assert (beyond["count"], len(beyond["results"]), beyond["next"]) == (120, 20, None)
    assert beyond["previous"].endswith("?page=2")


def test_the_schema_documents_count_is_estimate(api, users):
    schema = api("noivu").get("/api/v1/schema/?format=json").json()
    page = schema["components"]["schemas"]["PaginatedOfficialList"]
    assert page["required"] == ["count", "count_is_estimate", "results"]
    assert page["properties"]["count_is_estimate"]["type"] == "boolean"


@pytest.fixture
def varied(wards, portal_day):
    """An official with every optional field filled and an ended concurrent post in another ward, and one
    without any post."""
    full = make_official(
        wards[0], "CHU_TICH", code="F1", full_name="Nguyễn Thị Đủ", sex="F", birth=dt.date(1975, 2, 28),
        birth_precision="year", major="Luật", political_theory=3, it_certificate=True, law_training=True,
        civil_status_training=True, recruitment_date=dt.date(1999, 9, 1), party_date=dt.date(2001, 5, 19),
        notes="Ghi chú <b>",
    )  # fmt: skip
    PostHolding.objects.create(
        official=full, ward=wards[1], position=Position.objects.get(code="BI_THU_DOAN"),
        start_date=dt.date(2015, 1, 1), end_date=dt.date(2020, 12, 31), is_primary=False,
        decision_number="12/QĐ-UBND",
    )  # fmt: skip
    make_official(wards[1], None, code="E1", full_name="Trần Văn Trống")


def test_an_officials_json_is_what_the_declared_fields_write(varied):
    officials = Official.objects.select_related("ward").prefetch_related(
        "holdings__ward", "holdings__position"
    )
    assert len(officials) == 2
    for official in officials:
        serializer = OfficialSerializer(official)
        generic = serializers.ModelSerializer.to_representation(serializer, official)
        assert json.dumps(serializer.data) == json.dumps(generic)  # the same keys, order, values and types


def test_the_list_writes_each_official_as_its_own_endpoint_does(api, roster, varied):
    client = api("noivu")
    listed = client.get("/api/v1/officials/").json()["results"]
    assert len(listed) == 8
    for item in listed:
        assert json.dumps(item) == json.dumps(client.get(f"/api/v1/officials/{item['code']}/").json())
