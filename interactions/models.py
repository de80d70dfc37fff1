"""What happened: events, interactions (one contact, one moment) and follow-ups."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from network.models import Contact, OwnedQuerySet

FUTURE = "This date is in the future; log what already happened."


class EventQuerySet(OwnedQuerySet):
    def gatherings(self) -> "EventQuerySet":
        """Events that are gatherings, newest first: every event logged by hand (someone else
        met there may be added later), and imported ones where the owner met several people.

        Calendar imports once made an Event of every 1:1; those are not offered again.
        """
        return (
            self.alias(people=Count("interactions__contact", distinct=True))
            .filter(Q(source="manual") | Q(people__gte=2))
            .order_by("-date", "-pk")
        )


class Event(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="events"
    )
    name = models.CharField(max_length=200)
    date = models.DateField(default=timezone.localdate)
    place = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    source = models.CharField(max_length=20, default="manual")
    external_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["owner", "-date"], name="event_owner_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source", "external_id"],
                condition=~Q(external_id=""),
                name="event_external_id_unique_per_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d %b %Y})"

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        if not self.name:
            raise ValidationError({"name": "Give the event a name."})
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": FUTURE})


class InteractionQuerySet(OwnedQuerySet):
    def since(self, day) -> "InteractionQuerySet":
        return self.filter(occurred_on__gte=day)


class Interaction(models.Model):
    class Kind(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        CALL = "call", "Call"
        VIDEO = "video", "Video call"
        MESSAGE = "message", "Message"
        EMAIL = "email", "Email"
        GROUP = "group", "Group discussion"

    class Initiator(models.TextChoices):
        ME = "me", "Me"
        THEM = "them", "Them"
        MUTUAL = "mutual", "Mutual"

    class Source(models.TextChoices):
        MANUAL = "manual", "Logged by hand"
        IMPORT = "import", "Imported"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interactions"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="interactions")
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="interactions"
    )
    occurred_on = models.DateField("date", default=timezone.localdate)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.IN_PERSON)
    initiated_by = models.CharField(
        "who reached out", max_length=10, choices=Initiator.choices, default=Initiator.MUTUAL
    )
    note = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    external_id = models.CharField(max_length=255, blank=True)
    # The "log a meeting" form that created it: a second submit of the same form is refused.
    batch = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["contact", "-occurred_on"], name="interaction_contact_date"),
            models.Index(fields=["owner", "-occurred_on"], name="interaction_owner_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source", "external_id"],
                condition=~Q(external_id=""),
                name="interaction_external_id_unique_per_owner",
            ),
            models.UniqueConstraint(
                fields=["owner", "batch", "contact"],
                condition=Q(batch__isnull=False),
                name="interaction_once_per_contact_per_batch",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.contact} on {self.occurred_on:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("network:contact-detail", args=[self.contact_id])

    def clean(self) -> None:
        if self.occurred_on and self.occurred_on > timezone.localdate():
            raise ValidationError({"occurred_on": FUTURE})


class MeetingLog(models.Model):
    """One saved "Log a meeting" form, and what it created.

    Saving inserts this row first: its unique (owner, batch) makes the second of two
    simultaneous submits wait for the first transaction and then fail, so a double tap
    logs once. "Undo this log" reads what to remove from it.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_logs"
    )
    batch = models.UUIDField(editable=False)
    created_event = models.BooleanField(default=False, editable=False)
    contacts_created = models.ManyToManyField(Contact, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "batch"], name="meeting_log_once_per_batch"),
        ]

    def __str__(self) -> str:
        return f"Meeting log {self.batch}"


class FollowUpQuerySet(OwnedQuerySet):
    def open(self) -> "FollowUpQuerySet":
        return self.filter(done_at__isnull=True)

    def due(self, today) -> "FollowUpQuerySet":
        return self.open().filter(due_on__lte=today)


class FollowUp(models.Model):
    """A reminder to get back to a contact by a date; done when the owner logs the contact."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_ups"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="follow_ups")
    interaction = models.ForeignKey(
        Interaction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text="The interaction this follow-up was set on.",
    )
    due_on = models.DateField("follow up on")
    note = models.CharField(max_length=300, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done_at", "due_on"], name="followup_owner_due")]

    def __str__(self) -> str:
        return f"Follow up with {self.contact} on {self.due_on:%d %b %Y}"

    def snooze(self, days: int) -> None:
        start = max(self.due_on, timezone.localdate())
        self.due_on = (
            start + datetime.timedelta(days=days) if start < datetime.date(9000, 1, 1) else start
        )
        self.save(update_fields=["due_on"])
