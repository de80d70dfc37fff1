"""The second part of the weekly review: flagged weak ties, one at a time, the worst first.

The weekly cap is applied where the flags are given (insights.compute); the review walks what
is flagged and lets the owner keep, reconnect, let go or snooze each tie, one key each, with
undo. It plugs into invitations' walk through `invitations.review.register_source`
(InsightsConfig.ready() calls `register()`), so invitations never imports insights.

Every decision is one conditional UPDATE on a tie that is still flagged and undecided, so of two
tabs deciding the same tie exactly one wins; undo restores the columns the decision changed,
and only if no one changed them since.
"""

import datetime
from collections.abc import Mapping

from django import forms
from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from insights.models import Tie
from insights.ties import SEVERITY, WEAK_REASON_WORDS
from interactions.models import FollowUp, Interaction
from invitations.models import Review
from invitations.policy import owner_today
from invitations.review import (
    RECENT_INTERACTIONS,
    SKIP,
    Decision,
    Outcome,
    ReviewItem,
    Source,
    next_review_day,
    register_source,
    review_count,
    review_skip,
    review_start,
    review_uncount,
    review_unskip,
)
from network.models import Contact, OwnerSettings
from network.templatetags.kith import day

TIE = "tie"

KEEP = Decision("keep", "Keep", "k", "kept")
RECONNECT = Decision("reconnect", "Reconnect", "r", "reconnected")
LET_GO = Decision("let_go", "Let go", "l", "let_go")
SNOOZE = Decision("snooze", "Snooze", "z", "snoozed")
DECISIONS = {decision.name: decision for decision in (KEEP, RECONNECT, LET_GO, SNOOZE, SKIP)}

KEPT_FOR = datetime.timedelta(days=90)
FOLLOW_UP_IN = datetime.timedelta(days=7)
QUIET_AFTER_FOLLOW_UP = datetime.timedelta(days=30)
FOLLOW_UP_WITHIN = datetime.timedelta(days=365)

# The columns a decision may change, and so what undo puts back.
STATE_FIELDS = ("flagged_on", "quiet_until", "let_go_on", "weak_reason", "weak_text", "health")
DATE_FIELDS = ("flagged_on", "quiet_until", "let_go_on")
LAST_VERBS = {
    Interaction.Kind.IN_PERSON: "met",
    Interaction.Kind.CALL: "spoke",
    Interaction.Kind.VIDEO: "spoke",
    Interaction.Kind.MESSAGE: "wrote",
    Interaction.Kind.EMAIL: "wrote",
    Interaction.Kind.GROUP: "talked",
}


def _undecided(today: datetime.date) -> Q:
    """Flagged, not let go, not kept quiet past today, of a person still in the network."""
    return _undecided_tie(today) & Q(contact__is_archived=False)


def _undecided_tie(today: datetime.date) -> Q:
    """_undecided on the tie's own columns. A decision's conditional UPDATE filters on these
    alone: with a join Django updates through "pk IN (SELECT ...)", which PostgreSQL does not
    re-check on a row another transaction has just changed, so two tabs would both decide."""
    return Q(flagged_on__isnull=False) & not_decided(today)


def not_decided(today: datetime.date, tie: str = "") -> Q:
    """Not let go, and not kept or snoozed past today: the review may still flag the tie. tie is
    the lookups' prefix from the model queried (Tie: "", Contact: "tie__"), as in worst_first."""
    return Q(**{f"{tie}let_go_on__isnull": True}) & (
        Q(**{f"{tie}quiet_until__isnull": True}) | Q(**{f"{tie}quiet_until__lte": today})
    )


def worst_first(tie: str = "", contact: str = "contact__") -> tuple:
    """The review's order: the worst reason first, then the inner layer, then the longer silence
    (never met nor talked with counts as the longest). tie and contact are the lookups' prefixes
    from the model queried (Tie: "", "contact__"; Contact: "tie__", "")."""
    severity = Case(
        *(When(**{f"{tie}weak_reason": code}, then=Value(rank)) for code, rank in SEVERITY.items()),
        default=Value(len(SEVERITY)),
        output_field=IntegerField(),
    )
    return (
        severity.asc(),
        F(f"{tie}layer").asc(nulls_last=True),
        F(f"{contact}last_interaction_on").asc(nulls_first=True),
        "pk",
    )


def tie_queue(owner, today: datetime.date) -> QuerySet:
    """The flagged ties waiting for the review, worst first."""
    return Tie.objects.owned_by(owner).filter(_undecided(today)).order_by(*worst_first())


def tie_items(
    owner, owner_settings: OwnerSettings, today: datetime.date, skipped: set[str]
) -> list[ReviewItem]:
    ties = tie_queue(owner, today).select_related("contact", "contact__recall_card")
    return [
        ReviewItem(
            kind=TIE,
            id=tie.pk,
            template="insights/tie_review.html#tie-card",
            decisions=tuple(DECISIONS.values()),
            suggested=LET_GO if tie.weak_reason == "never_met" else RECONNECT,
            subject=tie,
        )
        for tie in ties
        if f"{TIE}:{tie.pk}" not in skipped
    ]


def _load_tie_details(item: ReviewItem, today: datetime.date) -> None:
    tie: Tie = item.subject
    contact = tie.contact
    recent = list(
        Interaction.objects.filter(contact=contact)
        .select_related("event")
        .order_by("-occurred_on", "-pk")[:RECENT_INTERACTIONS]
    )
    item.details.update(
        contact=contact,
        recent=recent,
        recall_card=getattr(contact, "recall_card", None),
        reason_label=WEAK_REASON_WORDS.get(tie.weak_reason, "weak"),
        opener=tie_opener(contact, recent[0] if recent else None, today),
        follow_up_on=today + FOLLOW_UP_IN,
        today=today,
    )


def tie_opener(contact: Contact, last: Interaction | None, today: datetime.date) -> str:
    """A first line to send, from what they stand for and the last interaction: "Hi Ana — I was
    thinking about your work on open data since we last spoke at PyCon in March. Coffee soon?"
    """
    first = (contact.full_name.split() or [contact.full_name])[0]
    topic = _topic(contact.stands_for)
    if last is None:
        text = f"Hi {first} — we are connected but have never properly talked."
        if topic:
            text += f" I would like to hear about {_about(topic)}."
        return f"{text} Coffee soon?"[:300]
    where = f" at {last.event.name}" if last.event else ""
    month = f"{last.occurred_on:%B}"
    if last.occurred_on.year != today.year:
        month += f" {last.occurred_on.year}"
    since = f"since we last {LAST_VERBS.get(last.kind, 'talked')}{where} in {month}"
    thought = f"I was thinking about {_about(topic)}" if topic else "I was thinking of you"
    return f"Hi {first} — {thought} {since}. Coffee soon?"[:300]


def _topic(stands_for: str) -> str:
    topic = " ".join(stands_for.split()).rstrip(".")
    word = topic.split(" ", 1)[0] if topic else ""
    # "Open data" reads "open data" mid-sentence; "PyCon" and "EU" keep their capitals.
    if word[:1].isupper() and word[1:].islower():
        topic = topic[0].lower() + topic[1:]
    return topic


# What people write under "what they stand for" often starts with a verb: "Believes permitting is
# the bottleneck". "your work on believes permitting ..." is not English, so these become "how you
# believe permitting ...". A closed list: a plural noun ("Batteries for ...") keeps "your work on".
_STANCE_VERBS = frozenset(
    [
        "advocates",
        "argues",
        "backs",
        "believes",
        "bets",
        "builds",
        "campaigns",
        "cares",
        "champions",
        "fights",
        "helps",
        "insists",
        "invests",
        "leads",
        "pairs",
        "pushes",
        "reads",
        "researches",
        "runs",
        "says",
        "sees",
        "shows",
        "studies",
        "teaches",
        "thinks",
        "wants",
        "writes",
    ]
)


def _about(topic: str) -> str:
    """ "your work on open data", or "how you believe permitting is the bottleneck"."""
    verb, _, rest = topic.partition(" ")
    if verb.lower() not in _STANCE_VERBS or not rest:
        return f"your work on {topic}"
    verb = verb.lower()
    if verb.endswith("ies"):
        verb = verb[:-3] + "y"
    elif verb.endswith(("ches", "shes", "sses", "xes")):
        verb = verb[:-2]
    else:
        verb = verb[:-1]
    return f"how you {verb} {rest}"


class ReconnectForm(forms.Form):
    follow_up_on = forms.DateField(
        error_messages={
            "required": "Choose the day to follow up on.",
            "invalid": "Enter the follow-up day as a date, like 2026-03-01.",
        }
    )
    opener = forms.CharField(
        max_length=300,
        required=False,
        error_messages={"max_length": "Keep the opener under 300 characters."},
    )

    def __init__(self, *args, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_follow_up_on(self) -> datetime.date:
        value = self.cleaned_data["follow_up_on"]
        if value < self.today:
            raise forms.ValidationError("Choose a follow-up day from today on.")
        if value > self.today + FOLLOW_UP_WITHIN:
            raise forms.ValidationError("Choose a follow-up day within a year.")
        return value


def tie_decide(
    owner, owner_settings: OwnerSettings, tie: Tie, decision: Decision, data: Mapping
) -> Outcome:
    """One decision on one flagged tie, counted in the open review (started by it if need be)."""
    today = owner_today(owner_settings)
    contact = tie.contact
    name = contact.full_name
    if decision is SKIP:
        review_skip(review_start(owner), f"{TIE}:{tie.pk}")
        return Outcome(True, f"Skipped {name}: back in your next review.")
    follow_up = None
    if decision is RECONNECT:
        form = ReconnectForm(data, today=today)
        if not form.is_valid():
            errors = " ".join(" ".join(messages) for messages in form.errors.values())
            return Outcome(False, f"Nothing changed for {name}: {errors}", invalid=True)
        follow_up_on = form.cleaned_data["follow_up_on"]
        opener = form.cleaned_data["opener"].strip() or tie_opener(
            contact, _last_interaction(contact), today
        )
    before = _state(tie)
    decided = _decided(tie, today)
    if decision is KEEP:
        after = {**before, **decided, "quiet_until": today + KEPT_FOR}
        text = f"Kept {name}: not flagged again before {day(after['quiet_until'])}."
    elif decision is RECONNECT:
        after = {**before, **decided, "quiet_until": follow_up_on + QUIET_AFTER_FOLLOW_UP}
        text = f"Reconnect with {name}: a follow-up on {day(follow_up_on)}. Send them this opener:"
    elif decision is LET_GO:
        after = {**before, **decided, "let_go_on": today}
        text = (
            f"Let go of {name}. Remove the connection on LinkedIn (their profile, More, "
            "Remove connection); Kith keeps what you logged with them."
        )
    else:
        after = {**before, "quiet_until": next_review_day(owner_settings, today)}
        until = after["quiet_until"]
        text = f"Snoozed {name}: back in the review on {until:%A} {day(until)}."
    archived = False
    with transaction.atomic():
        changed = (
            Tie.objects.owned_by(owner)
            .filter(_undecided_tie(today), pk=tie.pk, **_matching(before))
            .filter(contact__in=Contact.objects.filter(pk=tie.pk, is_archived=False))
            .update(**{field: after[field] for field in STATE_FIELDS})
        )
        if not changed:
            return Outcome(False, tie_already_decided(owner, tie.pk, name, today))
        review = review_start(owner)
        review_count(review, decision)
        if decision is RECONNECT:
            follow_up = FollowUp.objects.create(
                owner=owner, contact=contact, due_on=follow_up_on, note=opener
            )
        if decision is LET_GO and data.get("archive"):
            archived = bool(
                Contact.objects.owned_by(owner)
                .filter(pk=contact.pk, is_archived=False)
                .update(is_archived=True, updated_at=timezone.now())
            )
            text += " Archived in Kith: find them under archived contacts."
    undo = {
        "before": _json_state(before),
        "after": _json_state(after),
        "follow_up": follow_up.pk if follow_up else None,
        "archived": archived,
    }
    if decision is RECONNECT:
        return Outcome(
            True,
            text,
            opener,
            copy_label="Copy opener",
            profile_url=contact.linkedin_url,
            undo=undo,
        )
    profile_url = contact.linkedin_url if decision is LET_GO else ""
    return Outcome(True, text, profile_url=profile_url, undo=undo)


def _last_interaction(contact: Contact) -> Interaction | None:
    return (
        Interaction.objects.filter(contact=contact)
        .select_related("event")
        .order_by("-occurred_on", "-pk")
        .first()
    )


def _decided(tie: Tie, today: datetime.date) -> dict:
    """A tie kept, reconnected or let go as insights.compute will leave it: no longer flagged
    nor weak, its health from its silence alone, so that the layers' health and the contact page
    say so at once rather than after the nightly run."""
    last, cadence = tie.contact.last_interaction_on, tie.cadence_days
    if last is None:
        health = Tie.Health.NO_TIE
    elif cadence is not None and (today - last).days > cadence:
        health = Tie.Health.DRIFTING
    else:
        health = Tie.Health.ON_CADENCE
    return {"flagged_on": None, "weak_reason": "", "weak_text": "", "health": health}


def _state(tie: Tie) -> dict:
    return {field: getattr(tie, field) for field in STATE_FIELDS}


def _json_state(state: dict) -> dict:
    return {
        field: value.isoformat() if isinstance(value, datetime.date) else value
        for field, value in state.items()
    }


def _loaded_state(state: dict) -> dict:
    return {
        field: datetime.date.fromisoformat(value)
        if field in DATE_FIELDS and value is not None
        else value
        for field, value in state.items()
        if field in STATE_FIELDS
    }


def _matching(state: dict) -> dict:
    """Filters for a tie whose dates are exactly these (None matched as NULL)."""
    filters: dict = {}
    for field in DATE_FIELDS:
        if state[field] is None:
            filters[f"{field}__isnull"] = True
        else:
            filters[field] = state[field]
    return filters


def tie_already_decided(owner, contact_id: int, name: str, today: datetime.date) -> str:
    """What another tab (or a recomputation) did to the tie, said plainly."""
    tie = Tie.objects.owned_by(owner).select_related("contact").filter(pk=contact_id).first()
    if tie is None:
        return f"{name} is no longer in your network's ties."
    if tie.let_go_on:
        return f"Already let go in another tab: {name}."
    if tie.contact.is_archived:
        return f"Already archived: {name}."
    if tie.quiet_until and tie.quiet_until > today:
        if tie.flagged_on:
            return f"Already snoozed in another tab: {name}."
        return f"Already kept or reconnected in another tab: {name}."
    if tie.flagged_on is None:
        return f"No longer flagged: {name}."
    return f"Already decided in another tab: {name}."


def tie_undo(owner, review: Review, entry: dict) -> str | None:
    """Takes back exactly what the decision did: the tie's columns, the follow-up it created,
    the archive and the count; nothing if the tie was changed since."""
    decision = DECISIONS.get(entry.get("decision", ""))
    tie = Tie.objects.owned_by(owner).select_related("contact").filter(pk=entry.get("id")).first()
    if decision is None or tie is None:
        return None
    back = f"Undone: {tie.contact.full_name} is back in the review."
    if decision is SKIP:
        return back if review_unskip(review, f"{TIE}:{tie.pk}") else None
    state = entry.get("undo") or {}
    before, after = _loaded_state(state["before"]), _loaded_state(state["after"])
    with transaction.atomic():
        restored = (
            Tie.objects.owned_by(owner).filter(pk=tie.pk, **_matching(after)).update(**before)
        )
        if not restored:
            return None
        if state.get("follow_up"):
            FollowUp.objects.owned_by(owner).filter(
                pk=state["follow_up"], contact_id=tie.pk, done_at__isnull=True
            ).delete()
        if state.get("archived"):
            Contact.objects.owned_by(owner).filter(pk=tie.pk, is_archived=True).update(
                is_archived=False, updated_at=timezone.now()
            )
        review_uncount(review, decision)
    return back


def tie_stats(review: Review) -> list[tuple[int, str]]:
    return [
        (review.kept, "kept"),
        (review.reconnected, "reconnected"),
        (review.let_go, "let go"),
        (review.snoozed, "snoozed"),
    ]


def tie_waiting(owner, today: datetime.date) -> str:
    count = tie_queue(owner, today).count()
    if not count:
        return ""
    ties = "1 weak tie waits" if count == 1 else f"{count} weak ties wait"
    return f"{ties} for your review: keep, reconnect or let go."


def register() -> None:
    """The weak ties become the second part of the weekly review."""
    register_source(
        Source(
            TIE,
            decisions=DECISIONS,
            items=tie_items,
            load_details=_load_tie_details,
            decide=tie_decide,
            undo=tie_undo,
            stats=tie_stats,
            waiting=tie_waiting,
        )
    )
