"""The synthetic country generator (personnel/synthetic.py, `generate_synthetic`)."""

import pytest
from django.core.management import CommandError, call_command

from personnel import synthetic
from personnel.models import Official, PostHolding
from personnel.services import set_search_keys
from wards.models import District, Ward


def _snapshot():
    officials = list(
        Official.objects.filter(code__startswith="SYN")
        .order_by("code")
        .values_list("code", "full_name", "sex", "birth_date", "ward__slug", "education", "it_certificate")
    )
    holdings = list(
        PostHolding.objects.filter(official__code__startswith="SYN")
        .order_by("official__code", "position__code")
        .values_list("official__code", "position__code", "start_date", "is_primary")
    )
    return officials, holdings


@pytest.mark.django_db
def test_generator_writes_the_requested_wards_and_officials_with_prefixed_codes():
    counts = synthetic.generate_synthetic(wards=4, officials_per_ward=7, seed=3)
    assert (counts.wards, counts.officials) == (4, 28)
    wards = Ward.objects.filter(slug__startswith="syn-")
    assert wards.count() == 4
    assert all(w.code.startswith("S") and w.ward_class in ("I", "II", "III") for w in wards)
    assert District.objects.filter(slug__startswith="syn-").exclude(province="").count() == counts.districts
    for ward in wards:
        assert Official.objects.filter(ward=ward, code__startswith="SYN").count() == 7
    # every official holds a primary post in their ward
    assert PostHolding.objects.filter(is_primary=True, official__code__startswith="SYN").count() == 28
    assert counts.holdings == PostHolding.objects.filter(official__code__startswith="SYN").count()


@pytest.mark.django_db
def test_generated_officials_carry_the_same_search_keys_as_the_service_sets():
    synthetic.generate_synthetic(wards=2, officials_per_ward=25, seed=1)
    for official in Official.objects.filter(code__startswith="SYN")[:50]:
        probe = Official(full_name=official.full_name)
        set_search_keys(probe)
        assert (official.search_name, official.sort_key) == (probe.search_name, probe.sort_key)


@pytest.mark.django_db
def test_generated_rows_have_no_history():
    synthetic.generate_synthetic(wards=2, officials_per_ward=5, seed=1)
    assert Official.history.filter(code__startswith="SYN").count() == 0
    assert PostHolding.history.count() == 0


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_country_and_another_seed_another():
    synthetic.generate_synthetic(wards=3, officials_per_ward=25, seed=7)
    first = _snapshot()
    synthetic.reset_synthetic()
    synthetic.generate_synthetic(wards=3, officials_per_ward=25, seed=7)
    assert _snapshot() == first
    synthetic.reset_synthetic()
    synthetic.generate_synthetic(wards=3, officials_per_ward=25, seed=8)
    assert _snapshot() != first


@pytest.mark.django_db
def test_reset_removes_only_synthetic_rows(wards, roster):
    synthetic.generate_synthetic(wards=3, officials_per_ward=25, seed=1)
    synthetic.reset_synthetic()
    assert not Ward.objects.filter(slug__startswith="syn-").exists()
    assert not Official.objects.filter(code__startswith="SYN").exists()
    assert not District.objects.filter(slug__startswith="syn-").exists()
    assert Ward.objects.count() == 3
    assert Official.objects.count() == len(roster)


@pytest.mark.django_db
def test_reset_can_keep_one_ward():
    synthetic.generate_synthetic(wards=5, officials_per_ward=4, seed=1)
    keep = Ward.objects.filter(slug__startswith="syn-").order_by("code").first()
    synthetic.reset_synthetic(keep_ward=keep)
    assert list(Ward.objects.filter(slug__startswith="syn-")) == [keep]
    assert Official.objects.filter(code__startswith="SYN").count() == 4


@pytest.mark.parametrize("size", [1, 5, 24, 25, 40])
@pytest.mark.parametrize("ward_class", ["I", "II", "III"])
def test_a_ward_roster_has_the_requested_size_and_puts_the_chair_first(size, ward_class):
    posts = synthetic.roster_plan(size, ward_class)
    assert len(posts) == size
    assert "CHU_TICH" in posts


def test_a_class_iii_ward_has_one_vice_chair_by_default():
    assert synthetic.roster_plan(25, "III").count("PHO_CHU_TICH") == 1
    assert synthetic.roster_plan(25, "I").count("PHO_CHU_TICH") == 2


@pytest.mark.django_db
def test_command_refuses_to_write_over_existing_synthetic_data_without_reset(capsys):
    call_command("generate_synthetic", wards=2, officials_per_ward=3, seed=1)
    with pytest.raises(CommandError, match="--reset"):
        call_command("generate_synthetic", wards=2, officials_per_ward=3, seed=1)
    call_command("generate_synthetic", wards=3, officials_per_ward=3, seed=1, reset=True)
    assert Ward.objects.filter(slug__startswith="syn-").count() == 3
    assert "no history rows" in capsys.readouterr().out


@pytest.mark.django_db
def test_command_refuses_sizes_below_one():
    with pytest.raises(CommandError):
        call_command("generate_synthetic", wards=0, officials_per_ward=3)


@pytest.mark.django_db
def test_a_dozen_synthetic_wards_yield_every_finding_that_needs_no_plan(settings):
    import datetime as dt

    from staffing import rules
    from staffing.services import check

    settings.PORTAL_TODAY = dt.date(2021, 5, 20)
    synthetic.generate_synthetic(wards=len(synthetic.CASES), officials_per_ward=25, seed=1)
    codes = {f.code for f in check(wards=Ward.objects.filter(slug__startswith="syn-")).findings}
    # APPOINTMENT_AGE judges a proposed appointment: it needs a reassignment plan, which is no roster data.
    assert codes == set(rules.CODES) - {"APPOINTMENT_AGE"}
