"""Create a Kith user. Kith has no open sign-up: besides createsuperuser, this is how people get in."""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from network.models import OwnerSettings


class Command(BaseCommand):
    help = (
        "Create a user who can log in to Kith. Asks for the password twice, or reads it from "
        "standard input with --password-stdin."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The user's email address (optional).")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input, for scripts.",
        )

    def handle(self, *args, username: str, email: str, password_stdin: bool, **options) -> None:
        user_model = get_user_model()
        user = user_model(username=username, email=email.strip())
        try:
            user_model._meta.get_field("username").run_validators(username)
            if user.email:
                validate_email(user.email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        # Refused whatever the case, so that "Anna" cannot be created next to "anna".
        if user_model.objects.filter(username__iexact=username).exists():
            raise CommandError(f'A user named "{username}" already exists; choose another name.')

        password = _read_password() if password_stdin else _ask_password()
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(
                "This password is not accepted: "
                + " ".join(error.messages)
                + " Nothing was created."
            ) from error

        with transaction.atomic():
            user.set_password(password)
            user.save()
            OwnerSettings.objects.create(owner=user)
        self.stdout.write(self.style.SUCCESS(f'Created user "{username}"; they can log in now.'))


def _read_password() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CommandError("No password on standard input; nothing was created.")
    return password


def _ask_password() -> str:
    if not sys.stdin.isatty():
        raise CommandError(
            "Cannot ask for a password: standard input is not a terminal. "
            "Pipe the password in with --password-stdin instead."
        )
    try:
        password = getpass.getpass("Password: ")
        again = getpass.getpass("Password (again): ")
    except KeyboardInterrupt:
        raise CommandError("Cancelled; nothing was created.") from None
    if password != again:
        raise CommandError("The two passwords do not match; nothing was created.")
    if not password:
        raise CommandError("The password cannot be empty; nothing was created.")
    return password
