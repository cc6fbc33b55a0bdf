"""Every list endpoint costs a fixed number of queries, the same for one row as for many."""

import datetime as dt

import pytest

from personnel.models import FamilyRelation, Official, PostHolding
from tests.helpers import make_official
from wards.models import Position

# token → user, the user's profile (role), count, rows, and for officials the prefetched holdings.
LISTS = {
    "/api/v1/wards/": 4,
    "/api/v1/positions/": 4,
    "/api/v1/officials/": 5,
    # + the ward and position filters' choices
    "/api/v1/officials/?ward=phuong-1&position=TP_HT&q=tran&age_min=20": 7,
    "/api/v1/holdings/": 4,
    "/api/v1/holdings/?current=true&ward=phuong-1": 5,
    "/api/v1/relations/": 4,
    "/api/v1/relations/?kind=sibling&ordering=-id": 4,
}


def grow(wards, n):
    """``n`` more officials per ward, each with two holdings and a relation to the ward's first official."""
    vh = Position.objects.get(code="VH_XH")
    for ward in wards:
        first = None
        for i in range(n):
            official = make_official(ward, "TP_HT", code=f"{ward.slug}-{i}", full_name=f"Trần Văn {i}")
            PostHolding.objects.create(
                official=official, ward=ward, position=vh, start_date=dt.date(2018, 1, 1), is_primary=False
            )
            if first is None:
                first = official
            else:
                FamilyRelation.objects.create(official=first, relative=official, kind="sibling")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chair", "noivu"])
@pytest.mark.parametrize(("url", "expected"), LISTS.items())
def test_list_endpoints_cost_the_same_queries_for_one_row_and_many(
    api, roster, wards, portal_day, django_assert_num_queries, role, url, expected
):
    FamilyRelation.objects.create(official=roster["chair1"], relative=roster["tp1"], kind="sibling")
    client = api(role)
    with django_assert_num_queries(expected):
        small = client.get(url)
    assert small.status_code == 200
    grow(wards, 8)
    with django_assert_num_queries(expected):
        big = client.get(url)
    assert big.status_code == 200
    if "positions" not in url and "wards" not in url:
        assert big.json()["count"] > small.json()["count"]


STAFFING_LISTS = {
    "/api/v1/findings/": 10,  # token, profile + the check's 8
    "/api/v1/findings/?level=official&ward=phuong-1&page_size=5": 10,
    "/api/v1/proposals/": 4,
    "/api/v1/proposals/?ward=phuong-1&verdict=agree&q=tran": 5,
    "/api/v1/reviews/": 4,
    "/api/v1/parameters/": 4,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chair", "noivu"])
@pytest.mark.parametrize(("url", "expected"), STAFFING_LISTS.items())
def test_staffing_list_endpoints_cost_the_same_queries_for_one_row_and_many(
    api, roster, wards, users, portal_day, django_assert_num_queries, role, url, expected
):
    from staffing import plan

    def propose_and_review():
        for official in Official.objects.filter(proposals__isnull=True).order_by("pk"):
            proposal = plan.proposal_create(actor=users["noivu"], official=official, outcome="keep")
            chair = users["chair"] if official.ward_id == wards[0].pk else users["chair2"]
            if official.ward_id in (wards[0].pk, wards[1].pk):
                plan.review_set(actor=chair, proposal=proposal, verdict="agree")

    propose_and_review()
    client = api(role)
    with django_assert_num_queries(expected):
        small = client.get(url)
    assert small.status_code == 200
    grow(wards, 8)
    propose_and_review()
    with django_assert_num_queries(expected):
        big = client.get(url)
    assert big.status_code == 200
    if "parameters" not in url:
        assert big.json()["count"] > small.json()["count"]
