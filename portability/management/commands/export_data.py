"""Write everything a user has in Kith to one JSON file, e.g. a backup or a move to another
Kith: python manage.py export_data --user anna anna.json (or - for the standard output)."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portability.full_export import data_export_chunks
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
        if path == "-":
            for chunk in data_export_chunks(owner):
                self.stdout.write(chunk, ending="")
            return
        # Written beside the target and renamed at the end: a failed export never leaves a
        # half-written file where a good backup may have been.
        partial = Path(f"{path}.part")
        try:
            with partial.open("w", encoding="utf-8") as file:
                for chunk in data_export_chunks(owner):
                    file.write(chunk)
            os.replace(partial, path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from error
        self.stdout.write(f"Exported the data of {user} to {path}.")
