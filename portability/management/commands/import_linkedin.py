from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portability.importing import ImportFileError
from portability.linkedin import linkedin_import


class Command(BaseCommand):
    help = "Import a LinkedIn data export (the zip, or Connections.csv, Invitations.csv or messages.csv)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--user", required=True, help="the username whose network receives the data"
        )
        parser.add_argument("path", nargs="+", type=Path)

    def handle(self, *args, user: str, path: list[Path], **options) -> None:
        self.verbosity = options["verbosity"]
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"There is no user called “{user}”.")
        for file in path:
            if not file.is_file():
                raise CommandError(f"{file} is not a file.")
            try:
                summary = linkedin_import(owner, file, progress=self._progress)
            except ImportFileError as error:
                raise CommandError(f"{error} Nothing was imported from {file.name}.") from error
            self.stdout.write(f"{file.name}:")
            for line in summary.lines():
                self.stdout.write(f"  {line}")

    def _progress(self, stage: str, done: int) -> None:
        if self.verbosity > 1:
            self.stderr.write(f"{stage}: {done}")
