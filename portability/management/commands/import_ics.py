import datetime

from django.core.management.base import CommandError

from portability.ics import ics_import
from portability.management.importcommand import ImportCommand


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"“{value}” is not a date; write it as YYYY-MM-DD.") from None


class Command(ImportCommand):
    help = (
        "Import meetings from a Google Calendar or Outlook export (.ics): events, and an "
        "interaction for each attendee who is one of the user's contacts. By default the last "
        "12 months up to today."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--since", type=_date, help="First day to import (YYYY-MM-DD).")
        parser.add_argument("--until", type=_date, help="Last day to import (YYYY-MM-DD).")

    def import_file(self, owner, path, options):
        return ics_import(
            owner, path, since=options["since"], until=options["until"], progress=self.progress
        )
