"""Measure a LinkedIn import at the largest real size: 30,000 connections, 100,000 messages.

Generates a realistic export in a temporary folder, imports it for a throwaway user, then
imports it again (the re-import must change nothing), and prints time and peak memory.
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

from portability.linkedin import linkedin_import

OWNER_URL = "https://www.linkedin.com/in/benchmark-owner"


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
            path = _generate(Path(folder), connections, messages)
            self.stdout.write(
                f"{connection.vendor}: {connections:,} connections, {messages:,} messages, "
                f"{path.stat().st_size / 2**20:.1f} MB zip"
            )
            for attempt in ("first import", "re-import"):
                started = time.perf_counter()
                summary = linkedin_import(owner, path)
                elapsed = time.perf_counter() - started
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                self.stdout.write(f"{attempt}: {elapsed:.1f} s, peak memory {peak:.0f} MB")
                for line in summary.lines()[:4]:
                    self.stdout.write(f"  {line}")
        if not keep:
            owner.delete()


def _generate(folder: Path, connections: int, messages: int) -> Path:
    rng = random.Random(7)
    first = [
        "Ana",
        "Lars",
        "Mei",
        "José",
        "Zoë",
        "Kwame",
        "Priya",
        "Jürgen",
        "Aoife",
        "小明",
        "민준",
        "Olu",
    ]
    last = [
        "Berg",
        "Chen",
        "Núñez",
        "Ångström",
        "Mensah",
        "Raman",
        "Weiß",
        "Ní Bhriain",
        "王",
        "김",
        "Okafor",
    ]
    people = [
        (rng.choice(first), f"{rng.choice(last)} {n}", f"https://www.linkedin.com/in/person-{n}")
        for n in range(connections)
    ]
    start = datetime.date(2026, 3, 1)
    with (folder / "Connections.csv").open("w", newline="", encoding="utf-8") as stream:
        stream.write('Notes:\n"When exporting your connection data..."\n\n')
        writer = csv.writer(stream)
        writer.writerow(
            [
                "First Name",
                "Last Name",
                "URL",
                "Email Address",
                "Company",
                "Position",
                "Connected On",
            ]
        )
        for n, (given, family, url) in enumerate(people):
            day = start - datetime.timedelta(days=n % 3000)
            email = f"person{n}@example.org" if n % 5 == 0 else ""
            writer.writerow(
                [
                    given,
                    family,
                    url,
                    email,
                    f"Company {n % 700}, Inc.",
                    "Engineer",
                    day.strftime("%d %b %Y"),
                ]
            )
    with (folder / "messages.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            [
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
        )
        written, conversation = 0, 0
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
    return path
