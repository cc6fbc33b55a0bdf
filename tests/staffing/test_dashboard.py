"""The dashboard above one district: a row per province or per district (summing the ward × post figures),
drill-down with breadcrumbs, numbers linking to the findings behind them, the findings list and API filtered by
province and district, and the ward table paged for a very large district. The one-district page (a district's
Interior Office, a ward chair) is tested in test_pages.py and must not change."""

from collections import Counter

import pytest

from personnel import synthetic
from staffing import rules
from staffing.services import check
from tests.helpers import make_user
from wards.models import District, Ward

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


@pytest.fixture
def country(db):
    """30 synthetic wards in 3 districts of 3 provinces; the first two districts then put in one province, so
    there are two provinces, one of them with two districts."""
    synthetic.generate_synthetic(wards=30, officials_per_ward=25, seed=3)
    districts = list(District.objects.filter(slug__startswith="syn-").order_by("code"))
    assert len(districts) == 3
    District.objects.filter(pk=districts[1].pk).update(province=districts[0].province)
    return {
        "districts": [District.objects.get(pk=d.pk) for d in districts],
        "staff": make_user("noivu-ca-nuoc", "noi_vu"),
        "chair": make_user(
            "chu-tich-syn", "chu_tich_phuong", Ward.objects.filter(district=districts[2]).first()
        ),
    }


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
