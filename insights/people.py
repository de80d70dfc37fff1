"""The lists behind the dashboard's numbers, each a named filter over the owner's active contacts.

The dashboard counts every list in one aggregate query with the very Q that filters the list
(people_counts), so a number and the length of the list its link opens are equal by
construction. Each list also says, for every person in it, why they are there.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from insights.models import RecallCard, Tie
from insights.recall import (
    CHECKED,
    FORGOTTEN,
    RECALLED,
    owner_day,
    recall_new_left,
    recall_status,
)
from insights.ties import LAYERS, WEAK_REASON_WORDS, layer_by_number
from insights.weak_review import not_decided, worst_first
from network.models import Contact, OwnerSettings
from network.templatetags.kith import day, days_ago

QUIET_AFTER_DAYS = 365
SCORE_BIN = 10


@dataclass(frozen=True)
class Scope:
    """The owner's day and settings that the filters depend on."""

    owner_id: int
    today: datetime.date
    # The first instant of the owner's tomorrow: a check is due today when due before it.
    tomorrow_starts: datetime.datetime
    weak_ties_per_week: int
    # How many people never checked today's recall session still takes (the daily limit less
    # the new people already checked today), as insights.recall.recall_session counts them.
    new_checks_left: int

    @classmethod
    def of(cls, owner_settings: OwnerSettings) -> "Scope":
        """One query: today's first checks."""
        day = owner_day(owner_settings, timezone.now())
        return cls(
            owner_settings.owner_id,
            day.today,
            day.end,
            owner_settings.weak_ties_per_week,
            recall_new_left(owner_settings.owner_id, owner_settings, day),
        )


@dataclass(frozen=True)
class PeopleList:
    slug: str
    title: str
    description: str
    filter: Callable[[Scope], Q]
    order: tuple
    reason: Callable[[Contact, Scope], str]

    @property
    def url(self) -> str:
        return reverse(f"insights:people-{self.slug}")

    @property
    def key(self) -> str:
        """The slug as an identifier, for aggregate aliases and template lookups."""
        return self.slug.replace("-", "_")


# Reasons in words -------------------------------------------------------------------------------


def _card(contact: Contact):
    return getattr(contact, "recall_card", None)


def _tie(contact: Contact) -> Tie | None:
    return getattr(contact, "tie", None)


def _last_answer(contact: Contact, _scope: Scope) -> str:
    card = _card(contact)
    checks = f"{card.reviews} check{'s' if card.reviews != 1 else ''}"
    answer = f"last answer {card.get_last_rating_display()} on {day(card.last_review)} ({checks})"
    status = recall_status(card, timezone.now())
    return capfirst(answer if status.code == "forgotten" else f"{status.words}; {answer}")


def _never_checked(contact: Contact, _scope: Scope) -> str:
    return f"Never checked; in your network since {day(contact.created_at)}"


def _due(contact: Contact, _scope: Scope) -> str:
    card = _card(contact)
    if not card.reviews:
        if contact.last_interaction_on:
            return (
                f"First check of someone new; last interaction {day(contact.last_interaction_on)}"
            )
        return f"First check of someone new; in your network since {day(contact.created_at)}"
    return (
        f"Check due {day(card.due)}; last answer {card.get_last_rating_display()} "
        f"on {day(card.last_review)}"
    )


def _strength(contact: Contact, _scope: Scope) -> str:
    tie = _tie(contact)
    words = f"Strength {tie.score:.0f} of 100, rank {tie.rank}"
    if tie.health == Tie.Health.DRIFTING and tie.cadence_days:
        words += f", drifting (this layer keeps in touch every {tie.cadence_days} days)"
    elif tie.health != Tie.Health.ON_CADENCE:
        words += f", {tie.get_health_display().lower()}"
    return f"{words}: {tie.explanation}" if tie.explanation else words


def _flagged(contact: Contact, _scope: Scope) -> str:
    tie = _tie(contact)
    return f"{capfirst(tie.weak_text)} (in the weekly review since {day(tie.flagged_on)})"


def _waiting(contact: Contact, scope: Scope) -> str:
    tie = _tie(contact)
    return (
        f"{capfirst(tie.weak_text)}; waits until the weekly review has room "
        f"(at most {scope.weak_ties_per_week} a week, the weakest first)"
    )


def _drifting(contact: Contact, _scope: Scope) -> str:
    tie = _tie(contact)
    cadence = (
        f"; its layer keeps in touch every {tie.cadence_days} days" if tie.cadence_days else ""
    )
    return f"Last interaction {day(contact.last_interaction_on)}{cadence}: {tie.explanation}"


def _weakened(contact: Contact, _scope: Scope) -> str:
    tie = _tie(contact)
    return f"Strength {tie.score_month_ago:.0f} a month ago, {tie.score:.0f} now: {tie.explanation}"


def _never_met(contact: Contact, _scope: Scope) -> str:
    since = f"on {day(contact.connected_on)}" if contact.connected_on else "(date unknown)"
    return f"Connected on LinkedIn {since}; no meeting, call or message logged"


def _no_tie(contact: Contact, _scope: Scope) -> str:
    return f"No interaction logged; {contact.get_source_display().lower()} on {day(contact.created_at)}"


def _met(contact: Contact, _scope: Scope) -> str:
    times = f"{contact.in_person_count} time{'s' if contact.in_person_count != 1 else ''}"
    return f"Met in person {times}; last interaction {day(contact.last_interaction_on)}"


def _quiet(contact: Contact, _scope: Scope) -> str:
    last = contact.last_interaction_on
    return f"Last interaction {day(last)}, {days_ago(last)}"


# The lists ----------------------------------------------------------------------------------------


def _due_today(scope: Scope) -> Q:
    """The checks today's recall session asks: every card checked before and due by the end of
    today, and the people never checked that it takes today (most recently met first)."""
    due = CHECKED & Q(recall_card__due__lt=scope.tomorrow_starts)
    if not scope.new_checks_left:
        return due
    new = (
        RecallCard.objects.filter(
            owner_id=scope.owner_id,
            contact__is_archived=False,
            reviews=0,
            due__lt=scope.tomorrow_starts,
        )
        .order_by("-due", "-pk")
        .values("pk")[: scope.new_checks_left]
    )
    return due | Q(pk__in=new)


def _not_quiet(scope: Scope) -> Q:
    """Not let go, and not kept or snoozed past today (insights.weak_review's decisions)."""
    return not_decided(scope.today, tie="tie__")


def _in_review(scope: Scope) -> Q:
    """Flagged and undecided: what the weekly review shows now."""
    return Q(tie__flagged_on__isnull=False) & _not_quiet(scope)


_TIED = Q(tie__layer__isnull=False)
_NEWEST_CHECK = (F("recall_card__last_review").desc(), "full_name", "pk")
_BY_RANK = ("tie__rank", "full_name", "pk")


def _score_bin(low: int) -> PeopleList:
    high = low + SCORE_BIN
    # Binned by the score as shown, rounded to a whole number: 9.6 reads "10", so it is in 10 to 20.
    upper = Q(tie__score__lt=high - 0.5) if high < 100 else Q(tie__score__lte=100)
    return PeopleList(
        slug=f"score-{low}",
        title=f"Tie strength {low} to {min(high, 100)}",
        description=f"People whose tie strength is at least {low} and below {high}."
        if high < 100
        else f"People whose tie strength is {low} or more.",
        filter=lambda scope: _TIED & Q(tie__score__gte=low - 0.5) & upper,
        order=("-tie__score", "full_name", "pk"),
        reason=_strength,
    )


def _layer(number: int) -> PeopleList:
    layer = layer_by_number(number)
    cadence = f", in touch every {layer.cadence_days} days" if layer.cadence_days else ""
    return PeopleList(
        slug=f"layer-{number}",
        title=f"Layer {number}: {layer.name}",
        description=f"Your strongest ties ranked {_ranks(number)}{cadence}.",
        filter=lambda scope: Q(tie__layer=number),
        order=_BY_RANK,
        reason=_strength,
    )


def _ranks(number: int) -> str:
    first = 1 if number == 1 else LAYERS[number - 2].size + 1
    size = LAYERS[number - 1].size
    return f"{first:,} to {size:,}" if size else f"{first:,} and beyond"


PEOPLE_LISTS: dict[str, PeopleList] = {
    entry.slug: entry
    for entry in [
        PeopleList(
            "recalled",
            "Recalled",
            "People you recalled at their last check (Vaguely, Yes or Instantly).",
            lambda scope: RECALLED,
            _NEWEST_CHECK,
            _last_answer,
        ),
        PeopleList(
            "forgotten",
            "Forgotten",
            "People you could not recall at their last check (No idea).",
            lambda scope: FORGOTTEN,
            _NEWEST_CHECK,
            _last_answer,
        ),
        PeopleList(
            "never-checked",
            "Never checked",
            "People whose recall you have not checked yet.",
            lambda scope: Q(recall_card__isnull=True) | Q(recall_card__reviews=0),
            ("-created_at", "full_name", "pk"),
            _never_checked,
        ),
        PeopleList(
            "due-today",
            "Checks due today",
            "The people today's recall session asks you about: those checked before whose next "
            "check is due by the end of today, and new people up to your daily limit.",
            _due_today,
            ("recall_card__due", "full_name", "pk"),
            _due,
        ),
        *(_layer(layer.number) for layer in LAYERS),
        PeopleList(
            "flagged",
            "Flagged weak ties",
            "Weak ties in the weekly review, each with its reason.",
            _in_review,
            worst_first(tie="tie__", contact=""),
            _flagged,
        ),
        PeopleList(
            "waiting",
            "Weak ties waiting",
            "Weak ties not yet in the review: it flags only a few a week, the weakest first.",
            lambda scope: (
                Q(tie__isnull=False, tie__flagged_on__isnull=True)
                & ~Q(tie__weak_reason="")
                & _not_quiet(scope)
            ),
            worst_first(tie="tie__", contact=""),
            _waiting,
        ),
        PeopleList(
            "drifting",
            "Drifting",
            "Ties silent for longer than their layer's cadence.",
            lambda scope: Q(tie__health=Tie.Health.DRIFTING),
            _BY_RANK,
            _drifting,
        ),
        PeopleList(
            "weakened",
            "Weakened since last month",
            "Ties whose strength dropped over the last month, the largest drop first.",
            lambda scope: (
                Q(tie__score_month_ago__gt=F("tie__score")) & Q(tie__let_go_on__isnull=True)
            ),
            ((F("tie__score_month_ago") - F("tie__score")).desc(), "full_name", "pk"),
            _weakened,
        ),
        PeopleList(
            "never-met",
            "Never met nor talked with",
            "LinkedIn connections with no meeting, call or message logged at all.",
            lambda scope: Q(
                linkedin_status=Contact.LinkedInStatus.CONNECTED, last_interaction_on__isnull=True
            ),
            (F("connected_on").asc(nulls_last=True), "full_name", "pk"),
            _never_met,
        ),
        PeopleList(
            "no-tie",
            "No tie yet",
            "People with no interaction logged: no meeting, call or message.",
            lambda scope: Q(last_interaction_on__isnull=True),
            ("-created_at", "full_name", "pk"),
            _no_tie,
        ),
        PeopleList(
            "met",
            "Met in person",
            "People with at least one in-person meeting logged.",
            lambda scope: Q(in_person_count__gt=0),
            (F("last_interaction_on").desc(nulls_last=True), "full_name", "pk"),
            _met,
        ),
        PeopleList(
            "quiet",
            "Quiet for over a year",
            f"People whose last logged interaction is more than {QUIET_AFTER_DAYS} days ago.",
            lambda scope: Q(
                last_interaction_on__lt=scope.today - datetime.timedelta(days=QUIET_AFTER_DAYS)
            ),
            ("last_interaction_on", "full_name", "pk"),
            _quiet,
        ),
        *(_score_bin(low) for low in range(0, 100, SCORE_BIN)),
    ]
}
HEALTHS = (Tie.Health.ON_CADENCE, Tie.Health.DRIFTING, Tie.Health.FLAGGED)


def _health_q(health: str) -> Q:
    return Q(tie__health=health)


def people_in(owner, people: PeopleList, scope: Scope, health: str = ""):
    """The owner's active contacts in the list (and of that health, for a layer), ordered, with
    their tie and recall card for the reasons."""
    q = people.filter(scope)
    if health:
        q &= _health_q(health)
    return (
        Contact.objects.owned_by(owner)
        .active()
        .filter(q)
        .select_related("tie", "recall_card")
        .order_by(*people.order)
    )


def people_counts(owner, scope: Scope) -> dict[str, int]:
    """The length of every list, every layer's split by health and the flagged ties by reason,
    and the network's totals, in one aggregate query over the owner's active contacts."""
    counts = {
        people.key: Count("pk", filter=people.filter(scope)) for people in PEOPLE_LISTS.values()
    }
    for layer in LAYERS:
        for health in HEALTHS:
            counts[f"layer_{layer.number}_{health}"] = Count(
                "pk", filter=Q(tie__layer=layer.number) & _health_q(health)
            )
    for code in WEAK_REASON_WORDS:
        counts[f"flagged_{code}"] = Count("pk", filter=_in_review(scope) & Q(tie__weak_reason=code))
    counts["total"] = Count("pk")
    counts["connected"] = Count("pk", filter=Q(linkedin_status=Contact.LinkedInStatus.CONNECTED))
    return Contact.objects.owned_by(owner).active().aggregate(**counts)
