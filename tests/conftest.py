"""Shared fixtures: a small district of three wards (Phường 1…3), users of every role, and a builder of
officials with post holdings."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from personnel import synthetic
from tests.helpers import make_official, make_user, make_wards
from wards.models import District, Ward


@pytest.fixture
def wards(db):
    return make_wards()


@pytest.fixture
def users(wards):
    """anonymous (None), chair of Phường 1, Interior Office, admin."""
    return {
        "chair": make_user("chutich-phuong-1", "chu_tich_phuong", wards[0]),
        "chair2": make_user("chutich-phuong-2", "chu_tich_phuong", wards[1]),
        "noivu": make_user("noivu", "noi_vu"),
        "admin": make_user("admin", "quan_tri"),
    }


@pytest.fixture
def roster(wards):
    """Two officials per ward: a Chair and a Tư pháp – Hộ tịch civil servant."""
    out = {}
    for i, ward in enumerate(wards, start=1):
        out[f"chair{i}"] = make_official(
            ward, "CHU_TICH", code=f"W{i}CT", full_name=f"Nguyễn Văn Chủ{i}", birth=dt.date(1970, 3, 15)
        )
        out[f"tp{i}"] = make_official(
            ward, "TP_HT", code=f"W{i}TP", full_name=f"Trần Thị Tư{i}", sex="F", birth=dt.date(1985, 7, 1)
        )
    return out


@pytest.fixture
def user_model():
    return get_user_model()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Hash test passwords with MD5: PBKDF2's deliberate slowness would dominate the suite's run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def portal_day(settings):
    """Work as of 20/05/2021 (the demo's day), so ages and "future" dates do not move with the calendar."""
    settings.PORTAL_TODAY = dt.date(2021, 5, 20)
    return settings.PORTAL_TODAY


@pytest.fixture
def country(db):
    """A small country for the pages above one district: 30 synthetic wards in 3 districts of 3 provinces; the first two districts then put in one province, so
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
