"""Invitations to connect, incoming and outgoing, and the owner's decisions on them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from network.models import Contact, OwnedQuerySet


class InvitationQuerySet(OwnedQuerySet):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(status=Invitation.Status.PENDING)


class Invitation(models.Model):
    class Direction(models.TextChoices):
        INCOMING = "incoming", "Incoming"
        OUTGOING = "outgoing", "Outgoing"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        LINKEDIN = "linkedin", "LinkedIn import"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INCOMING
    )
    name = models.CharField(max_length=200)
    headline = models.CharField(max_length=300, blank=True)
    profile_url = models.URLField("profile", max_length=300, blank=True)
    message = models.TextField(blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    deferred_until = models.DateField("not before", null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    external_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "status", "-sent_at"], name="invitation_owner_status"),
            models.Index(fields=["owner", "profile_url"], name="invitation_owner_profile"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source", "external_id"],
                condition=~Q(external_id=""),
                name="invitation_external_id_unique_per_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} invitation: {self.name}"
