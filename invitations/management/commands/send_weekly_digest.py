"""`manage.py send_weekly_digest [--user U] [--dry-run]`: what beat's hourly run does, by hand."""

from django.core.management.base import BaseCommand, CommandError

from invitations.digest import (
    Outcome,
    digest_already_sent,
    digest_build,
    digest_send,
    owners_due_for_digest,
)
from portability.management.importcommand import owner_or_error


class Command(BaseCommand):
    help = (
        "Email the weekly digest to one owner (--user), whatever the day, or to every owner "
        "whose review day it is now. Each owner gets one digest a week."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", help="Username of the owner; by default every owner due now.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the email instead of sending it."
        )

    def handle(self, *args, user: str | None, dry_run: bool, **options) -> None:
        if user:
            owner = owner_or_error(user)
            if not owner.email:
                raise CommandError(
                    f"“{owner.username}” has no email address, so no digest was sent: give the "
                    "account one first (for example in `manage.py shell`)."
                )
            owners = [owner]
        else:
            owners = list(owners_due_for_digest())
            if not owners:
                self.stdout.write("Nobody's weekly digest is due now.")
        for owner in owners:
            if dry_run:
                self._print(owner)
            else:
                self._send(owner)

    def _send(self, owner) -> None:
        outcome = digest_send(owner)
        if outcome == Outcome.SENT:
            self.stdout.write(self.style.SUCCESS(f"{owner.username}: sent to {owner.email}."))
        elif outcome == Outcome.NO_EMAIL:
            self.stdout.write(f"{owner.username}: skipped, no email address.")
        else:
            self.stdout.write(f"{owner.username}: skipped, already sent this week.")

    def _print(self, owner) -> None:
        if not owner.email:
            self.stdout.write(f"{owner.username}: skipped, no email address.")
            return
        digest = digest_build(owner)
        note = (
            " (already sent this week: a real run sends nothing)"
            if digest_already_sent(owner)
            else ""
        )
        self.stdout.write(
            f"Dry run, nothing sent{note}.\n"
            f"To: {owner.email}\nSubject: {digest.subject}\n\n{digest.text}\n"
            f"(and the same as HTML, {len(digest.html)} characters)\n"
        )
