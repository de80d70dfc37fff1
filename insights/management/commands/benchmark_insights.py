"""Measure recompute_owner at the largest real size: 30,000 contacts, 300,000 interactions.

Builds a throwaway user's network in the current database (names drawn from a small pool, so
namesakes are common as in any network that size; a few people with most of the interactions,
as in life; a fifth of them already checked for recall), then recomputes it twice: the first
run creates every tie and the missing recall cards, the second is the next night's run, which
writes only the ties whose figures changed. Prints the time of each, split into Kith's CPU
time and the time spent waiting on queries.
"""

import datetime
import random
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection

from insights.compute import recompute_owner
from insights.models import RecallCard, Tie
from interactions.models import Interaction
from network.models import Contact
from network.querytimer import QueryTimer

USERNAME = "benchmark-insights"
BATCH = 5_000
TODAY = datetime.date(2026, 3, 1)
FIRST_NAMES = ["David", "Maria", "Wei", "Anna", "Mohammed", "Sara", "John", "Li", "Olga", "Kofi"]
FIRST_NAMES += ["José", "Zoë", "Priya", "Jürgen", "Aoife", "小明", "민준", "Lars", "Mei", "Kwame"]
LAST_NAMES = ["Chen", "Garcia", "Smith", "Kim", "Nguyen", "Müller", "Silva", "Ali", "Berg"]
LAST_NAMES += ["Núñez", "Ångström", "Mensah", "Raman", "Weiß", "Okafor", "Rossi", "Levi"]
COMPANIES = ["Acme Widgets, Inc.", "Globex", "Initech", "Umbrella Health", "Hooli, Inc."]
# Messages far outnumber meetings, as in a LinkedIn-heavy network.
KINDS = ["message"] * 10 + ["email"] * 4 + ["in_person"] * 3 + ["call"] * 2 + ["video", "group"]


class Command(BaseCommand):
    help = "Time recompute_owner on a generated network (default 30,000 contacts, 300,000 interactions)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--contacts", type=int, default=30_000)
        parser.add_argument("--interactions", type=int, default=300_000)
        parser.add_argument(
            "--keep", action="store_true", help="keep the benchmark user afterwards"
        )

    def handle(self, *args, contacts: int, interactions: int, keep: bool, **options) -> None:
        user_model = get_user_model()
        for old in user_model.objects.filter(username=USERNAME):
            network_delete(old)
        owner = user_model.objects.create_user(USERNAME)
        started = time.perf_counter()
        network_build(owner, contacts, interactions)
        self.stdout.write(
            f"{connection.vendor}: {contacts:,} contacts, {interactions:,} interactions, "
            f"{RecallCard.objects.filter(owner=owner).count():,} recall cards, "
            f"built in {time.perf_counter() - started:.1f} s"
        )
        runs = [
            ("first run (creates every tie and the missing recall cards)", TODAY),
            ("the next night (writes the ties that changed)", TODAY + datetime.timedelta(days=1)),
        ]
        for attempt, today in runs:
            queries = QueryTimer()
            started, cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(queries):
                ties = recompute_owner(owner, today)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            self.stdout.write(
                f"{attempt}: {elapsed:.1f} s for {ties:,} ties ({cpu:.1f} s of CPU in Kith, "
                f"{queries.seconds:.1f} s waiting on {queries.count:,} queries)"
            )
        self.stdout.write(f"  {_summary(owner)}")
        if not keep:
            network_delete(owner)


def network_build(owner, contacts: int, interactions: int, *, seed: int = 9) -> None:
    rng = random.Random(seed)
    people = Contact.objects.bulk_create(
        (
            Contact(
                owner=owner,
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                company=COMPANIES[n % len(COMPANIES)],
                linkedin_status=Contact.LinkedInStatus.CONNECTED
                if n % 10 < 7
                else Contact.LinkedInStatus.NOT_CONNECTED,
                connected_on=TODAY - datetime.timedelta(days=n % 3000) if n % 10 < 7 else None,
                closeness=rng.randint(1, 5) if n % 20 == 0 else None,
                source=Contact.Source.LINKEDIN,
            )
            for n in range(contacts)
        ),
        batch_size=BATCH,
    )
    ids = [person.pk for person in people]
    # Skewed: the first people get most of the interactions; the last 40% none (imported,
    # never met nor talked with).
    Interaction.objects.bulk_create(
        (
            Interaction(
                owner=owner,
                contact_id=ids[int(0.6 * len(ids) * rng.random() ** 2.5)],
                occurred_on=TODAY - datetime.timedelta(days=int(2500 * rng.random() ** 1.5)),
                kind=rng.choice(KINDS),
                initiated_by=rng.choice(["me", "them", "mutual"]),
            )
            for _ in range(interactions)
        ),
        batch_size=BATCH,
    )
    RecallCard.objects.bulk_create(
        (_card(owner, pk, rng) for pk in ids if rng.random() < 0.2),
        batch_size=BATCH,
    )


def network_delete(owner) -> None:
    """The throwaway user and everything of theirs; the interactions a piece at a time, as
    deleting 300,000 at once would ask SQLite for more query parameters than it allows."""
    ids = list(Interaction.objects.filter(owner=owner).values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        Interaction.objects.filter(pk__in=ids[start : start + BATCH]).delete()
    owner.delete()


def _card(owner, pk: int, rng: random.Random) -> RecallCard:
    reviewed = datetime.datetime.combine(
        TODAY - datetime.timedelta(days=rng.randrange(1, 400)), datetime.time(9), datetime.UTC
    )
    stability = rng.uniform(1, 300)
    return RecallCard(
        contact_id=pk,
        owner=owner,
        state=2,
        step=None,
        stability=stability,
        difficulty=rng.uniform(1, 10),
        due=reviewed + datetime.timedelta(days=stability),
        last_review=reviewed,
        last_rating=rng.choice([1, 2, 3, 3, 3, 4]),
        previous_rating=rng.choice([None, 2, 3]),
        reviews=rng.randint(1, 6),
    )


def _summary(owner) -> str:
    ties = Tie.objects.filter(owner=owner)
    layered = ties.filter(layer__isnull=False).count()
    return (
        f"{ties.count():,} ties, {layered:,} in layers, "
        f"{ties.exclude(weak_reason='').count():,} weak, "
        f"{ties.filter(flagged_on__isnull=False).count():,} flagged (the weekly cap)"
    )
