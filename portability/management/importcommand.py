"""What the import commands share: the owner, the file, the summary, and clear failures."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portability.importing import ImportFileError, ImportSummary
from portability.runs import insights_recompute_after_import


def owner_or_error(username: str):
    owner = get_user_model().objects.filter(username=username).first()
    if owner is None:
        raise CommandError(f"There is no user called “{username}”.")
    return owner


class ImportCommand(BaseCommand):
    """`manage.py import_<kind> --user USERNAME PATH...`: each file all or nothing."""

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="Username of the owner.")
        parser.add_argument("path", nargs="+", type=Path)

    def import_file(self, owner, path: Path, options: dict) -> ImportSummary:
        raise NotImplementedError

    def handle(self, *args, user: str, path: list[Path], **options) -> None:
        self.verbosity = options["verbosity"]
        owner = owner_or_error(user)
        for file in path:
            if not file.is_file():
                raise CommandError(f"{file} is not a file.")
            try:
                summary = self.import_file(owner, file, options)
            except ImportFileError as error:
                raise CommandError(f"{error} Nothing was imported from {file.name}.") from error
            insights_recompute_after_import(owner.pk)
            self.stdout.write(f"{file.name}:")
            for line in summary.lines():
                self.stdout.write(f"  {line}")

    def progress(self, stage: str, done: int) -> None:
        if self.verbosity > 1:
            self.stderr.write(f"{stage}: {done}")
