"""Recall checks: can the owner still recall who someone is? Spaced repetition with FSRS.

One card per active contact (insights.models.RecallCard), its FSRS state in columns. fsrs's
own Card() sleeps 1 ms to keep its ids unique, so cards are created here as rows in one bulk
insert, and an fsrs.Card is built from a row (card_id = the contact id) only to answer it.

Checks fall on the owner's days: every interval is whole days (no same-day learning steps),
and a card belongs to today's session when it is due before the end of the owner's today in
their time zone. Someone new is first checked the day after the owner met them (their first
interaction; else the LinkedIn connection or the day they were added), most recently met first,
at most ``recall_daily_limit`` new people a day.
"""

import datetime
from dataclasses import dataclass

import fsrs
from django.db import transaction
from django.db.models import Count, Min, Q
from fsrs.scheduler import DEFAULT_PARAMETERS

from insights.models import Rating, RecallCard, RecallLog, RecallSnapshot
from network.models import Contact, OwnerSettings
from network.templatetags.kith import day as day_words

UTC = datetime.UTC
# The columns that are a card's state; undo puts exactly these back.
CARD_COLUMNS = (
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "last_rating",
    "previous_rating",
    "reviews",
)
# fsrs's forgetting curve with its default parameters, R(t) = (1 + FACTOR * t / S) ** DECAY, as
# fsrs.Scheduler.get_card_retrievability computes it (the desired retention does not change it).
_DECAY = -DEFAULT_PARAMETERS[20]
_FACTOR = 0.9 ** (1 / _DECAY) - 1
LIKELY = 0.8
MAYBE = 0.5
BATCH = 2000


# The owner's day ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerDay:
    """The owner's today and its bounds in UTC (a late evening in Auckland is tomorrow in UTC)."""

    today: datetime.date
    start: datetime.datetime
    end: datetime.datetime


def owner_day(owner_settings: OwnerSettings, now: datetime.datetime) -> OwnerDay:
    zone = owner_settings.zone
    today = now.astimezone(zone).date()
    return OwnerDay(today, _start_of(today, zone), _start_of(today + datetime.timedelta(1), zone))


def _start_of(day: datetime.date, zone: datetime.tzinfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone).astimezone(UTC)


def _utc(moment: datetime.datetime | None) -> datetime.datetime | None:
    # fsrs insists on datetime.timezone.utc itself, not merely an aware datetime.
    return moment.astimezone(UTC) if moment is not None else None


# Creating cards ----------------------------------------------------------------------------


def recall_cards_ensure(owner, contacts=None, owner_settings: OwnerSettings | None = None) -> int:
    """Give every active contact of the owner (or of ``contacts``) that lacks one a recall card.

    Two queries for any number of people (the missing ones with their first interaction, then
    a bulk insert, in batches, that leaves alone a card another process made meanwhile), and
    one for the settings. Returns how many cards were missing.
    """
    zone = (owner_settings or OwnerSettings.for_user(owner)).zone
    people = contacts if contacts is not None else Contact.objects.all()
    missing = (
        people.owned_by(owner)
        .active()
        .filter(recall_card__isnull=True)
        .order_by()
        .annotate(first_on=Min("interactions__occurred_on"))
        .values_list("pk", "first_on", "connected_on", "created_at")
    )
    starts: dict[datetime.date, datetime.datetime] = {}
    cards = []
    for pk, first_on, connected_on, created_at in missing.iterator(chunk_size=BATCH):
        met_on = first_on or connected_on or created_at.astimezone(zone).date()
        if met_on not in starts:
            starts[met_on] = _start_of(met_on + datetime.timedelta(days=1), zone)
        # fsrs.Card's own defaults for a new card: learning, step 0, no stability yet.
        cards.append(RecallCard(contact_id=pk, owner=owner, state=1, step=0, due=starts[met_on]))
    if not cards:
        return 0
    RecallCard.objects.bulk_create(cards, ignore_conflicts=True, batch_size=BATCH)
    return len(cards)


# The columns and fsrs ----------------------------------------------------------------------


def card_to_fsrs(card: RecallCard) -> fsrs.Card:
    """The fsrs.Card a row stands for (given its id, fsrs.Card does not sleep)."""
    return fsrs.Card(
        card_id=card.contact_id,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=_utc(card.due),
        last_review=_utc(card.last_review),
    )


def fsrs_columns(reviewed: fsrs.Card) -> dict:
    """The FSRS columns of a row, from an fsrs.Card, exactly as fsrs gave them."""
    return {
        "state": reviewed.state.value,
        "step": reviewed.step,
        "stability": reviewed.stability,
        "difficulty": reviewed.difficulty,
        "due": reviewed.due,
        "last_review": reviewed.last_review,
    }


def scheduler_for(owner_settings: OwnerSettings) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        desired_retention=owner_settings.recall_desired_retention,
        enable_fuzzing=False,
        learning_steps=(),
        relearning_steps=(),
    )


def _card_state(card: RecallCard) -> dict:
    """The card's columns, JSON-ready (floats and ISO times round-trip exactly)."""
    state = {column: getattr(card, column) for column in CARD_COLUMNS}
    for column in ("due", "last_review"):
        if state[column] is not None:
            state[column] = _utc(state[column]).isoformat()
    return state


def _columns_from_state(state: dict) -> dict:
    columns = {column: state[column] for column in CARD_COLUMNS}
    for column in ("due", "last_review"):
        if columns[column] is not None:
            columns[column] = datetime.datetime.fromisoformat(columns[column])
    return columns


# Today's checks ----------------------------------------------------------------------------


@dataclass
class RecallSession:
    """Today's checks: those left (as many as asked for), and how many are done and left."""

    cards: list[RecallCard]
    done: int
    left: int
    day: OwnerDay

    @property
    def total(self) -> int:
        return self.done + self.left


def recall_session(
    owner,
    owner_settings: OwnerSettings,
    now: datetime.datetime,
    limit: int | None = None,
    first: int | None = None,
) -> RecallSession:
    """Today's checks in order: the cards due first (the longest due first), then new people,
    most recently met first, up to the daily limit less the new people checked today.

    ``first`` (a contact id) puts that person's check first when it is due today (after an
    undo, the check taken back is asked again). Four queries whatever the network's size:
    today's answers, the counts left, the due cards and the new ones (cut to ``limit``), and
    one more for ``first``.
    """
    day = owner_day(owner_settings, now)
    answered = _answered(owner, day)
    room = max(0, owner_settings.recall_daily_limit - answered["new"])
    due = _due_cards(owner, day).select_related("contact")
    left = due.aggregate(
        checked=Count("pk", filter=Q(reviews__gt=0)), new=Count("pk", filter=Q(reviews=0))
    )
    cards = []
    if first is not None:
        cards = list(due.filter(pk=first)[:1])
        due = due.exclude(pk=first)
    reviews = due.filter(reviews__gt=0).order_by("due", "pk")
    cards += list(reviews[: limit - len(cards)] if limit is not None else reviews)
    wanted = room if limit is None else min(room, limit - len(cards))
    if wanted > 0:
        new = due.filter(reviews=0).order_by("-due", "-pk")
        cards += list(new[:wanted])
    return RecallSession(
        cards=cards,
        done=answered["all"],
        left=left["checked"] + min(left["new"], room),
        day=day,
    )


def recall_queue(owner, owner_settings: OwnerSettings, now: datetime.datetime) -> list[RecallCard]:
    """Every check left for the owner's today, in the order a session asks them."""
    return recall_session(owner, owner_settings, now).cards


def _due_cards(owner, day: OwnerDay):
    return RecallCard.objects.owned_by(owner).filter(contact__is_archived=False, due__lt=day.end)


def _answered(owner, day: OwnerDay) -> dict:
    """Answers given today (not undone): all of them, and those that were someone's first."""
    return (
        RecallLog.objects.owned_by(owner)
        .filter(reviewed_at__gte=day.start, reviewed_at__lt=day.end, undone_at__isnull=True)
        .aggregate(all=Count("pk"), new=Count("pk", filter=Q(card_before__reviews=0)))
    )


def recall_new_left(owner, owner_settings: OwnerSettings, day: OwnerDay) -> int:
    """How many people never checked today's session still takes: the daily limit less those
    checked for the first time today. One query."""
    return max(0, owner_settings.recall_daily_limit - _answered(owner, day)["new"])


def recall_next_due(
    owner, owner_settings: OwnerSettings, now: datetime.datetime
) -> datetime.date | None:
    """The owner's day of the next check after today (new people wait for tomorrow's room)."""
    day = owner_day(owner_settings, now)
    cards = RecallCard.objects.owned_by(owner).filter(contact__is_archived=False)
    soonest = cards.filter(due__gte=day.end).aggregate(Min("due"))["due__min"]
    tomorrow = day.today + datetime.timedelta(days=1)
    if cards.filter(due__lt=day.end, reviews=0).exists():
        return tomorrow
    return soonest.astimezone(owner_settings.zone).date() if soonest else None


# Answering ---------------------------------------------------------------------------------


def recall_answer(
    owner,
    owner_settings: OwnerSettings,
    contact: Contact,
    rating: int,
    now: datetime.datetime,
    seen_reviews: int | None = None,
    recompute: bool = True,
) -> RecallLog | None:
    """Record the owner's answer to the check of ``contact`` and schedule the next one, then
    recompute the contact's tie (``recompute=False`` for a seeder that recomputes the whole
    network once at the end).

    ``seen_reviews`` is the card's review count the owner saw when answering: of two tabs
    answering the same check, the database lets exactly one through (an UPDATE conditional on
    that count) and the other gets None.
    """
    from insights.compute import recompute_contacts

    rating = Rating(rating)
    moment = _utc(now)
    with transaction.atomic():
        card = RecallCard.objects.owned_by(owner).filter(contact=contact).first()
        if card is None:
            recall_cards_ensure(owner, Contact.objects.filter(pk=contact.pk))
            card = RecallCard.objects.owned_by(owner).filter(contact=contact).first()
        if card is None or (seen_reviews is not None and seen_reviews != card.reviews):
            return None
        reviewed, _ = scheduler_for(owner_settings).review_card(
            card_to_fsrs(card), fsrs.Rating(int(rating)), review_datetime=moment
        )
        claimed = RecallCard.objects.filter(pk=card.pk, reviews=card.reviews).update(
            **fsrs_columns(reviewed),
            last_rating=rating,
            previous_rating=card.last_rating,
            reviews=card.reviews + 1,
        )
        if not claimed:
            return None
        log = RecallLog.objects.create(
            owner=owner,
            contact=contact,
            rating=rating,
            reviewed_at=moment,
            card_before=_card_state(card),
        )
    if recompute:
        recompute_contacts(owner, [contact.pk])
    return log


class _Changed(Exception):
    """The card changed since the answer (another tab): undo must change nothing."""


def recall_undo(owner, log: RecallLog, now: datetime.datetime | None = None) -> bool:
    """Take an answer back: the card gets exactly its columns from before the answer.

    Refused (False) when the answer was already undone or the card was answered again since.
    """
    from insights.compute import recompute_contacts

    before = log.card_before
    moment = _utc(now) if now else datetime.datetime.now(UTC)
    try:
        with transaction.atomic():
            claimed = RecallLog.objects.filter(
                pk=log.pk, owner=owner, undone_at__isnull=True
            ).update(undone_at=moment)
            restored = RecallCard.objects.filter(
                pk=log.contact_id, owner=owner, reviews=before["reviews"] + 1
            ).update(**_columns_from_state(before))
            if not (claimed and restored):
                raise _Changed
    except _Changed:
        return False
    recompute_contacts(owner, [log.contact_id])
    return True


# Words and counts --------------------------------------------------------------------------


@dataclass(frozen=True)
class RecallStatus:
    """Where the owner stands with one person: "never", "recalled" or "forgotten", in words."""

    code: str
    words: str
    retrievability: float | None = None
    evidence: str = ""


def retrievability_after(stability: float, days: int) -> float:
    """The chance of recalling someone ``days`` whole days after the check that left their card
    this stability (fsrs's forgetting curve)."""
    return (1 + _FACTOR * max(0, days) / stability) ** _DECAY


def recall_retrievability(card: RecallCard, now: datetime.datetime) -> float | None:
    """The chance of recalling the person at ``now``, counted in whole 24 hours since the last
    check as fsrs counts them; None if never checked."""
    if card.reviews == 0 or card.last_review is None or not card.stability:
        return None
    return retrievability_after(card.stability, (_utc(now) - _utc(card.last_review)).days)


def recall_status(card: RecallCard | None, now: datetime.datetime) -> RecallStatus:
    if card is None or card.reviews == 0:
        return RecallStatus("never", "never checked")
    answer = f"{Rating(card.last_rating).label} on {day_words(card.last_review)}"
    if card.last_rating == Rating.NO_IDEA:
        return RecallStatus("forgotten", f"forgotten: {answer}", evidence=f"last check: {answer}")
    chance = recall_retrievability(card, now)
    if chance is None:  # a card restored from an export without its stability
        return RecallStatus("recalled", "recalled", evidence=f"last check: {answer}")
    if chance >= LIKELY:
        likelihood = "likely to recall"
    elif chance >= MAYBE:
        likelihood = "may recall"
    else:
        likelihood = "unlikely to recall"
    return RecallStatus(
        "recalled", f"{likelihood}, {chance:.0%}", chance, evidence=f"last check: {answer}"
    )


# Contacts checked at least once, and of those the recalled (Vaguely, Yes or Instantly at the last
# check) and the forgotten (No idea): the weekly snapshots here and the dashboard's live counts
# and lists (insights.people) split the network with these same filters.
CHECKED = Q(recall_card__reviews__gt=0)
RECALLED = CHECKED & Q(recall_card__last_rating__gt=Rating.NO_IDEA)
FORGOTTEN = CHECKED & Q(recall_card__last_rating=Rating.NO_IDEA)


def _totals(owner, day: OwnerDay | None = None) -> dict:
    """One aggregate over the owner's active contacts (those without a card are never checked)."""
    counts = {
        "total": Count("pk"),
        "recalled": Count("pk", filter=RECALLED),
        "forgotten": Count("pk", filter=FORGOTTEN),
    }
    if day is not None:
        due = Q(recall_card__due__lt=day.end)
        counts["due_reviews"] = Count("pk", filter=CHECKED & due)
        counts["due_new"] = Count("pk", filter=Q(recall_card__reviews=0) & due)
    totals = Contact.objects.owned_by(owner).active().order_by().aggregate(**counts)
    totals["never_checked"] = totals["total"] - totals["recalled"] - totals["forgotten"]
    return totals


def recall_counts(
    owner, now: datetime.datetime, owner_settings: OwnerSettings | None = None
) -> dict:
    """total, recalled, forgotten, never_checked and due_today (the checks left today).

    Three queries: the settings (none when given), one aggregate of the contacts, today's
    answers.
    """
    owner_settings = owner_settings or OwnerSettings.for_user(owner)
    day = owner_day(owner_settings, now)
    totals = _totals(owner, day)
    room = recall_new_left(owner, owner_settings, day)
    due_today = totals.pop("due_reviews") + min(totals.pop("due_new"), room)
    return {**totals, "due_today": due_today}


def recall_snapshot(owner, today: datetime.date) -> RecallSnapshot:
    """Write this week's recall (week = the Monday of ``today``'s week), once per week: a
    second call in the same week updates the row (an upsert the database decides)."""
    week = today - datetime.timedelta(days=today.weekday())
    totals = _totals(owner)
    snapshot = RecallSnapshot(
        owner=owner,
        week=week,
        total=totals["total"],
        recalled=totals["recalled"],
        forgotten=totals["forgotten"],
        never_checked=totals["never_checked"],
    )
    RecallSnapshot.objects.bulk_create(
        [snapshot],
        update_conflicts=True,
        unique_fields=["owner", "week"],
        update_fields=["total", "recalled", "forgotten", "never_checked"],
    )
    return snapshot
