"""The demo owner's recall history: ten weeks of short recall sessions, answered as they would be.

Every answer goes through insights.recall.recall_answer at its past moment (the recall page's
own FSRS scheduling, the owner's retention, whole days), and a person is checked again only
when that session had them due; so each card, each logged answer and each week's snapshot are
what the recall page would have written had the owner used it since then.
"""

import datetime
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from demo.data import (
    RECALL_CHECKED_SHARE,
    RECALL_DAYS,
    RECALL_GRIP_WEIGHTS,
    RECALL_LEARNS,
    RECALL_OFF_BY_ONE,
    RECALL_SESSION_CHANCE,
    RECALL_SESSION_HOURS,
    TIMEZONE,
)
from insights.models import Rating, RecallLog, RecallSnapshot
from insights.recall import recall_answer, recall_cards_ensure, recall_session
from network.models import Contact, OwnerSettings

UTC = datetime.UTC


@dataclass
class Recollection:
    """One person as the recall history sees them."""

    contact: Contact
    group: str  # "core", "middle" or "tail"
    known_since: datetime.date | None  # the first interaction or connection; None if unknown


def recall_history_seed(
    owner, people: list[Recollection], rng: random.Random, today: datetime.date
) -> int:
    """Answer the checks of the last RECALL_DAYS through the recall page's own recall_answer,
    and write the weekly snapshots before this week's (recompute_owner writes this week's, and
    the ties). Returns how many answers were given."""
    owner_settings = OwnerSettings.for_user(owner)
    recall_cards_ensure(owner, owner_settings=owner_settings)
    sessions = _sessions(rng, today)
    starts = _first_checks(rng, people, sessions)
    contacts = {person.contact.pk: person.contact for person in people}
    grips = {
        person.contact.pk: rng.choices(range(1, 5), RECALL_GRIP_WEIGHTS[person.group])[0]
        for person in people
    }
    logs = []
    for moment in sessions:
        # The checks the scheduler had due that day, then the people checked for the first time.
        due = [
            card.pk for card in recall_session(owner, owner_settings, moment).cards if card.reviews
        ]
        new = [pk for pk, start in starts.items() if start == moment]
        for offset, pk in enumerate(due + new):
            rating = _rating(rng, grips[pk])
            at = moment + datetime.timedelta(seconds=20 * offset)
            logs.append(
                recall_answer(owner, owner_settings, contacts[pk], rating, at, recompute=False)
            )
            if rating <= Rating.VAGUELY and rng.random() < RECALL_LEARNS:
                grips[pk] = min(grips[pk] + 1, Rating.YES)
    RecallSnapshot.objects.bulk_create(_snapshots(owner, people, logs, today))
    return len(logs)


def _sessions(rng: random.Random, today: datetime.date) -> list[datetime.datetime]:
    """The moments the owner sat down for a session: about three days a week, before work or
    late in the evening, never today (today's checks are left for the visitor)."""
    zone = ZoneInfo(TIMEZONE)
    moments = []
    for days_ago in range(RECALL_DAYS, 0, -1):
        if rng.random() < RECALL_SESSION_CHANCE:
            day = today - datetime.timedelta(days=days_ago)
            at = datetime.time(rng.choice(RECALL_SESSION_HOURS), rng.randint(0, 50))
            moments.append(datetime.datetime.combine(day, at, tzinfo=zone).astimezone(UTC))
    return moments


def _first_checks(
    rng: random.Random, people: list[Recollection], sessions: list[datetime.datetime]
) -> dict[int, datetime.datetime]:
    """The session of each checked person's first check: someone met during these weeks at the
    first session after meeting them; the others at any session."""
    starts = {}
    for person in people:
        if person.contact.is_archived or rng.random() >= RECALL_CHECKED_SHARE[person.group]:
            continue
        since = person.known_since
        if since is not None and since >= _owner_day(sessions[0]):
            after = [moment for moment in sessions if _owner_day(moment) > since]
            if after:
                starts[person.contact.pk] = after[0]
        else:
            starts[person.contact.pk] = rng.choice(sessions)
    return starts


def _rating(rng: random.Random, grip: int) -> int:
    """The person's usual answer, or now and then one step better or worse."""
    if rng.random() >= RECALL_OFF_BY_ONE:
        return grip
    return min(4, max(1, grip + rng.choice((-1, 1))))


def _snapshots(
    owner, people: list[Recollection], logs: list[RecallLog], today: datetime.date
) -> list[RecallSnapshot]:
    """Each past week's recall as it stood at the end of its Sunday: the people known by then,
    split by their last answer up to that moment."""
    this_week = today - datetime.timedelta(days=today.weekday())
    first_day = _owner_day(logs[0].reviewed_at) if logs else this_week
    week = first_day - datetime.timedelta(days=first_day.weekday())
    active = [person for person in people if not person.contact.is_archived]
    snapshots = []
    while week < this_week:
        sunday = week + datetime.timedelta(days=6)
        known = [p for p in active if p.known_since is None or p.known_since <= sunday]
        last = {log.contact_id: log.rating for log in logs if _owner_day(log.reviewed_at) <= sunday}
        answers = [last[p.contact.pk] for p in known if p.contact.pk in last]
        forgotten = sum(rating == 1 for rating in answers)
        snapshots.append(
            RecallSnapshot(
                owner=owner,
                week=week,
                total=len(known),
                recalled=len(answers) - forgotten,
                forgotten=forgotten,
                never_checked=len(known) - len(answers),
            )
        )
        week += datetime.timedelta(days=7)
    return snapshots


def _owner_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(ZoneInfo(TIMEZONE)).date()
