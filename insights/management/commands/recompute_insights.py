"""`manage.py recompute_insights [--user U]`: what beat does nightly, by hand."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from insights.compute import owners_with_contacts, recompute_owner


class Command(BaseCommand):
    help = (
        "Recompute tie strength, layers, weak-tie flags, recall cards and this week's recall "
        "snapshot: for one owner (--user), or for every owner who has contacts."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", help="Username of the owner; by default every owner.")

    def handle(self, *args, user: str | None, **options) -> None:
        if user:
            owner = get_user_model().objects.filter(username=user).first()
            if owner is None:
                raise CommandError(f"There is no user called “{user}”.")
            owners = [owner]
        else:
            owners = list(owners_with_contacts())
            if not owners:
                self.stdout.write("Nobody has contacts yet: nothing to recompute.")
        for owner in owners:
            started = time.perf_counter()
            ties = recompute_owner(owner)
            self.stdout.write(
                f"{owner.username}: {ties:,} ties in {time.perf_counter() - started:.1f} s"
            )
