"""Load a file written by export_data into a user's empty account:
python manage.py import_data --user anna anna.json."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portability.full_export import data_import
from portability.importing import ImportFileError
from portability.management.importcommand import owner_or_error
from portability.runs import insights_recompute_after_import


class Command(BaseCommand):
    help = (
        "Import a Kith export (written by export_data) into a user's account, which must have "
        "no contacts, events, interactions or invitations yet. All or nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The JSON file written by export_data.")
        parser.add_argument("--user", required=True, help="Username of the owner.")

    def handle(self, *args, path: str, user: str, **options) -> None:
        owner = owner_or_error(user)
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            document = json.loads(file.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text; is it a Kith export?") from None
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: "
                f"{error.msg}). Nothing was imported."
            ) from None
        try:
            counts = data_import(owner, document)
        except ImportFileError as error:
            raise CommandError(f"{path}: {error} Nothing was imported.") from error
        insights_recompute_after_import(owner.pk)
        for kind, number in counts.items():
            self.stdout.write(f"{kind.replace('_', ' ')}: {number}")
