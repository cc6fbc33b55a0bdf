"""The plan pages over several districts (the national case): they ask for a district, then work on its wards
only; query counts do not grow with the country. The demo district's behaviour is pinned in test_pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffing import plan
from staffing.models import Outcome
from wards.models import Position, Ward

pytestmark = pytest.mark.usefixtures("portal_day")

PAGES = ("/ke-hoach/", "/ke-hoach/ghep-vi-tri/", "/ke-hoach/so-sanh/", "/ke-hoach/chuyen-doi/")


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


@pytest.mark.parametrize("url", PAGES)
def test_above_one_district_each_page_asks_for_a_district_first(client, country, url):
    response = _get(client, country["staff"], url)
    assert response.context["level"] == "provinces"
    page = response.content.decode()
    assert "chọn một quận" in page.lower() or response.context.get("district_rows") is not None
    province = country["districts"][0].province
    response = _get(client, country["staff"], f"{url}?province={province}")
    assert response.context["level"] == "districts"
    assert {c["name"] for c in response.context["choices"]} == {d.name for d in country["districts"][:2]}


def test_one_district_of_several_shows_only_its_wards(client, country):
    district = country["districts"][1]
    own = set(Ward.objects.filter(district=district).values_list("slug", flat=True))
    query = f"?district={district.slug}"
    wards = _get(client, country["staff"], "/ke-hoach/" + query).context["wards"]
    assert {w.slug for w in wards} == own
    rows = _get(client, country["staff"], "/ke-hoach/so-sanh/" + query).context["rows"]
    assert {r["ward"].slug for r in rows} == own
    entries = _get(client, country["staff"], "/ke-hoach/ghep-vi-tri/" + query).context["entries"]
    assert entries, "the synthetic district has officials to place"
    assert all(e.ward.slug in own for e in entries)
    assert all(s.ward.slug in own for e in entries for s in e.seats)
    page = _get(client, country["staff"], "/ke-hoach/ghep-vi-tri/" + query).content.decode()
    assert f"ở {len(own)} phường của quận" in page


def test_an_unknown_district_is_named_in_vietnamese(client, country):
    response = _get(client, country["staff"], "/ke-hoach/ghep-vi-tri/?district=khong-co")
    assert response.context["level"] != "wards" and "entries" not in response.context
    assert "Quận “khong-co” không thuộc" in response.content.decode()


def test_the_cutover_preview_counts_per_district_and_lists_one_districts_rows(client, country):
    district = country["districts"][2]
    ward = Ward.objects.filter(district=district).order_by("pk").first()
    official = ward.holdings.filter(end_date__isnull=True, is_primary=True).first().official
    plan.proposal_create(
        actor=country["staff"], official=official, outcome=Outcome.MOVE, target_ward=ward,
        target_position=Position.objects.get(code="VH_XH"),
    )  # fmt: skip
    ctx = _get(client, country["staff"], "/ke-hoach/chuyen-doi/").context
    rows = ctx["district_rows"]
    assert [r["name"] for r in rows] != [] and len(rows) == 3
    assert sum(r.get("ends", 0) for r in rows) == len(ctx["preview"].ends)
    assert sum(r.get("starts", 0) for r in rows) == len(ctx["preview"].starts) == 1
    ctx = _get(client, country["staff"], f"/ke-hoach/chuyen-doi/?district={district.slug}").context
    assert [s.official for s in ctx["starts"]] == [official]
    assert all(e.holding.ward.district_id == district.pk for e in ctx["ends"])


def test_a_chair_sees_only_their_own_ward_without_a_chooser(client, country):
    response = _get(client, country["chair"], "/ke-hoach/")
    assert response.context["level"] == "wards"
    assert [w.pk for w in response.context["wards"]] == [country["chair"].profile.ward_id]
    rows = _get(client, country["chair"], "/ke-hoach/so-sanh/").context["rows"]
    assert [r["ward"].id for r in rows] == [country["chair"].profile.ward_id]


# Query counts with several districts visible: the chooser, and one district's page (districts of different
# sizes give the same count).
CHOOSER_QUERIES = {
    "/ke-hoach/": 5,
    "/ke-hoach/ghep-vi-tri/": 5,
    "/ke-hoach/so-sanh/": 5,
    "/ke-hoach/chuyen-doi/": 16,
}
DISTRICT_QUERIES = {
    "/ke-hoach/": 7,
    "/ke-hoach/ghep-vi-tri/": 18,
    "/ke-hoach/so-sanh/": 18,
    "/ke-hoach/chuyen-doi/": 16,
}


@pytest.mark.parametrize("url", PAGES)
def test_plan_pages_run_a_pinned_number_of_queries_over_several_districts(client, country, url):
    client.force_login(country["staff"])
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == CHOOSER_QUERIES[url]
    for district in country["districts"]:
        with CaptureQueriesContext(connection) as queries:
            client.get(f"{url}?district={district.slug}")
        assert len(queries) == DISTRICT_QUERIES[url], district.slug


def test_long_tables_are_paginated(client, country, monkeypatch):
    from staffing import plan_views

    monkeypatch.setattr(plan_views, "PER_PAGE", 3)
    district = country["districts"][0]
    seen = []
    for page in (1, 2):
        ctx = _get(client, country["staff"], f"/ke-hoach/?district={district.slug}&page={page}").context
        assert len(ctx["wards"]) == 3 and ctx["page_obj"].number == page
        assert ctx["ward_count"] == Ward.objects.filter(district=district).count()
        seen += [w.slug for w in ctx["wards"]]
    assert len(set(seen)) == 6
    ctx = _get(client, country["staff"], f"/ke-hoach/ghep-vi-tri/?district={district.slug}").context
    assert len(ctx["entries"]) == 3 and ctx["entry_count"] > 3
    page = _get(client, country["staff"], f"/ke-hoach/so-sanh/?district={district.slug}").content.decode()
    assert f"?district={district.slug}&page=2" in page
