"""Import a calendar export (.ics) for a user from the command line, e.g. a large file or a cron
job: python manage.py import_ics --user anna calendar.ics --since 2026-01-01."""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portability.ics import ics_import
from portability.importing import ImportFileError


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f'"{value}" is not a date; write it as YYYY-MM-DD.') from None


class Command(BaseCommand):
    help = (
        "Import meetings from a Google Calendar or Outlook export (.ics): events, and an "
        "interaction for each attendee who is one of the user's contacts. By default the last "
        "12 months up to today."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The .ics file.")
        parser.add_argument("--user", required=True, help="Username of the owner.")
        parser.add_argument("--since", help="First day to import (YYYY-MM-DD).")
        parser.add_argument("--until", help="Last day to import (YYYY-MM-DD).")

    def handle(self, *args, path: str, user: str, since: str | None, until: str | None, **options):
        since_date = _date(since) if since else None
        until_date = _date(until) if until else None
        if since_date and until_date and since_date > until_date:
            raise CommandError("--since is after --until; nothing was imported.")
        try:
            owner = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f'There is no user named "{user}".') from None
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            summary = ics_import(owner, file, since=since_date, until=until_date)
        except ImportFileError as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        for line in summary.lines():
            self.stdout.write(line)
