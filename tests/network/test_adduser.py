import getpass
import io
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from network.models import OwnerSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _adduser(monkeypatch, *args, stdin: str = "") -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("adduser", *args, stdout=out)
    return out.getvalue()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_adduser_with_password_from_stdin_creates_a_user_who_can_log_in(monkeypatch, client):
    output = _adduser(
        monkeypatch,
        "anna",
        "--email",
        "anna@example.org",
        "--password-stdin",
        stdin="a long and unusual passphrase\n",
    )

    user = get_user_model().objects.get(username="anna")
    assert user.email == "anna@example.org"
    assert OwnerSettings.objects.filter(owner=user).exists()
    assert 'Created user "anna"' in output
    assert client.login(username="anna", password="a long and unusual passphrase")


def test_adduser_refuses_an_existing_username(monkeypatch):
    UserFactory(username="anna")

    with pytest.raises(CommandError, match='A user named "Anna" already exists'):
        _adduser(monkeypatch, "Anna", "--password-stdin", stdin="a long and unusual passphrase\n")

    assert get_user_model().objects.filter(username__iexact="anna").count() == 1


def test_adduser_refuses_a_weak_password_and_creates_nothing(monkeypatch):
    with pytest.raises(CommandError, match=r"This password is not accepted: .*too short"):
        _adduser(monkeypatch, "anna", "--password-stdin", stdin="123\n")

    assert not get_user_model().objects.filter(username="anna").exists()
    assert not OwnerSettings.objects.exists()


def test_adduser_refuses_passwords_that_do_not_match(monkeypatch):
    answers = iter(["a long and unusual passphrase", "a long and unusual passphrasf"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt: next(answers))
    monkeypatch.setattr(sys, "stdin", _Terminal())

    with pytest.raises(CommandError, match="do not match"):
        call_command("adduser", "anna", stdout=io.StringIO())

    assert not get_user_model().objects.filter(username="anna").exists()


def test_adduser_asks_twice_and_creates_the_user(monkeypatch, client):
    monkeypatch.setattr(getpass, "getpass", lambda prompt: "a long and unusual passphrase")
    monkeypatch.setattr(sys, "stdin", _Terminal())

    call_command("adduser", "anna", stdout=io.StringIO())

    assert client.login(username="anna", password="a long and unusual passphrase")
