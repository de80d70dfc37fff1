from portability.management.importcommand import ImportCommand
from portability.vcard import vcard_import


class Command(ImportCommand):
    help = (
        "Import contacts from a vCard file (.vcf) exported by a phone, Google Contacts or "
        "Apple Contacts. Known people are matched and only their empty fields are filled."
    )

    def import_file(self, owner, path, options):
        return vcard_import(owner, path, progress=self.progress)
