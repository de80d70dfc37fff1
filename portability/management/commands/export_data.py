"""Write everything a user has in Kith to one JSON file, e.g. a backup or a move to another
Kith: python manage.py export_data --user anna anna.json (or - for the standard output)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portability.full_export import data_export
from portability.management.importcommand import owner_or_error


class Command(BaseCommand):
    help = (
        "Export everything a user has (settings, tags, contacts with photos, events, "
        "interactions, follow-ups, invitations, import history) as one JSON document."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The file to write, or - for the standard output.")
        parser.add_argument("--user", required=True, help="Username of the owner.")

    def handle(self, *args, path: str, user: str, **options) -> None:
        owner = owner_or_error(user)
        text = json.dumps(data_export(owner), indent=2, ensure_ascii=False)
        if path == "-":
            self.stdout.write(text)
            return
        try:
            Path(path).write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from error
        self.stdout.write(f"Exported the data of {user} to {path}.")
