"""The weekly review: the owner walks what waits for a decision, one item at a time.

The walk is generic over "items to decide": each item names its kind, its id, the template
fragment that shows it and the decisions it offers. Each kind is a Source in a small registry,
walked in the order registered: incoming invitations (registered here) first, then what higher
layers add without invitations importing them (insights registers the flagged weak ties in its
AppConfig.ready()).
"""

import datetime
from collections.abc import Callable, Mapping
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

    @property
    def decided(self) -> int:
        return review_decided(self.review) if self.review else 0

    @property
    def stats(self) -> list[tuple[int, str]]:
        return review_stats(self.review) if self.review else []


@dataclass(frozen=True)
class Outcome:
    decided: bool
    text: str
    message: str = ""  # a text to copy: the decline message, a reconnect opener
    copy_label: str = "Copy message"
    profile_url: str = ""  # the LinkedIn profile where the decision is carried out
    invalid: bool = False  # refused for bad input (rather than decided in another tab)
    # What undo needs beyond kind, id and decision (JSON-ready: it waits in the session).
    undo: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """One kind of item the review walks, and how its items are listed, shown and decided.

    items(owner, owner_settings, today, skipped) -> the items left, in walking order;
    load_details(item, today) fills item.details for the one item on screen;
    decide(owner, owner_settings, subject, decision, data) -> Outcome, data being the POST;
    undo(owner, review, entry) -> the sentence saying what came back, or None if nothing did;
    stats(review) -> [(count, label)] for the summary;
    waiting(owner, today) -> a sentence for the weekly digest on what waits ("" when nothing);
    invitations have a part of the digest of their own and need none.
    """

    kind: str
    decisions: Mapping[str, Decision]
    items: Callable[..., list["ReviewItem"]]
    load_details: Callable[..., None]
    decide: Callable[..., Outcome]
    undo: Callable[..., str | None]
    stats: Callable[[Review], list[tuple[int, str]]]
    waiting: Callable[..., str] | None = None

    @property
    def choose_text(self) -> str:
        labels = [decision.label for decision in self.decisions.values()]
        return f"Choose {', '.join(labels[:-1])} or {labels[-1]}."


_SOURCES: dict[str, Source] = {}


def register_source(source: Source) -> Source:
    """Adds a part to the walk, after those registered before; registering a kind again
    replaces it in place (ready() may run more than once in tests)."""
    _SOURCES[source.kind] = source
    return source


def review_sources() -> list[Source]:
    return list(_SOURCES.values())


def review_source(kind: str) -> Source | None:
    return _SOURCES.get(kind)


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
    """What is left to decide in the open review, part after part, with the first item's
    details loaded."""
    today = owner_today(owner_settings)
    review = review_open(owner)
    skipped = set(review.skipped_items) if review else set()
    items = [
        item
        for source in review_sources()
        for item in source.items(owner, owner_settings, today, skipped)
    ]
    if items:
        _SOURCES[items[0].kind].load_details(items[0], today)
    return Walk(review=review, items=items, today=today)


def review_waiting(owner, today: datetime.date) -> list[str]:
    """What waits in the review's parts other than invitations, a sentence each, for the digest."""
    sentences = (source.waiting(owner, today) for source in review_sources() if source.waiting)
    return [sentence for sentence in sentences if sentence]


def _load_invitation_details(item: ReviewItem, today: datetime.date) -> None:
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
    owner,
    owner_settings: OwnerSettings,
    invitation: Invitation,
    decision: Decision,
    data: Mapping | None = None,
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
    review_count(review, decision)
    return Outcome(True, text, message, profile_url=invitation.profile_url)


def review_count(review: Review, decision: Decision) -> None:
    """Adds one to the review's counter of this decision."""
    Review.objects.filter(pk=review.pk).update(
        **{decision.count_field: F(decision.count_field) + 1}
    )


def review_uncount(review: Review, decision: Decision) -> None:
    """Takes one back from the counter, never below zero."""
    field_name = decision.count_field
    Review.objects.filter(pk=review.pk, **{f"{field_name}__gt": 0}).update(
        **{field_name: F(field_name) - 1}
    )


def review_stats(review: Review) -> list[tuple[int, str]]:
    return [stat for source in review_sources() for stat in source.stats(review)]


def review_decided(review: Review) -> int:
    """Decisions taken in the review, skips left out."""
    return sum(
        getattr(review, decision.count_field)
        for source in review_sources()
        for decision in source.decisions.values()
        if decision is not SKIP
    )


def review_summary(review: Review) -> str:
    """ "2 accepted, 1 declined, 0 not yet, 1 skipped; 3 kept, 1 reconnected, 1 let go, 0 snoozed" """
    return "; ".join(
        ", ".join(f"{count} {label}" for count, label in source.stats(review))
        for source in review_sources()
    )


def invitation_stats(review: Review) -> list[tuple[int, str]]:
    return [
        (review.accepted, "accepted"),
        (review.declined, "declined"),
        (review.deferred, "not yet"),
        (review.skipped, "skipped"),
    ]


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
    review_uncount(review, decision)
    return True


def _undo_invitation_entry(owner, review: Review, entry: dict) -> str | None:
    invitation = Invitation.objects.owned_by(owner).filter(pk=entry["id"]).first()
    decision = DECISIONS.get(entry["decision"])
    if invitation and decision and review_undo_invitation(review, invitation, decision):
        return f"Undone: {invitation.name} is back in the review."
    return None


def review_undo(owner, review: Review, entry: dict) -> str | None:
    """Takes back one decision recorded in the review's undo stack, whatever its kind."""
    source = review_source(entry.get("kind", ""))
    return source.undo(owner, review, entry) if source else None


# The first part of every review.
register_source(
    Source(
        INVITATION,
        decisions=DECISIONS,
        items=invitation_items,
        load_details=_load_invitation_details,
        decide=review_decide_invitation,
        undo=_undo_invitation_entry,
        stats=invitation_stats,
    )
)
