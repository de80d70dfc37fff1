"""What happened: events and interactions (one contact, one moment)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from network.models import Contact, OwnedQuerySet


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

    objects = OwnedQuerySet.as_manager()

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
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.contact} on {self.occurred_on:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("network:contact-detail", args=[self.contact_id])

    def clean(self) -> None:
        if self.occurred_on and self.occurred_on > timezone.localdate():
            raise ValidationError(
                {"occurred_on": "This date is in the future; log what already happened."}
            )
