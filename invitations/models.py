"""Invitations to connect, incoming and outgoing, and the owner's decisions on them."""

import datetime

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from network.linkedin import linkedin_url_or_blank
from network.models import Contact, OwnedQuerySet

# Kith never talks to LinkedIn: the owner accepts, declines and withdraws there.
LINKEDIN_INVITATION_MANAGER = "https://www.linkedin.com/mynetwork/invitation-manager/"


class InvitationQuerySet(OwnedQuerySet):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(status=Invitation.Status.PENDING)

    def pending_incoming(self, today: datetime.date) -> "InvitationQuerySet":
        """Pending incoming invitations to decide today: those deferred past today wait."""
        return self.pending().filter(
            Q(deferred_until__isnull=True) | Q(deferred_until__lte=today),
            direction=Invitation.Direction.INCOMING,
        )

    def pending_outgoing(self) -> "InvitationQuerySet":
        return self.pending().filter(direction=Invitation.Direction.OUTGOING)

    def decided(self) -> "InvitationQuerySet":
        return self.exclude(status=Invitation.Status.PENDING)


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

    @property
    def is_incoming(self) -> bool:
        return self.direction == self.Direction.INCOMING

    @property
    def linkedin_manager_url(self) -> str:
        return LINKEDIN_INVITATION_MANAGER

    def invite_back(self) -> "Invitation":
        """The owner's own invitation to this person (once declined, since met)."""
        return Invitation.objects.create(
            owner_id=self.owner_id,
            direction=self.Direction.OUTGOING,
            name=self.name,
            headline=self.headline,
            profile_url=self.profile_url,
            contact_id=self.contact_id,
        )

    # Decisions. Each is one conditional UPDATE on the state it needs, so of two tabs deciding
    # the same invitation exactly one wins; the loser gets False and this object is re-read, so
    # the caller can say what the other tab decided.

    def accept(self, *, today: datetime.date | None = None) -> bool:
        """Incoming pending -> accepted: the person becomes (or stays) a contact, connected on
        LinkedIn on today."""
        today = today or timezone.localdate()
        now = timezone.now()
        before = self._state_before()
        with transaction.atomic():
            if not self._claim(self.Direction.INCOMING, status=self.Status.ACCEPTED, now=now):
                return False
            contact, created = self._contact_to_connect()
            undo = before | {
                "created_contact": created,
                "contact_linkedin_status": contact.linkedin_status,
                "contact_connected_on": contact.connected_on.isoformat()
                if contact.connected_on
                else None,
            }
            Contact.objects.filter(pk=contact.pk).update(
                linkedin_status=Contact.LinkedInStatus.CONNECTED, connected_on=today, updated_at=now
            )
            Invitation.objects.filter(pk=self.pk).update(contact=contact, undo_state=undo)
        self.refresh_from_db()
        return True

    def decline(self, *, message: str = "") -> bool:
        """Incoming pending -> declined, keeping the message the owner copied."""
        return self._claim(
            self.Direction.INCOMING,
            status=self.Status.DECLINED,
            decline_message=message,
            undo_state=self._state_before(),
        )

    def defer(self, until: datetime.date) -> bool:
        """Not yet: stays pending, out of the review until the date."""
        return self._claim(
            self.Direction.INCOMING,
            status=self.Status.PENDING,
            deferred_until=until,
            decided_at=None,
            undo_state=self._state_before(),
        )

    def withdraw(self) -> bool:
        """Outgoing pending -> withdrawn (the owner withdraws it on LinkedIn)."""
        return self._claim(
            self.Direction.OUTGOING,
            status=self.Status.WITHDRAWN,
            undo_state=self._state_before(),
        )

    def undo(self) -> bool:
        """Back to exactly the state before the last decision, the contact's LinkedIn state too;
        a contact the acceptance created goes again unless something else now hangs on it."""
        before = self.undo_state
        if not before:
            return False
        with transaction.atomic():
            restored = Invitation.objects.filter(
                pk=self.pk,
                status=self.status,
                decided_at=self.decided_at,
                deferred_until=self.deferred_until,
            ).update(
                status=before["status"],
                decided_at=_datetime(before["decided_at"]),
                deferred_until=_date(before["deferred_until"]),
                decline_message=before["decline_message"],
                contact_id=before["contact_id"],
                undo_state={},
                updated_at=timezone.now(),
            )
            if not restored:
                self.refresh_from_db()
                return False
            if "contact_linkedin_status" in before and self.contact_id:
                self._restore_contact(before)
        self.refresh_from_db()
        return True

    def _state_before(self) -> dict:
        return {
            "status": self.status,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "deferred_until": self.deferred_until.isoformat() if self.deferred_until else None,
            "decline_message": self.decline_message,
            "contact_id": self.contact_id,
        }

    def _claim(self, direction: str, *, now: datetime.datetime | None = None, **changes) -> bool:
        now = now or timezone.now()
        changes.setdefault("decided_at", now)
        claimed = Invitation.objects.filter(
            pk=self.pk,
            direction=direction,
            status=self.Status.PENDING,
            deferred_until=self.deferred_until,
        ).update(updated_at=now, **changes)
        self.refresh_from_db()
        return bool(claimed)

    def _contact_to_connect(self) -> tuple[Contact, bool]:
        """The invitation's contact, else the owner's contact with its profile address, else a
        new one; (contact, created)."""
        if self.contact_id:
            return Contact.objects.owned_by(self.owner_id).get(pk=self.contact_id), False
        profile = linkedin_url_or_blank(self.profile_url)
        if profile:
            existing = Contact.objects.owned_by(self.owner_id).filter(linkedin_url=profile).first()
            if existing:
                return existing, False
        contact = Contact(
            owner_id=self.owner_id,
            full_name=" ".join(self.name.split()) or profile,
            title=self.headline,
            linkedin_url=profile,
            source=Contact.Source.LINKEDIN
            if self.source == self.Source.LINKEDIN
            else Contact.Source.HAND,
        )
        try:
            # A concurrent import may create the same person between the lookup and here: the
            # unique profile address decides, inside a savepoint so the decision survives.
            with transaction.atomic():
                contact.save()
        except IntegrityError:
            return Contact.objects.owned_by(self.owner_id).get(linkedin_url=profile), False
        return contact, True

    def _restore_contact(self, before: dict) -> None:
        contact = Contact.objects.owned_by(self.owner_id).filter(pk=self.contact_id).first()
        if contact is None:
            return
        if before.get("created_contact") and not _has_anything_but(contact, self):
            contact.delete()
            return
        Contact.objects.filter(pk=contact.pk).update(
            linkedin_status=before["contact_linkedin_status"],
            connected_on=_date(before["contact_connected_on"]),
            updated_at=timezone.now(),
        )


def _has_anything_but(contact: Contact, invitation: Invitation) -> bool:
    """Whether anything other than this invitation refers to the contact (an interaction, a
    follow-up, another invitation, a request...): then undoing the acceptance keeps the person."""
    for relation in contact._meta.related_objects:
        accessor = relation.related_model._default_manager.filter(**{relation.field.name: contact})
        if relation.related_model is Invitation:
            accessor = accessor.exclude(pk=invitation.pk)
        if accessor.exists():
            return True
    return contact.tags.exists()


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


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

    @classmethod
    def default_for(cls, owner) -> "DeclineMessage":
        """The owner's default decline, written kindly on first use."""
        existing = cls.objects.owned_by(owner).filter(is_default=True).first()
        if existing:
            return existing
        try:
            # Two first uses at once: the one-default constraint keeps one, the other reads it.
            with transaction.atomic():
                return cls.objects.create(
                    owner=owner,
                    title=DEFAULT_DECLINE_TITLE,
                    text=DEFAULT_DECLINE_TEXT,
                    is_default=True,
                )
        except IntegrityError:
            return cls.objects.owned_by(owner).get(is_default=True)

    def make_default(self) -> None:
        with transaction.atomic():
            # Lock the owner's messages: two tabs choosing a default at once take turns, and
            # the one-default constraint never fails under them.
            list(DeclineMessage.objects.owned_by(self.owner_id).select_for_update().values("pk"))
            DeclineMessage.objects.owned_by(self.owner_id).filter(is_default=True).exclude(
                pk=self.pk
            ).update(is_default=False)
            DeclineMessage.objects.filter(pk=self.pk).update(is_default=True)
        self.is_default = True


DEFAULT_DECLINE_TITLE = "People I have met"
DEFAULT_DECLINE_TEXT = (
    "Thank you for the invitation, and I hope you don't mind a short note. I keep my network to "
    "people I have met or worked with, so that I can vouch for everyone in it. If we cross paths "
    "in a group, at an event, or you send me a message about something we share, I would be glad "
    "to connect then."
)


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
    # The second part: flagged weak ties.
    kept = models.PositiveIntegerField(default=0)
    reconnected = models.PositiveIntegerField(default=0)
    let_go = models.PositiveIntegerField(default=0)
    snoozed = models.PositiveIntegerField(default=0)
    # The items skipped in this review ("invitation:12"), not shown again until it ends.
    skipped_items = models.JSONField(default=list, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-started_at"], name="review_owner_started")]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(finished_at__isnull=True),
                name="one_open_review_per_owner",
            ),
        ]

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
            # A double submit, or the same request noted twice, leaves one waiting request.
            models.UniqueConstraint(
                fields=["owner", "requester", "target"],
                condition=Q(status__in=["open", "asked_target"]),
                name="one_waiting_intro_per_pair",
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
