"""Import a contacts file (.vcf) for a user from the command line:
python manage.py import_vcard --user anna contacts.vcf."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portability.importing import ImportFileError
from portability.vcard import vcard_import


class Command(BaseCommand):
    help = (
        "Import contacts from a vCard file (.vcf) exported by a phone, Google Contacts or "
        "Apple Contacts. Known people are matched and only their empty fields are filled."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="Username of the owner.")
        parser.add_argument("path", type=Path, help="The .vcf file.")

    def handle(self, *args, user: str, path: Path, **options) -> None:
        self.verbosity = options["verbosity"]
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"There is no user called “{user}”.")
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            summary = vcard_import(owner, path, progress=self._progress)
        except ImportFileError as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        for line in summary.lines():
            self.stdout.write(line)

    def _progress(self, stage: str, done: int) -> None:
        if self.verbosity > 1:
            self.stderr.write(f"{stage}: {done}")
