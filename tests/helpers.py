"""Small plain builders for tests: wards "Phường 1…3", users by role, officials with post holdings."""

import datetime as dt

from django.contrib.auth import get_user_model

from personnel.models import Education, Official, PostHolding
from personnel.services import set_search_keys
from wards.models import District, Position, Profile, Ward

PASSWORD = "test-pass-123"


def make_wards(n=3, classes=("I", "II", "III")):
    district, _ = District.objects.get_or_create(
        slug="quan-thu", defaults={"code": "999", "name": "Quận Thử", "province": "Hà Nội"}
    )
    return [
        Ward.objects.create(
            district=district,
            code=f"9{i:04d}",
            name=f"Phường {i}",
            slug=f"phuong-{i}",
            ward_class=classes[(i - 1) % len(classes)],
        )  # fmt: skip
        for i in range(1, n + 1)
    ]


def make_user(username, role=None, ward=None, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    if role:
        Profile.objects.create(user=user, role=role, ward=ward)
    return user


def make_official(ward, position_code=None, *, code, full_name="Nguyễn Văn An", sex="M",
                  birth=dt.date(1980, 1, 1), start=dt.date(2016, 6, 1), primary=True, **fields):  # fmt: skip
    """An official of ``ward`` holding ``position_code`` since ``start`` (no holding when None)."""
    defaults = {"education": Education.DAI_HOC, "it_certificate": True}
    defaults.update(fields)
    official = Official(code=code, full_name=full_name, sex=sex, birth_date=birth, ward=ward, **defaults)
    set_search_keys(official)
    official.save()
    if position_code:
        PostHolding.objects.create(
            official=official, ward=ward, position=Position.objects.get(code=position_code),
            start_date=start, is_primary=primary,
        )  # fmt: skip
    return official


def listed_codes(response) -> list[str]:
    """The codes of the officials a list page shows, in order."""
    return [o.code for o in response.context["officials"]]
