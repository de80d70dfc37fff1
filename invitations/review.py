"""The weekly review: the owner walks what waits for a decision, one item at a time.

The walk is generic over "items to decide": each item names its kind, its id, the template
fragment that shows it and the decisions it offers. Today the only kind is an incoming
invitation; the insights issue adds flagged weak ties as a second part of the same walk.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from interactions.models import Interaction
from invitations.models import DeclineMessage, Invitation, Review
from invitations.policy import Verdict, invitation_verdicts, owner_today
from network.models import OwnerSettings

RECENT_INTERACTIONS = 3
INVITATION = "invitation"


@dataclass(frozen=True)
class Decision:
    name: str  # what the form posts: "accept"
    label: str  # what the button says: "Accept"
    key: str  # the keyboard shortcut: "a"
    count_field: str  # the Review counter it adds to: "accepted"


ACCEPT = Decision("accept", "Accept", "a", "accepted")
DECLINE = Decision("decline", "Decline", "d", "declined")
DEFER = Decision("defer", "Not yet", "n", "deferred")
SKIP = Decision("skip", "Skip", "s", "skipped")
DECISIONS = {decision.name: decision for decision in (ACCEPT, DECLINE, DEFER, SKIP)}

# What each verdict suggests: the policy decides, the owner confirms with one key.
SUGGESTED = {"meets": ACCEPT, "almost": DEFER, "does_not": DECLINE}


@dataclass(frozen=True)
class ReviewItem:
    kind: str
    id: int
    template: str
    decisions: tuple[Decision, ...]
    suggested: Decision
    subject: Any
    verdict: Verdict | None = None
    # Filled for the item on screen only, so a long walk costs no more than a short one.
    details: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Walk:
    review: Review | None
    items: list[ReviewItem]
    today: datetime.date

    @property
    def current(self) -> ReviewItem | None:
        return self.items[0] if self.items else None

    @property
    def remaining(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class Outcome:
    decided: bool
    text: str
    message: str = ""  # the decline text to copy, for a decline


def next_review_day(owner_settings: OwnerSettings, today: datetime.date) -> datetime.date:
    """The next review weekday strictly after today: "not yet" on review day means next week."""
    return today + datetime.timedelta(
        days=(owner_settings.review_weekday - today.weekday() - 1) % 7 + 1
    )


def review_open(owner) -> Review | None:
    return Review.objects.owned_by(owner).filter(finished_at__isnull=True).first()


def review_last_finished(owner) -> Review | None:
    return (
        Review.objects.owned_by(owner)
        .filter(finished_at__isnull=False)
        .order_by("-finished_at", "-pk")
        .first()
    )


def review_start(owner) -> Review:
    """The open review, or a new one: the database keeps one open review per owner, so two tabs
    starting at the same instant share it."""
    if review := review_open(owner):
        return review
    try:
        with transaction.atomic():
            return Review.objects.create(owner=owner)
    except IntegrityError:  # the other tab opened it a moment ago
        return review_open(owner)


def review_finish(owner) -> Review | None:
    review = review_open(owner)
    if review is None:
        return None
    Review.objects.owned_by(owner).filter(finished_at__isnull=True).update(
        finished_at=timezone.now()
    )
    review.refresh_from_db()
    return review


def invitation_items(
    owner, owner_settings: OwnerSettings, today: datetime.date, skipped: set[str]
) -> list[ReviewItem]:
    """Pending incoming invitations, verdict first (meets, almost, does not), oldest first."""
    invitations = [
        invitation
        for invitation in Invitation.objects.owned_by(owner)
        .pending_incoming(today)
        .select_related("contact")
        if f"{INVITATION}:{invitation.pk}" not in skipped
    ]
    verdicts = invitation_verdicts(owner, invitations, settings=owner_settings, today=today)
    invitations.sort(key=lambda i: (verdicts[i.pk].rank, i.sent_at, i.pk))
    return [
        ReviewItem(
            kind=INVITATION,
            id=invitation.pk,
            template="invitations/review.html#invitation-card",
            decisions=(ACCEPT, DECLINE, DEFER, SKIP),
            suggested=SUGGESTED[verdicts[invitation.pk].level],
            subject=invitation,
            verdict=verdicts[invitation.pk],
        )
        for invitation in invitations
    ]


def review_walk(owner, owner_settings: OwnerSettings) -> Walk:
    """What is left to decide in the open review, with the first item's details loaded."""
    today = owner_today(owner_settings)
    review = review_open(owner)
    skipped = set(review.skipped_items) if review else set()
    items = invitation_items(owner, owner_settings, today, skipped)
    if items:
        _load_invitation_details(items[0])
    return Walk(review=review, items=items, today=today)


def _load_invitation_details(item: ReviewItem) -> None:
    contact = item.subject.contact
    recent: list[Interaction] = []
    if contact is not None:
        recent = list(
            Interaction.objects.filter(contact=contact)
            .select_related("event")
            .order_by("-occurred_on", "-pk")[:RECENT_INTERACTIONS]
        )
    item.details.update(contact=contact, recent=recent)


def decline_text(owner) -> str:
    # The default sorts first; an owner with none gets the same kind text the Invitations page
    # offers, saved so it can be edited in the settings.
    message = DeclineMessage.objects.owned_by(owner).first() or DeclineMessage.default_for(owner)
    return message.text


def review_decide_invitation(
    owner, owner_settings: OwnerSettings, invitation: Invitation, decision: Decision
) -> Outcome:
    """One decision on one invitation, counted in the open review (started by it if need be).

    Of two tabs deciding the same invitation exactly one wins; the other learns what happened."""
    today = owner_today(owner_settings)
    review = review_start(owner)
    name = invitation.name
    message = ""
    if decision is SKIP:
        review_skip(review, f"{INVITATION}:{invitation.pk}")
        return Outcome(True, f"Skipped {name}: back in your next review.")
    if decision is ACCEPT:
        decided = invitation.accept(today=today)
        text = f"Accepted {name}. Accept the invitation on LinkedIn too."
    elif decision is DECLINE:
        message = decline_text(owner)
        decided = invitation.decline(message=message)
        text = f"Declined {name}. Send this message, then ignore the invitation on LinkedIn."
    else:
        until = next_review_day(owner_settings, today)
        decided = invitation.defer(until)
        text = f"Not yet: {name} is back in the review on {until:%A} {until.day} {until:%b}."
    if not decided:
        return Outcome(False, already_decided(invitation, today))
    _count(review, decision)
    return Outcome(True, text, message)


def _count(review: Review, decision: Decision) -> None:
    Review.objects.filter(pk=review.pk).update(
        **{decision.count_field: F(decision.count_field) + 1}
    )


def review_summary(review: Review) -> str:
    return (
        f"{review.accepted} accepted, {review.declined} declined, "
        f"{review.deferred} not yet, {review.skipped} skipped"
    )


def already_decided(invitation: Invitation, today: datetime.date) -> str:
    """What another tab did to the invitation, said plainly."""
    if invitation.status != Invitation.Status.PENDING:
        return (
            f"Already {invitation.get_status_display().lower()} in another tab: {invitation.name}."
        )
    if invitation.deferred_until and invitation.deferred_until > today:
        return f"Already put off in another tab: {invitation.name}."
    return f"Already decided in another tab: {invitation.name}."


def review_skip(review: Review, key: str) -> None:
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if key in locked.skipped_items:
            return
        Review.objects.filter(pk=review.pk).update(
            skipped_items=[*locked.skipped_items, key], skipped=F("skipped") + 1
        )


def review_unskip(review: Review, key: str) -> bool:
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if key not in locked.skipped_items:
            return False
        Review.objects.filter(pk=review.pk, skipped__gt=0).update(
            skipped_items=[item for item in locked.skipped_items if item != key],
            skipped=F("skipped") - 1,
        )
    return True


def review_undo_invitation(review: Review, invitation: Invitation, decision: Decision) -> bool:
    """Takes back one decision of this review and its count."""
    if decision is SKIP:
        return review_unskip(review, f"{INVITATION}:{invitation.pk}")
    if not invitation.undo():
        return False
    field_name = decision.count_field
    Review.objects.filter(pk=review.pk, **{f"{field_name}__gt": 0}).update(
        **{field_name: F(field_name) - 1}
    )
    return True
