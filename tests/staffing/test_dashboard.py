"""The dashboard above one district: a row per province or per district (summing the ward × post figures),
drill-down with breadcrumbs, numbers linking to the findings behind them, the findings list and API filtered by
province and district, and the ward table paged for a very large district. The one-district page (a district's
Interior Office, a ward chair) is tested in test_pages.py and must not change."""

from collections import Counter
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffing import rules
from staffing import views as staffing_views
from staffing.services import check
from wards.models import Ward

pytestmark = pytest.mark.usefixtures("portal_day")

SUMMED = (
    "required",
    "current",
    "carrying",
    "leaving_retirement",
    "leaving_abolished",
    "vacancy",
    "surplus",
    "ready",
)


def _sums(rows) -> dict:
    return {name: sum(getattr(r, name) for r in rows) for name in SUMMED}


def test_summary_per_group_equals_the_sum_of_its_ward_rows(country):
    result = check()
    board = result.dashboard()
    summary = result.summary(lambda district_id: district_id, signed_off=[board.rows[0].ward.id])
    assert set(summary) == {d.pk for d in country["districts"]}
    district_findings = [f for f in result.findings if f.level == rules.DISTRICT]
    for district_id, totals in summary.items():
        rows = [r for r in board.rows if r.ward.district_id == district_id]
        assert totals.wards == len(rows) and totals.districts == 1
        assert {name: getattr(totals, name) for name in SUMMED} == _sums(rows)
        count, cap, n_wards = board.headcount[district_id]
        assert (totals.headcount, totals.cap, totals.over_cap) == (count, cap, int(count > cap))
        ward_severities = sum((r.severities for r in rows), Counter())
        ward_severities[rules.BLOCKER] += totals.over_cap  # the district's own headcount finding
        assert +totals.severities == +ward_severities
        assert totals.readiness == round(100 * totals.ready / totals.required)
    assert sum(t.over_cap for t in summary.values()) == len(district_findings) > 0
    assert sum(t.signed_off for t in summary.values()) == 1
    # One group for everything: the sums of every ward row.
    (everything,) = result.summary(lambda district_id: "all").values()
    assert {name: getattr(everything, name) for name in SUMMED} == _sums(board.rows)
    assert (everything.wards, everything.districts) == (30, 3)


def test_the_whole_country_shows_a_row_per_province_drilling_down_to_districts_then_wards(client, country):
    one, two, other = country["districts"]
    client.force_login(country["staff"])
    top = client.get("/")
    assert top.context["level"] == "provinces" and not top.context["error"]
    rows = {r["name"]: r for r in top.context["rows"]}
    assert set(rows) == {one.province, other.province}
    assert rows[one.province]["totals"].districts == 2
    assert sum(r["totals"].wards for r in rows.values()) == 30
    text = top.content.decode()
    assert "Theo tỉnh, thành phố" in text and "Cả nước" in text and "Phường " not in text

    province = client.get(rows[one.province]["url"])
    assert province.context["level"] == "districts"
    assert [c["label"] for c in province.context["crumbs"]] == ["Cả nước", one.province]
    by_district = {r["name"]: r for r in province.context["rows"]}
    assert set(by_district) == {one.name, two.name}
    assert sum(r["totals"].wards for r in by_district.values()) == rows[one.province]["totals"].wards

    wards = client.get(by_district[two.name]["url"])
    assert wards.context["level"] == "wards"
    assert [c["label"] for c in wards.context["crumbs"]] == ["Cả nước", one.province, two.name]
    assert {w["row"].ward.district_id for w in wards.context["rows"]} == {two.pk}
    assert wards.context["ward_count"] == Ward.objects.filter(district=two).count()
    assert len(wards.context["headcount"]) == 1  # the district's own civil servants against its cap
    text = wards.content.decode()
    assert f'href="?{urlencode({"province": one.province})}"' in text and 'href="?"' in text  # back up


def test_summary_numbers_link_to_the_findings_behind_them(client, country):
    client.force_login(country["staff"])
    checked = 0
    for url in ["/", "/?" + f"province={country['districts'][0].province}"]:
        for row in client.get(url).context["rows"]:
            t, links = row["totals"], row["links"]
            found = client.get(links["blocker"]).context["findings"]
            assert len(found) == t.severities[rules.BLOCKER]
            assert len(client.get(links["warning"]).context["findings"]) == t.severities[rules.WARNING]
            assert len(client.get(links["headcount"]).context["findings"]) == t.over_cap
            abolished = client.get(links["abolished"]).context["findings"]
            assert len(abolished) == t.leaving_abolished
            checked += 1
    assert checked == 4


def test_the_ward_table_of_a_drilled_district_links_within_that_district(client, country):
    district = country["districts"][2]
    client.force_login(country["staff"])
    page = client.get(f"/?district={district.slug}")
    for w in page.context["rows"]:
        assert w["links"]["blocker"].endswith(f"&district={district.slug}")
        found = client.get(w["links"]["blocker"]).context["findings"]
        assert len(found) == w["row"].severities.get(rules.BLOCKER, 0)
        for p in w["posts"]:
            if p["row"].leaving_retirement:
                retiring = client.get(p["links"]["retirement"]).context["findings"]
                assert len(retiring) == p["row"].leaving_retirement


def test_a_ward_chair_still_sees_only_their_own_ward_whatever_the_parameters(client, country):
    client.force_login(country["chair"])
    ward = country["chair"].profile.ward
    for url in [
        "/",
        f"/?province={country['districts'][0].province}",
        f"/?district={country['districts'][0].slug}",
    ]:
        page = client.get(url)
        assert page.context["level"] == "wards" and not page.context["crumbs"]
        assert [w["row"].ward.id for w in page.context["rows"]] == [ward.pk]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("district=khong-co", "Quận “khong-co” không thuộc các quận bạn được xem."),
        ("province=Atlantis", "Tỉnh, thành phố “Atlantis” không thuộc các tỉnh, thành phố bạn được xem."),
    ],
)
def test_an_unknown_province_or_district_is_named_and_the_whole_country_shown(
    client, country, query, message
):
    client.force_login(country["staff"])
    page = client.get(f"/?{query}")
    assert page.status_code == 200 and page.context["level"] == "provinces"
    assert message in page.content.decode()


def test_dashboard_queries_are_the_same_at_every_level_and_size(client, country, django_assert_num_queries):
    one = country["districts"][0]
    client.force_login(country["staff"])
    urls = ["/", f"/?province={one.province}", f"/?district={one.slug}"]
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        counts.append(len(ctx.captured_queries))
    assert len(set(counts)) == 1
    Ward.objects.filter(district=one).exclude(pk=Ward.objects.filter(district=one).first().pk).update(
        district=country["districts"][2]
    )
    for url in urls:
        with django_assert_num_queries(counts[0]):
            client.get(url)


def test_a_very_large_district_shows_its_ward_table_a_page_at_a_time(client, country, monkeypatch):
    monkeypatch.setattr(staffing_views, "WARDS_PER_PAGE", 4)
    district = country["districts"][0]
    n = Ward.objects.filter(district=district).count()
    client.force_login(country["staff"])
    first = client.get(f"/?district={district.slug}")
    assert first.context["ward_count"] == n and len(first.context["rows"]) == 4
    assert f"?district={district.slug}&page=2" in first.content.decode()
    last = client.get(f"/?district={district.slug}&page={first.context['page_obj'].paginator.num_pages}")
    assert len(last.context["rows"]) == n - 4 * (last.context["page_obj"].number - 1)
    assert first.context["rows"][0]["row"].ward != last.context["rows"][0]["row"].ward


def _key(finding):
    return (finding.code, finding.ward_id, finding.official_id, finding.position, finding.message)


def test_findings_list_and_api_filter_by_province_and_district(client, country):
    one, two, other = country["districts"]
    client.force_login(country["staff"])
    everything = client.get("/phat-hien/").context["filter"].result.findings
    ward_district = dict(Ward.objects.values_list("pk", "district_id"))
    for d in country["districts"]:
        page = client.get(f"/phat-hien/?district={d.slug}")
        found = page.context["filter"].apply()
        expected = [_key(f) for f in everything if f.ward_id and ward_district[f.ward_id] == d.pk]
        assert [_key(f) for f in found if f.ward_id] == expected
        assert "district" in page.context["querystring"]
    province = client.get(f"/phat-hien/?province={one.province}").context["filter"].apply()
    assert {ward_district[f.ward_id] for f in province if f.ward_id} == {one.pk, two.pk}
    bad = client.get("/phat-hien/?district=khong-co")
    assert "district" in bad.context["filter"].errors and not bad.context["findings"]
    api = client.get(f"/api/v1/findings/?district={other.slug}").json()
    assert api["count"] == client.get(f"/phat-hien/?district={other.slug}").context["total"]
    assert client.get("/api/v1/findings/?district=khong-co").status_code == 400


def test_province_and_district_menus_show_only_where_they_narrow_something(client, country, users):
    one = country["districts"][0]
    client.force_login(country["staff"])
    page = client.get("/phat-hien/").content.decode()
    assert 'name="province"' in page and 'name="district"' in page
    drilled = client.get(f"/phat-hien/?district={one.slug}").content.decode()
    assert f'<option value="{one.slug}" selected>' in drilled
    # A ward chair (one ward) sees no one-option province or district menu.
    client.force_login(users["chair"])
    own = client.get("/phat-hien/").content.decode()
    assert 'name="ward"' in own and 'name="province"' not in own and 'name="district"' not in own
