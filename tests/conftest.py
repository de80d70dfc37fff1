import pytest

from tests.factories import UserFactory


@pytest.fixture
def owner(db):
    """The user whose network the tests look at."""
    return UserFactory(username="owner")


@pytest.fixture
def other_user(db):
    """A second user who must never see the owner's data."""
    return UserFactory(username="intruder")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client
