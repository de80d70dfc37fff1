"""Measure a LinkedIn import at the largest real size: 30,000 connections, 100,000 messages.

Generates a realistic export in a temporary folder (names drawn from a pool small enough that
namesakes are common, as in any network of that size), imports it for a throwaway user, then
imports it again (the re-import must change nothing), and prints time and peak memory, and
whether every connection became one person and every conversation landed on its person.
"""

import csv
import datetime
import random
import resource
import tempfile
import time
import zipfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection

from interactions.models import Interaction
from network.models import Contact
from network.querytimer import QueryTimer
from portability.linkedin import linkedin_import

OWNER_URL = "https://www.linkedin.com/in/benchmark-owner"
CONNECTIONS_HEADER = [
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]
MESSAGES_HEADER = [
    "CONVERSATION ID",
    "CONVERSATION TITLE",
    "FROM",
    "SENDER PROFILE URL",
    "TO",
    "RECIPIENT PROFILE URLS",
    "DATE",
    "SUBJECT",
    "CONTENT",
    "FOLDER",
    "ATTACHMENTS",
]


class Command(BaseCommand):
    help = "Time a LinkedIn import of a generated export (default 30,000 connections, 100,000 messages)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--connections", type=int, default=30_000)
        parser.add_argument("--messages", type=int, default=100_000)
        parser.add_argument(
            "--keep", action="store_true", help="keep the benchmark user afterwards"
        )

    def handle(self, *args, connections: int, messages: int, keep: bool, **options) -> None:
        user_model = get_user_model()
        user_model.objects.filter(username="benchmark").delete()
        owner = user_model.objects.create_user("benchmark")
        with tempfile.TemporaryDirectory() as folder:
            path, talks = linkedin_export_generate(Path(folder), connections, messages)
            self.stdout.write(
                f"{connection.vendor}: {connections:,} connections, {messages:,} messages, "
                f"{path.stat().st_size / 2**20:.1f} MB zip"
            )
            for attempt in ("first import", "re-import"):
                queries = QueryTimer()
                started, cpu = time.perf_counter(), time.process_time()
                with connection.execute_wrapper(queries):
                    summary = linkedin_import(owner, path)
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                # Split so that a figure from a busy shared machine can still be read: wall
                # time includes waiting for the processor, which neither part does.
                self.stdout.write(
                    f"{attempt}: {elapsed:.1f} s ({cpu:.1f} s of CPU in Kith, "
                    f"{queries.seconds:.1f} s waiting on {queries.count:,} queries), "
                    f"peak memory {peak:.0f} MB"
                )
                for line in summary.lines()[:4]:
                    self.stdout.write(f"  {line}")
                self.stdout.write(f"  {_check(owner, connections, talks)}")
        if not keep:
            owner.delete()


# 30 x 20 = 600 names over 8 companies: at 30,000 connections every name is worn by about 50
# people and every name at one company by about 6, as namesakes are in a network that size.
FIRST_NAMES = [
    "David",
    "Maria",
    "Wei",
    "Anna",
    "Mohammed",
    "Sara",
    "John",
    "Li",
    "Olga",
    "Kofi",
    "José",
    "Zoë",
    "Priya",
    "Jürgen",
    "Aoife",
    "小明",
    "민준",
    "Lars",
    "Mei",
    "Kwame",
    "Fatima",
    "Liam",
    "Chloé",
    "Ingrid",
    "Tomás",
    "Hannah",
    "Ana",
    "Elena",
    "Siobhan",
    "Nguyễn",
]
LAST_NAMES = [
    "Chen",
    "Garcia",
    "Smith",
    "Kim",
    "Nguyen",
    "Müller",
    "Silva",
    "Ali",
    "Berg",
    "Núñez",
    "Ångström",
    "Mensah",
    "Raman",
    "Weiß",
    "Ní Bhriain",
    "王",
    "김",
    "Okafor",
    "Rossi",
    "Levi",
]
COMPANIES = [
    "Acme Widgets, Inc.",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Hooli, Inc.",
    "Wayne Enterprises",
    "Nordlys Analytics AB",
    "Beispiel GmbH & Co. KG",
]


def _check(owner, connections: int, talks: set[tuple[str, str, datetime.date]]) -> str:
    """Whether the import got the people right: one contact per connection row, and one
    interaction per conversation and day, on the person who took part in it."""
    contacts = Contact.objects.filter(owner=owner)
    profiles = contacts.exclude(linkedin_url="").values("linkedin_url").distinct().count()
    landed = {
        (url, day)
        for url, day in Interaction.objects.filter(owner=owner).values_list(
            "contact__linkedin_url", "occurred_on"
        )
    }
    interactions = Interaction.objects.filter(owner=owner).count()
    right = landed == {(url, day) for _, url, day in talks} and interactions == len(talks)
    return (
        f"check: {contacts.count():,} contacts for {connections:,} connections "
        f"({profiles:,} distinct profiles), {interactions:,} interactions for {len(talks):,} "
        f"conversation days, each on its person: {'yes' if right else 'NO'}"
    )


def linkedin_export_generate(
    folder: Path, connections: int, messages: int, *, seed: int = 7
) -> tuple[Path, set[tuple[str, str, datetime.date]]]:
    """The export's zip, and the (conversation, profile, day) of every conversation day in it.

    Also the homonym-heavy export of tests/portability/test_identity.py."""
    rng = random.Random(seed)
    people = [
        (
            rng.choice(FIRST_NAMES),
            rng.choice(LAST_NAMES),
            f"https://www.linkedin.com/in/person-{n}",
        )
        for n in range(connections)
    ]
    start = datetime.date(2026, 3, 1)
    with (folder / "Connections.csv").open("w", newline="", encoding="utf-8") as stream:
        stream.write('Notes:\n"When exporting your connection data..."\n\n')
        writer = csv.writer(stream)
        writer.writerow(CONNECTIONS_HEADER)
        for n, (given, family, url) in enumerate(people):
            day = start - datetime.timedelta(days=n % 3000)
            email = f"person{n}@example.org" if n % 5 == 0 else ""
            writer.writerow(
                [
                    given,
                    family,
                    url,
                    email,
                    COMPANIES[n % len(COMPANIES)],
                    "Engineer",
                    day.strftime("%d %b %Y"),
                ]
            )
    with (folder / "messages.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(MESSAGES_HEADER)
        written, conversation, talks = 0, 0, set()
        while written < messages:
            given, family, url = people[rng.randrange(connections)]
            moment = datetime.datetime(2026, 3, 1, 12) - datetime.timedelta(
                hours=conversation % 20000
            )
            for step in range(min(rng.randint(2, 12), messages - written)):
                mine = step % 2 == 0
                sender = ("Bench Owner", OWNER_URL) if mine else (f"{given} {family}", url)
                recipient = (f"{given} {family}", url) if mine else ("Bench Owner", OWNER_URL)
                when = moment - datetime.timedelta(minutes=37 * step)
                talks.add((f"conv-{conversation}", url, when.date()))
                writer.writerow(
                    [
                        f"conv-{conversation}",
                        "",
                        sender[0],
                        sender[1],
                        recipient[0],
                        recipient[1],
                        when.strftime("%Y-%m-%d %H:%M:%S UTC"),
                        "",
                        "Hello, see you soon",
                        "INBOX",
                        "",
                    ]
                )
                written += 1
            conversation += 1
    path = folder / "Complete_LinkedInDataExport_03-01-2026.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("Connections.csv", "messages.csv"):
            archive.write(folder / name, name)
    return path, talks
