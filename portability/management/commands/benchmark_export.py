"""Measure the full JSON export at the largest real size: 30,000 contacts, each with a photo.

Creates the network for a throwaway user in the current database (photos in MEDIA_ROOT), then
streams its export to a temporary file twice: once timed, once under tracemalloc to find the
peak of Python memory. The figure that matters is that the peak stays far below the size of
the document: the export never holds it whole.
"""

import io
import json
import random
import resource
import tempfile
import time
import tracemalloc
import uuid

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import connection
from PIL import Image

from interactions.models import Interaction
from network.models import Contact, Tag
from network.photos import reencode_photo
from portability.full_export import data_export_chunks

USERNAME = "benchmark-export"
BATCH = 1_000


class Command(BaseCommand):
    help = "Time a full JSON export of a generated network (default 30,000 contacts with photos)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--contacts", type=int, default=30_000)
        parser.add_argument(
            "--keep", action="store_true", help="keep the benchmark user and photos afterwards"
        )

    def handle(self, *args, contacts: int, keep: bool, **options) -> None:
        user_model = get_user_model()
        for old in user_model.objects.filter(username=USERNAME):
            _delete_photos(old)
            old.delete()
        owner = user_model.objects.create_user(USERNAME)
        started = time.perf_counter()
        photo_bytes = _create_network(owner, contacts)
        self.stdout.write(
            f"{connection.vendor}: {contacts:,} contacts with photos "
            f"({photo_bytes / 2**20:.0f} MB of JPEG), {contacts:,} interactions, "
            f"created in {time.perf_counter() - started:.1f} s"
        )
        rss_before = _peak_rss_mb()
        with tempfile.TemporaryFile("w+", encoding="utf-8") as file:
            started = time.perf_counter()
            chunks = _export_to(owner, file)
            elapsed = time.perf_counter() - started
            size = file.tell()
            file.seek(0)
            exported = sum(
                1 for line in file if line.startswith('{"id": ') and '"photo": {' in line
            )
        self.stdout.write(
            f"export: {elapsed:.1f} s, {size / 2**20:.0f} MB of JSON in {chunks:,} pieces, "
            f"{exported:,} contacts with their photo; peak RSS {rss_before:.0f} MB before, "
            f"{_peak_rss_mb():.0f} MB after"
        )
        with tempfile.TemporaryFile("w", encoding="utf-8") as file:
            tracemalloc.start()
            _export_to(owner, file)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        self.stdout.write(f"export under tracemalloc: peak Python memory {peak / 2**20:.1f} MB")
        if not keep:
            _delete_photos(owner)
            owner.delete()


def _export_to(owner, file) -> int:
    chunks = 0
    for chunk in data_export_chunks(owner):
        file.write(chunk)
        chunks += 1
    return chunks


def _create_network(owner, total: int) -> int:
    """Contacts in batches, each with its own photo file (as Kith stores it) and a tag or two."""
    random_source = random.Random(7)
    tags = Tag.objects.bulk_create(
        [Tag(owner=owner, name=name) for name in ("Work", "Friends", "Oslo", "Investors")]
    )
    photos = [_photo(random_source) for _ in range(8)]
    photo_bytes = 0
    for start in range(0, total, BATCH):
        batch = []
        for number in range(start, min(start + BATCH, total)):
            data = photos[number % len(photos)]
            name = default_storage.save(f"photos/{owner.pk}/{uuid.uuid4().hex}.jpg", data)
            photo_bytes += data.size
            batch.append(
                Contact(
                    owner=owner,
                    full_name=f"Person {number:05d}",
                    company=f"Company {number % 8}",
                    title="Engineer",
                    email=f"person{number}@example.org",
                    linkedin_url=f"https://www.linkedin.com/in/person-{number}",
                    stands_for="Builds things that last; asks good questions.",
                    notes=json.dumps({"number": number}),
                    photo=name,
                )
            )
        Contact.objects.bulk_create(batch)
        links = [
            Contact.tags.through(contact_id=contact.pk, tag_id=tags[index % len(tags)].pk)
            for index, contact in enumerate(batch)
        ]
        Contact.tags.through.objects.bulk_create(links)
        Interaction.objects.bulk_create(
            [Interaction(owner=owner, contact=contact, note="Coffee") for contact in batch]
        )
    return photo_bytes


def _photo(random_source: random.Random):
    """A 320 px portrait of noise: it compresses as badly as a real face, about 60 KB."""
    image = Image.frombytes("RGB", (320, 320), random_source.randbytes(320 * 320 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return reencode_photo(buffer.getvalue())


def _delete_photos(owner) -> None:
    for name in (
        Contact.objects.filter(owner=owner).exclude(photo="").values_list("photo", flat=True)
    ):
        default_storage.delete(name)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
