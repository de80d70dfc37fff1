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
    # The text the owner copied to decline politely, kept with the decision.
    decline_message = models.TextField(blank=True)
    # What a decision changed (status, dates, the contact's LinkedIn state), so it can be undone.
    undo_state = models.JSONField(default=dict, blank=True, editable=False)
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


class DeclineMessage(models.Model):
    """A polite decline the owner reuses: shown ready to copy in the review."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="decline_messages"
    )
    title = models.CharField(max_length=100)
    text = models.TextField(max_length=2000)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(is_default=True),
                name="one_default_decline_message_per_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    """One weekly review: when it was done and what was decided in it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    accepted = models.PositiveIntegerField(default=0)
    declined = models.PositiveIntegerField(default=0)
    deferred = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    # The items skipped in this review ("invitation:12"), not shown again until it ends.
    skipped_items = models.JSONField(default=list, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-started_at"], name="review_owner_started")]

    def __str__(self) -> str:
        return f"Review of {self.started_at:%d %b %Y}"


class IntroductionRequest(models.Model):
    """Someone asks the owner to introduce them to someone the owner is connected with."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for your decision"
        ASKED_TARGET = "asked_target", "Asked the other person first"
        INTRODUCED = "introduced", "Introduced"
        DECLINED = "declined", "Declined"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="introduction_requests"
    )
    requester = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="introductions_asked"
    )
    target = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="introductions_wanted"
    )
    reason = models.TextField("why", max_length=2000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "status", "-created_at"], name="intro_owner_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=models.F("target")), name="intro_two_different_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} asks to meet {self.target}"


class DigestSent(models.Model):
    """The weekly digest sent to an owner for one week: claimed before sending, so a retried or
    duplicated task sends it once."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests_sent"
    )
    week = models.DateField(help_text="The Monday of the week, in the owner's time zone.")
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "week"], name="one_digest_per_owner_week"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.owner} of {self.week}"
