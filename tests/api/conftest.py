"""API test fixtures: a token per role and a caller that sends it."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

ROLES = ("chair", "noivu", "admin")


@pytest.fixture
def tokens(users):
    return {name: Token.objects.create(user=user).key for name, user in users.items()}


@pytest.fixture
def api(tokens):
    """api(role) → an APIClient authenticated by that role's token; api(None) → anonymous."""

    def client_for(role):
        client = APIClient()
        if role is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[role]}")
        return client

    return client_for
