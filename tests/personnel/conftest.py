"""Fixtures of the personnel tests: the Interior Office's logged-in client (test_forms.py has its own, as of
the portal's day)."""

import pytest


@pytest.fixture
def staff(client, users):
    client.force_login(users["noivu"])
    return client
