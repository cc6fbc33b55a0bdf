"""The Đống Đa demo data: 21 real wards, a deterministic synthetic roster, demo users per role."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from personnel.demo import WARDS, load_demo
from personnel.models import FamilyRelation, Official, PostHolding
from wards.models import Ward

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "wards": list(Ward.objects.order_by("code").values_list("code", "name", "slug", "ward_class")),
        "officials": list(
            Official.objects.order_by("code").values_list(
                "code",
                "full_name",
                "sex",
                "birth_date",
                "birth_precision",
                "ward__slug",
                "education",
                "political_theory",
                "it_certificate",
                "recruitment_date",
                "party_date",
            )
        ),  # fmt: skip
        "holdings": list(
            PostHolding.objects.order_by("official__code", "position__code").values_list(
                "official__code",
                "ward__slug",
                "position__code",
                "start_date",
                "is_primary",
                "decision_number",
            )
        ),
        "relations": list(
            FamilyRelation.objects.order_by("official__code").values_list(
                "official__code", "relative__code", "kind"
            )
        ),
    }


@pytest.fixture
def demo(settings):
    settings.DEMO_PASSWORD = "mat-khau-demo"
    load_demo(password=settings.DEMO_PASSWORD)


def test_demo_has_the_21_wards_of_dong_da_with_illustrative_classes(demo):
    assert Ward.objects.count() == 21
    assert set(Ward.objects.values_list("code", flat=True)) == {w[0] for w in WARDS}
    assert not Ward.objects.filter(class_is_illustrative=False).exists()
    assert Ward.objects.get(slug="o-cho-dua").name == "Ô Chợ Dừa"


def test_every_ward_has_20_to_25_officials_with_one_open_primary_post_each(demo):
    for ward in Ward.objects.all():
        n = Official.objects.filter(ward=ward).count()
        assert 20 <= n <= 25, (ward.name, n)
    open_primary = PostHolding.objects.filter(is_primary=True, end_date__isnull=True)
    assert open_primary.count() == Official.objects.count()
    assert not Official.objects.exclude(search_name__gt="").exists()


def test_two_loads_into_fresh_databases_are_identical(settings):
    with transaction.atomic():
        load_demo(password="x")
        first = snapshot()
        transaction.set_rollback(True)
    assert Official.objects.count() == 0
    load_demo(password="x")
    assert snapshot() == first
    assert len(first["officials"]) > 400


@pytest.mark.parametrize("username", ["chutich-cat-linh", "chutich-o-cho-dua", "chutich-khuong-thuong"])
def test_each_ward_chair_sees_only_their_ward(client, demo, settings, username):
    assert client.login(username=username, password=settings.DEMO_PASSWORD)
    slug = username.removeprefix("chutich-")
    wards = client.get("/phuong/").context["wards"]
    assert [w.slug for w in wards] == [slug]
    listed = client.get("/can-bo/").context["paginator"].count
    assert listed == Official.objects.filter(ward__slug=slug).count()
    other = Official.objects.exclude(ward__slug=slug).first()
    assert client.get(other.get_absolute_url()).status_code == 404


def test_every_chair_is_tied_to_their_own_ward(demo):
    from wards.models import Profile

    chairs = Profile.objects.filter(role="chu_tich_phuong").select_related("user", "ward")
    assert chairs.count() == 21
    assert all(p.user.username == f"chutich-{p.ward.slug}" for p in chairs)


@pytest.mark.parametrize("username", ["admin", "noivu"])
def test_district_users_log_in_with_the_demo_password_and_see_every_ward(client, demo, settings, username):
    assert not client.login(username=username, password="demo-2021")
    assert client.login(username=username, password=settings.DEMO_PASSWORD)
    assert len(client.get("/phuong/").context["wards"]) == 21


def test_seed_demo_loads_once_then_only_resets_passwords(settings, client):
    settings.DEMO_PASSWORD = "lan-dau"
    call_command("seed_demo", stdout=io.StringIO())
    count = Official.objects.count()
    call_command("seed_demo", "--password", "lan-hai", stdout=io.StringIO())
    assert Official.objects.count() == count
    assert client.login(username="noivu", password="lan-hai")
