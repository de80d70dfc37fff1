import pytest

from config import celery_app
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


@pytest.fixture
def tasks_in_process(monkeypatch):
    """Tasks run in the test's process, as on the embedded default, even when CI gives a broker
    (the paths through a real worker have tests of their own)."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
