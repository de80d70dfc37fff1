from portability.linkedin import linkedin_import
from portability.management.importcommand import ImportCommand


class Command(ImportCommand):
    help = "Import a LinkedIn data export (the zip, or Connections.csv, Invitations.csv or messages.csv)."

    def import_file(self, owner, path, options):
        return linkedin_import(owner, path, progress=self.progress)
