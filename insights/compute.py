"""Every contact's Tie, computed set-based: a few aggregate queries and one bulk upsert.

recompute_owner does a whole network (nightly, after an import, by hand); recompute_contacts a
handful of contacts whose interactions or recall just changed. Both read the aggregates the
score needs from the database (insights.ties says what they mean), rank the ties into layers,
give weak ties their reason, and flag the worst of them for the weekly review, never more than
the owner's weekly cap.
"""

import datetime
import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Min, Q

from insights.models import Tie
from insights.recall import recall_cards_ensure, recall_snapshot, retrievability_after
from insights.ties import (
    AGE_BUCKETS,
    KIND_GROUPS,
    TieInputs,
    TieScore,
    layer_for_rank,
    tie_score,
    usual_gap_days,
    weak_reason,
)
from interactions.models import Interaction
from invitations.policy import owner_today
from network.models import Contact, OwnerSettings

MONTH = datetime.timedelta(days=30)
# Above this many contacts, recompute_contacts ranks the whole network instead (one pass).
FEW = 500
# SQLite allows 32,766 parameters per query; an id list is cut into pieces this long.
CHUNK = 5000
BATCH = 2000
# A tie's figures, in the order the contacts query reads the stored ones: a tie whose figures
# have not changed is not written again (on a nightly run, most of a large network).
FIGURES = (
    "score",
    "factors",
    "explanation",
    "score_month_ago",
    "rank",
    "layer",
    "cadence_days",
    "usual_gap_days",
    "health",
    "weak_reason",
    "weak_text",
    "flagged_on",
)


# The aggregates' names: the last day of each kind group, and the count of each (group, age).
_LAST_OF_GROUP = [(f"last_{group}_on", group) for group in KIND_GROUPS]
_COUNTS = [
    (f"n_{group}_{index}", (group, index))
    for group in KIND_GROUPS
    for index in range(len(AGE_BUCKETS) + 1)
]


@dataclass
class _Person:
    """One active contact: what its tie is computed from, and the decisions already taken."""

    pk: int
    inputs: TieInputs
    month_ago: TieInputs | None  # None when the contact was not known a month ago
    previous_rating: int | None
    linkedin_connected: bool
    connected_on: datetime.date | None
    created_on: datetime.date
    flagged_on: datetime.date | None
    quiet_until: datetime.date | None
    let_go_on: datetime.date | None
    stored: tuple | None  # the tie's FIGURES as stored, None when it has none yet


def owners_with_contacts():
    """The active users who have at least one contact: whom the nightly run recomputes."""
    return (
        get_user_model()
        .objects.filter(is_active=True, contacts__isnull=False)
        .distinct()
        .order_by("pk")
    )


def recompute_owner(owner, today: datetime.date | None = None) -> int:
    """Recompute every tie of the owner's network; returns how many ties were computed.

    Also makes sure every active contact has a recall card, and writes this week's recall
    snapshot.
    """
    owner_settings = OwnerSettings.for_user(owner)
    today = today or owner_today(owner_settings)
    recall_cards_ensure(owner, owner_settings=owner_settings)
    people = _people(owner, owner_settings, today)
    ties = {person.pk: _tie(person) for person in people}
    ranked = sorted(
        (person for person in people if person.inputs.last_on is not None),
        key=lambda person: (
            -ties[person.pk]["score"],
            -person.inputs.last_on.toordinal(),
            person.pk,
        ),
    )
    for rank, person in enumerate(ranked, start=1):
        _place(ties[person.pk], rank)
    _flag(people, ties, owner_settings.weak_ties_per_week, today)
    _save(owner, people, ties, today, Tie.objects.owned_by(owner))
    recall_snapshot(owner, today)
    return len(ties)


def recompute_contacts(owner, contact_ids: list[int], today: datetime.date | None = None) -> int:
    """Recompute the ties of a few contacts (their interactions or recall just changed).

    Each is placed by counting the owner's ties that rank above it; the others keep their
    ranks until the next full pass. Returns how many ties were computed.
    """
    ids = sorted(set(contact_ids))
    if not ids:
        return 0
    if len(ids) > FEW:
        return recompute_owner(owner, today)
    owner_settings = OwnerSettings.for_user(owner)
    today = today or owner_today(owner_settings)
    people = _people(owner, owner_settings, today, ids)
    ties = {person.pk: _tie(person) for person in people}
    others = (
        Tie.objects.owned_by(owner).filter(contact__is_archived=False).exclude(contact_id__in=ids)
    )
    ranked = [person for person in people if person.inputs.last_on is not None]
    for person in ranked:
        score, last_on = ties[person.pk]["score"], person.inputs.last_on
        above = others.filter(layer__isnull=False).filter(
            Q(score__gt=score)
            | Q(score=score, contact__last_interaction_on__gt=last_on)
            | Q(score=score, contact__last_interaction_on=last_on, contact_id__lt=person.pk)
        )
        among_these = sum(
            (ties[other.pk]["score"], other.inputs.last_on, -other.pk)
            > (score, last_on, -person.pk)
            for other in ranked
        )
        _place(ties[person.pk], 1 + above.count() + among_these)
    flagged_elsewhere = others.filter(flagged_on__isnull=False).count()
    _flag(people, ties, owner_settings.weak_ties_per_week - flagged_elsewhere, today)
    _save(owner, people, ties, today, Tie.objects.owned_by(owner).filter(contact_id__in=ids))
    return len(ties)


def _save(owner, people: list[_Person], ties: dict[int, dict], today: datetime.date, rows) -> None:
    """One bulk upsert of the ties whose figures changed, then the day on all of ``rows``.

    quiet_until and let_go_on are the owner's decisions: an upsert never rewrites them.
    """
    changed = [
        Tie(contact_id=person.pk, owner=owner, computed_on=today, **ties[person.pk])
        for person in people
        if person.stored != tuple(ties[person.pk][name] for name in FIGURES)
    ]
    with transaction.atomic():
        _archived_untie(rows)
        Tie.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["contact"],
            update_fields=[*FIGURES, "computed_on"],
            batch_size=BATCH,
        )
        rows.exclude(computed_on=today).update(computed_on=today)


def _people(
    owner, owner_settings: OwnerSettings, today: datetime.date, ids: list[int] | None = None
) -> list[_Person]:
    """The owner's active contacts (or those of ``ids``) with their inputs today and a month ago.

    Three queries: the interaction aggregates as of today, the same as of a month ago, and the
    contacts with their recall cards and the decisions kept on their ties.
    """
    zone = owner_settings.zone
    month_ago = today - MONTH
    now = _aggregates(owner, today, ids)
    then = _aggregates(owner, month_ago, ids)
    contacts = Contact.objects.owned_by(owner).active()
    rows = []
    for chunk in _chunks(ids):
        part = contacts if chunk is None else contacts.filter(pk__in=chunk)
        rows.extend(
            part.values_list(
                "pk",
                "closeness",
                "linkedin_status",
                "connected_on",
                "created_at",
                "recall_card__reviews",
                "recall_card__last_rating",
                "recall_card__previous_rating",
                "recall_card__last_review",
                "recall_card__stability",
                "tie__quiet_until",
                "tie__let_go_on",
                "tie__computed_on",
                *(f"tie__{name}" for name in FIGURES),
            ).order_by()
        )
    people = []
    for row in rows:
        (
            pk,
            closeness,
            linkedin_status,
            connected_on,
            created_at,
            reviews,
            last_rating,
            previous_rating,
            last_review,
            stability,
            quiet_until,
            let_go_on,
            computed_on,
        ) = row[: -len(FIGURES)]
        stored = row[-len(FIGURES) :] if computed_on else None
        # A card never answered (or restored without its review) counts as never checked.
        reviewed_on = last_review.astimezone(zone).date() if reviews and last_review else None
        created_on = created_at.astimezone(zone).date()
        recall = {}
        if reviewed_on:
            recall = {"recall_last_rating": last_rating, "recall_last_on": reviewed_on}
        inputs = _inputs(
            today,
            now.get(pk),
            closeness=closeness,
            connected_on=connected_on,
            retrievability=_retrievability(stability, reviewed_on, today),
            **recall,
        )
        earlier = None
        if created_on <= month_ago or pk in then:
            # The card as it stands if it was not reviewed since; otherwise unknown then.
            if not reviewed_on or reviewed_on > month_ago:
                recall = {}
            earlier = _inputs(
                month_ago,
                then.get(pk),
                closeness=closeness,
                connected_on=connected_on if connected_on and connected_on <= month_ago else None,
                retrievability=_retrievability(stability, reviewed_on, month_ago)
                if recall
                else None,
                **recall,
            )
        people.append(
            _Person(
                pk=pk,
                inputs=inputs,
                month_ago=earlier,
                previous_rating=previous_rating if reviewed_on else None,
                linkedin_connected=linkedin_status == Contact.LinkedInStatus.CONNECTED,
                connected_on=connected_on,
                created_on=created_on,
                flagged_on=stored[FIGURES.index("flagged_on")] if stored else None,
                quiet_until=quiet_until,
                let_go_on=let_go_on,
                stored=stored,
            )
        )
    return people


def _aggregates(owner, as_of: datetime.date, ids: list[int] | None) -> dict[int, dict]:
    """Per contact, of the interactions up to ``as_of``: first and last day, the last day of
    each kind group, counts by kind group and age bucket, and who started them; one GROUP BY
    query (per chunk of ids)."""
    annotations = {
        "first_on": Min("occurred_on"),
        "last_on": Max("occurred_on"),
        "started_by_me": Count("pk", filter=Q(initiated_by=Interaction.Initiator.ME)),
        "started_by_them": Count("pk", filter=Q(initiated_by=Interaction.Initiator.THEM)),
        "mutual": Count("pk", filter=Q(initiated_by=Interaction.Initiator.MUTUAL)),
    }
    ages = _age_ranges(as_of)
    for name, group in _LAST_OF_GROUP:
        annotations[name] = Max("occurred_on", filter=Q(kind__in=KIND_GROUPS[group]))
    for name, (group, index) in _COUNTS:
        annotations[name] = Count("pk", filter=Q(kind__in=KIND_GROUPS[group]) & ages[index])
    interactions = Interaction.objects.owned_by(owner).filter(occurred_on__lte=as_of)
    found = {}
    for chunk in _chunks(ids):
        part = interactions if chunk is None else interactions.filter(contact_id__in=chunk)
        for row in part.values("contact").order_by().annotate(**annotations):
            found[row["contact"]] = row
    return found


def _age_ranges(as_of: datetime.date) -> list[Q]:
    """The age buckets of insights.ties as date ranges: [0, 90) days old, [90, 365), ..."""
    limits = [as_of - datetime.timedelta(days=days) for days in AGE_BUCKETS]
    ranges, newer = [], None
    for limit in limits:
        ranges.append(Q(occurred_on__gt=limit) & (Q(occurred_on__lte=newer) if newer else Q()))
        newer = limit
    ranges.append(Q(occurred_on__lte=newer))
    return ranges


def _inputs(today: datetime.date, row: dict | None, **others) -> TieInputs:
    if row is None:
        return TieInputs(today=today, **others)
    counts = {key: row[name] for name, key in _COUNTS if row[name]}
    # The strongest kind group seen on the last day (KIND_GROUPS lists the strongest first).
    last_kind = next(group for name, group in _LAST_OF_GROUP if row[name] == row["last_on"])
    return TieInputs(
        today=today,
        first_on=row["first_on"],
        last_on=row["last_on"],
        last_in_person_on=row["last_in_person_on"],
        last_kind=last_kind,
        counts=counts,
        started_by_me=row["started_by_me"],
        started_by_them=row["started_by_them"],
        mutual=row["mutual"],
        **others,
    )


def _retrievability(
    stability: float | None, reviewed_on: datetime.date | None, day: datetime.date
) -> float | None:
    """The chance of recalling the person on ``day``, counted in the owner's days since the last
    check; None if never checked."""
    if reviewed_on is None or not stability:
        return None
    return retrievability_after(stability, (day - reviewed_on).days)


def _tie(person: _Person) -> dict:
    """The tie's FIGURES: its score and their reasons; rank, layer and flag come after."""
    scored = _score(person.inputs)
    return {
        "score": scored.score,
        "factors": [
            {"name": factor.name, "points": factor.points, "words": factor.words}
            for factor in scored.factors
        ],
        "explanation": scored.explanation,
        "score_month_ago": _score(person.month_ago).score if person.month_ago else None,
        "rank": None,
        "layer": None,
        "cadence_days": None,
        "usual_gap_days": usual_gap_days(person.inputs),
        "health": Tie.Health.NO_TIE,
        "weak_reason": "",
        "weak_text": "",
        "flagged_on": None,
    }


def _score(inputs: TieInputs) -> TieScore:
    if inputs.last_on is None:
        # Most of a large network: nothing but closeness and recall to go on, so few distinct
        # inputs, each scored once.
        return _score_without_interactions(
            inputs.today,
            inputs.closeness,
            inputs.retrievability,
            inputs.recall_last_rating,
            inputs.recall_last_on,
        )
    return tie_score(inputs)


@functools.lru_cache(maxsize=4096)
def _score_without_interactions(
    today: datetime.date,
    closeness: int | None,
    retrievability: float | None,
    recall_last_rating: int | None,
    recall_last_on: datetime.date | None,
) -> TieScore:
    return tie_score(
        TieInputs(
            today=today,
            closeness=closeness,
            retrievability=retrievability,
            recall_last_rating=recall_last_rating,
            recall_last_on=recall_last_on,
        )
    )


def _place(tie: dict, rank: int) -> None:
    layer = layer_for_rank(rank)
    tie.update(rank=rank, layer=layer.number, cadence_days=layer.cadence_days)


def _flag(people: list[_Person], ties: dict[int, dict], cap: int, today: datetime.date) -> None:
    """Weak reasons, the weekly cap, then health.

    A tie in the review queue stays there while it is weak; the free places go to the worst of
    the others (severity, then the inner layer, then the longer silence); the rest wait.
    Ties let go, or kept quiet until a later day, are never flagged.
    """
    waiting = []
    for person in people:
        tie = ties[person.pk]
        reason = weak_reason(
            person.inputs,
            recall_previous_rating=person.previous_rating,
            cadence_days=tie["cadence_days"],
            usual_gap_days=tie["usual_gap_days"],
            linkedin_connected=person.linkedin_connected,
            connected_on=person.connected_on,
            created_on=person.created_on,
        )
        decided = person.let_go_on is not None or (
            person.quiet_until is not None and person.quiet_until > today
        )
        if reason is None or decided:
            continue
        tie.update(weak_reason=reason.code, weak_text=reason.words)
        if person.flagged_on is not None:
            tie["flagged_on"] = person.flagged_on
            cap -= 1
        else:
            waiting.append((reason.severity, tie["layer"] or 99, -_silence(person), person.pk))
    for *_, pk in sorted(waiting)[: max(cap, 0)]:
        ties[pk]["flagged_on"] = today
    for person in people:
        ties[person.pk]["health"] = _health(ties[person.pk], person, today)


def _silence(person: _Person) -> int:
    """Days since the last interaction, or since the contact was connected or added."""
    since = person.inputs.last_on or person.connected_on or person.created_on
    return (person.inputs.today - since).days


def _health(tie: dict, person: _Person, today: datetime.date) -> str:
    if tie["flagged_on"] is not None:
        return Tie.Health.FLAGGED
    if person.inputs.last_on is None:
        return Tie.Health.NO_TIE
    silence = (today - person.inputs.last_on).days
    cadence = tie["cadence_days"]
    if tie["weak_reason"] or (cadence is not None and silence > cadence):
        return Tie.Health.DRIFTING
    return Tie.Health.ON_CADENCE


def _archived_untie(ties) -> int:
    """Archived people keep their tie row (and the owner's decisions on it) but leave the
    layers, the health counts and the review."""
    untied = Q(layer=None, rank=None, flagged_on=None, weak_reason="", health=Tie.Health.NO_TIE)
    return (
        ties.filter(contact__is_archived=True)
        .exclude(untied)
        .update(
            rank=None,
            layer=None,
            cadence_days=None,
            health=Tie.Health.NO_TIE,
            weak_reason="",
            weak_text="",
            flagged_on=None,
        )
    )


def _chunks(ids: list[int] | None):
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
