"""Fixtures of the plan tests: the reform (loaded by staffing's data migration) and the demo district."""

import pytest
from django.contrib.auth import get_user_model

from personnel.demo import load_demo
from staffing import plan

DEMO_PASSWORD = "demo-test-pass-1"


@pytest.fixture
def reform(db):
    return plan.current_reform()


@pytest.fixture
def demo(db):
    """The Đống Đa demo district with its users (admin, noivu, chutich-<slug>)."""
    load_demo(password=DEMO_PASSWORD)
    users = {u.username: u for u in get_user_model().objects.select_related("profile")}
    return users
