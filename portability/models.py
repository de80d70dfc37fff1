"""Imports of the owner's files, run in the background, and what they changed."""

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from network.models import OwnedQuerySet

WAITING_LONG = datetime.timedelta(minutes=1)


def _upload_path(run: "ImportRun", filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"imports/{run.owner_id}/{uuid.uuid4().hex}{suffix}"


class ImportRun(models.Model):
    class Kind(models.TextChoices):
        LINKEDIN = "linkedin", "LinkedIn data export (.zip or .csv)"
        VCARD = "vcard", "Contacts (.vcf)"
        ICS = "ics", "Calendar (.ics)"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_runs"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to=_upload_path, blank=True)
    original_name = models.CharField(max_length=255)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written by the worker every few seconds while it imports (and when it hands the run
    # back to the queue): a running import whose heartbeat is old has lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # {"stage": "connections", "done": 10000}, written with the heartbeat.
    progress = models.JSONField(default=dict, blank=True)
    # How many times a worker has started this run; bounded by runs.MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField(default=0)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="importrun_owner_created"),
            # The sweep for runs whose worker stopped, and for uploads left behind.
            models.Index(
                fields=["heartbeat_at"],
                condition=Q(status__in=["pending", "running"]),
                name="importrun_unfinished_beat",
            ),
            models.Index(
                fields=["id"],
                condition=Q(status__in=["done", "failed"]) & ~Q(file=""),
                name="importrun_finished_upload",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("portability:import-detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def is_waiting_long(self) -> bool:
        """Still waiting a minute after the upload: no worker is taking tasks."""
        return (
            self.status == self.Status.PENDING
            and not self.attempts
            and timezone.now() - self.created_at > WAITING_LONG
        )

    @property
    def is_retrying(self) -> bool:
        """A worker stopped during an earlier attempt and the run waits to be taken again."""
        return self.status == self.Status.PENDING and self.attempts > 0

    @property
    def is_stalled(self) -> bool:
        """Running, but the worker has not written its heartbeat for a while: it stopped."""
        return (
            self.status == self.Status.RUNNING
            and self.heartbeat_at is not None
            and timezone.now() - self.heartbeat_at > stalled_after()
        )


def stalled_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.KITH_IMPORT_STALLED_SECONDS)
