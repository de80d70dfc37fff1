"""The owner's connection policy applied to invitations and contacts, with its evidence in words.

The policy is a few rules joined by "or" (network.models.OwnerSettings); a rule set to 0 is off:

- in person: met in person at least N times (``policy_min_in_person``), at any time;
- virtual: at least M calls, video calls, messages, emails or group discussions
  (``policy_min_virtual``) on or after the same day K months ago (``policy_window_months``),
  counted from today in the owner's time zone: with K = 12 on 10 May 2026 the window opens on
  10 May 2025, and an interaction on 9 May 2025 (12 months and 1 day ago) is outside;
- known for: the first interaction logged is at least D days ago (``policy_min_known_days``) and
  at least E interactions of any kind are logged (``policy_min_known_interactions``).

A verdict is "meets" when any rule is met. It is "almost" when no rule is met but one rule is
one short, which means exactly:

- in person: N - 1 meetings, and that is at least one (one short of nothing is a stranger);
- virtual: M - 1 virtual interactions in the window, and that is at least one;
- known for: either known long enough with E - 1 interactions (at least one), or E interactions
  with the first one at most ``KNOWN_DAYS_SLACK`` days too recent.

Otherwise it "does not". Everything is computed for a whole set of people at once: one aggregate
query over their interactions and one for each person's latest in-person meeting with its event,
however many invitations there are.
"""

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from interactions.models import Interaction
from invitations.models import Invitation
from network.linkedin import linkedin_url_or_blank
from network.models import Contact, OwnerSettings
from network.names import name_key, normalize_name
from network.templatetags.kith import format_day

MEETS, ALMOST, DOES_NOT = "meets", "almost", "does_not"
LABELS = {
    MEETS: "Meets your policy",
    ALMOST: "Almost meets your policy",
    DOES_NOT: "Does not meet your policy",
}
RANKS = {MEETS: 0, ALMOST: 1, DOES_NOT: 2}
# How many days too recent a first interaction may be for the known-for rule to be one short.
KNOWN_DAYS_SLACK = 7
LINK_BATCH = 2000

VIRTUAL_KINDS = [
    Interaction.Kind.CALL,
    Interaction.Kind.VIDEO,
    Interaction.Kind.MESSAGE,
    Interaction.Kind.EMAIL,
    Interaction.Kind.GROUP,
]
_KIND_WORDS = {
    Interaction.Kind.CALL: ("call", "calls"),
    Interaction.Kind.VIDEO: ("video call", "video calls"),
    Interaction.Kind.MESSAGE: ("message", "messages"),
    Interaction.Kind.EMAIL: ("email", "emails"),
    Interaction.Kind.GROUP: ("group discussion", "group discussions"),
}


@dataclass(frozen=True)
class Verdict:
    level: str
    label: str
    evidence: list[str]
    rank: int

    @classmethod
    def of(cls, level: str, evidence: list[str]) -> "Verdict":
        return cls(level=level, label=LABELS[level], evidence=evidence, rank=RANKS[level])


@dataclass(frozen=True)
class _Facts:
    """What the interactions say of one contact, from the aggregate query."""

    in_person: int = 0
    virtual_by_kind: tuple[tuple[str, int], ...] = ()
    total: int = 0
    first_on: datetime.date | None = None
    last_on: datetime.date | None = None
    last_in_person_on: datetime.date | None = None
    last_event: str = ""

    @property
    def virtual(self) -> int:
        return sum(count for _, count in self.virtual_by_kind)


# Dates and windows -----------------------------------------------------------------------------


def owner_today(settings: OwnerSettings) -> datetime.date:
    """Today in the owner's time zone (a late evening in Oslo is not yet tomorrow in UTC)."""
    return timezone.now().astimezone(settings.zone).date()


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` months earlier, or the month's last day when it has no such day
    (31 May minus 3 months is 28 or 29 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _window_words(months: int) -> str:
    return "in the last month" if months == 1 else f"in the last {months} months"


def _plural(count: int, words: tuple[str, str]) -> str:
    return f"{count} {words[0] if count == 1 else words[1]}"


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# Facts, set-based ------------------------------------------------------------------------------


def _facts(owner, contact_ids, *, window_start: datetime.date) -> dict[int, _Facts]:
    """Every contact's counts and dates in one aggregate query, and the latest in-person meeting
    of each with its event in one more. ``contact_ids`` is a list or a subquery of ids."""
    interactions = Interaction.objects.owned_by(owner).filter(contact_id__in=contact_ids)
    recent_virtual = Q(kind__in=VIRTUAL_KINDS, occurred_on__gte=window_start)
    rows = (
        interactions.order_by()
        .values("contact_id")
        .annotate(
            in_person=Count("pk", filter=Q(kind=Interaction.Kind.IN_PERSON)),
            total=Count("pk"),
            first_on=Min("occurred_on"),
            last_on=Max("occurred_on"),
            last_in_person_on=Max("occurred_on", filter=Q(kind=Interaction.Kind.IN_PERSON)),
            **{
                f"virtual_{kind}": Count("pk", filter=recent_virtual & Q(kind=kind))
                for kind in VIRTUAL_KINDS
            },
        )
    )
    # The latest in-person meeting per contact, as a correlated subquery: the same SQL on SQLite
    # and PostgreSQL, and one query whatever the number of contacts.
    latest = (
        Interaction.objects.filter(contact_id=OuterRef("pk"), kind=Interaction.Kind.IN_PERSON)
        .order_by("-occurred_on", "-pk")
        .values("pk")[:1]
    )
    events = dict(
        Interaction.objects.filter(
            pk__in=Contact.objects.filter(pk__in=contact_ids)
            .annotate(latest=Subquery(latest))
            .values("latest"),
            event__isnull=False,
        ).values_list("contact_id", "event__name")
    )
    facts = {}
    for row in rows:
        facts[row["contact_id"]] = _Facts(
            in_person=row["in_person"],
            virtual_by_kind=tuple(
                (kind, row[f"virtual_{kind}"]) for kind in VIRTUAL_KINDS if row[f"virtual_{kind}"]
            ),
            total=row["total"],
            first_on=row["first_on"],
            last_on=row["last_on"],
            last_in_person_on=row["last_in_person_on"],
            last_event=events.get(row["contact_id"], ""),
        )
    return facts


# The verdict -----------------------------------------------------------------------------------


def _judge(
    name: str, facts: _Facts | None, settings: OwnerSettings, today: datetime.date
) -> Verdict:
    if facts is None or not facts.total:
        return Verdict.of(DOES_NOT, [f"No interaction logged with {name}"])
    met, short, evidence = False, False, []

    needed = settings.policy_min_in_person
    if facts.in_person:
        evidence.append(_in_person_words(facts, needed, today))
    if needed:
        met |= facts.in_person >= needed
        short |= facts.in_person == needed - 1 >= 1
        if not facts.in_person:
            evidence.append(f"Never met in person (your policy: {needed})")

    needed = settings.policy_min_virtual
    if needed:
        window = _window_words(settings.policy_window_months)
        if facts.virtual:
            counted = _join(
                [
                    _plural(count, _KIND_WORDS[kind])
                    for kind, count in sorted(facts.virtual_by_kind, key=lambda pair: -pair[1])
                ]
            )
        else:
            counted = "No virtual interaction"
        sentence = f"{counted} {window}"
        if facts.virtual < needed:
            sentence += f" (your policy: {needed})"
        evidence.append(sentence)
        met |= facts.virtual >= needed
        short |= facts.virtual == needed - 1 >= 1

    days, interactions = settings.policy_min_known_days, settings.policy_min_known_interactions
    if days:
        known = (today - facts.first_on).days
        sentence = (
            f"Known for {_plural(known, ('day', 'days'))} since {format_day(facts.first_on, today)}, "
            f"{_plural(facts.total, ('interaction', 'interactions'))}"
        )
        if known < days or facts.total < interactions:
            sentence += f" (your policy: {days} days and {interactions} interactions)"
        evidence.append(sentence)
        long_enough, enough = known >= days, facts.total >= interactions
        met |= long_enough and enough
        short |= (long_enough and facts.total == interactions - 1 >= 1) or (
            enough and 0 < days - known <= KNOWN_DAYS_SLACK
        )

    level = MEETS if met else ALMOST if short else DOES_NOT
    return Verdict.of(level, evidence)


def _in_person_words(facts: _Facts, needed: int, today: datetime.date) -> str:
    where = f" at {facts.last_event}" if facts.last_event else ""
    when = format_day(facts.last_in_person_on, today)
    if facts.in_person == 1:
        sentence = f"Met in person{where} on {when}"
    else:
        sentence = f"Met in person {facts.in_person} times, last{where} on {when}"
    if facts.in_person < needed:
        sentence += f" (your policy: {needed})"
    return sentence


def _settings_and_today(owner, settings, today) -> tuple[OwnerSettings, datetime.date]:
    settings = settings or OwnerSettings.for_user(owner)
    return settings, today or owner_today(settings)


def _window_start(settings: OwnerSettings, today: datetime.date) -> datetime.date:
    return months_before(today, settings.policy_window_months)


def invitation_verdicts(
    owner, invitations, *, settings: OwnerSettings | None = None, today: datetime.date | None = None
) -> dict[int, Verdict]:
    """The verdict of each invitation, keyed by its pk, in a fixed number of queries.

    ``invitations`` is a queryset (its contacts are then read as a subquery) or an iterable of
    Invitation objects with ``name`` and ``contact_id`` loaded."""
    settings, today = _settings_and_today(owner, settings, today)
    if isinstance(invitations, QuerySet):
        contact_ids = invitations.filter(contact__isnull=False).order_by().values("contact_id")
        rows = list(invitations.order_by().values_list("pk", "name", "contact_id"))
    else:
        rows = [(i.pk, i.name, i.contact_id) for i in invitations]
        contact_ids = list({contact_id for _, _, contact_id in rows if contact_id})
    if not rows:
        return {}
    facts = (
        _facts(owner, contact_ids, window_start=_window_start(settings, today))
        if any(contact_id for _, _, contact_id in rows)
        else {}
    )
    verdicts = {}
    for pk, name, contact_id in rows:
        if contact_id is None:
            verdicts[pk] = Verdict.of(DOES_NOT, [f"{name} is not in your contacts"])
        else:
            verdicts[pk] = _judge(name, facts.get(contact_id), settings, today)
    return verdicts


def contact_verdicts(
    owner,
    contact_ids: Iterable[int],
    *,
    settings: OwnerSettings | None = None,
    today: datetime.date | None = None,
) -> dict[int, Verdict]:
    """The verdict for each contact as if it had invited the owner, keyed by contact pk."""
    settings, today = _settings_and_today(owner, settings, today)
    names = dict(
        Contact.objects.owned_by(owner)
        .filter(pk__in=list(contact_ids))
        .values_list("pk", "full_name")
    )
    if not names:
        return {}
    facts = _facts(owner, list(names), window_start=_window_start(settings, today))
    return {pk: _judge(name, facts.get(pk), settings, today) for pk, name in names.items()}


def declined_now_meeting_policy(
    owner,
    *,
    settings: OwnerSettings | None = None,
    today: datetime.date | None = None,
    limit: int | None = None,
) -> list[tuple[Invitation, Verdict, str]]:
    """Declined incoming invitations whose person meets the policy now thanks to interactions
    logged after the decline, newest decline first, with a sentence saying what happened since.

    People already connected or invited on LinkedIn are left out: nothing is left to suggest."""
    settings, today = _settings_and_today(owner, settings, today)
    zone = settings.zone
    declined = list(
        Invitation.objects.owned_by(owner)
        .filter(
            status=Invitation.Status.DECLINED,
            direction=Invitation.Direction.INCOMING,
            contact__isnull=False,
        )
        .exclude(
            contact__linkedin_status__in=[
                Contact.LinkedInStatus.CONNECTED,
                Contact.LinkedInStatus.INVITED,
            ]
        )
        .select_related("contact")
        .order_by("-decided_at", "-pk")
    )
    if not declined:
        return []
    facts = _facts(
        owner,
        list({i.contact_id for i in declined}),
        window_start=_window_start(settings, today),
    )
    found, seen = [], set()
    for invitation in declined:
        if invitation.contact_id in seen:
            continue
        seen.add(invitation.contact_id)
        fact = facts.get(invitation.contact_id)
        declined_on = (invitation.decided_at or invitation.sent_at).astimezone(zone).date()
        if fact is None or fact.last_on is None or fact.last_on <= declined_on:
            continue
        verdict = _judge(invitation.contact.full_name, fact, settings, today)
        if verdict.level != MEETS:
            continue
        sentence = (
            f"You declined {invitation.contact.full_name} on {format_day(declined_on, today)}; "
        )
        if fact.last_in_person_on and fact.last_in_person_on > declined_on:
            where = f"at {fact.last_event}" if fact.last_event else "in person"
            sentence += f"since then you met {where}"
        else:
            sentence += f"since then: {verdict.evidence[-1][0].lower()}{verdict.evidence[-1][1:]}"
        found.append((invitation, verdict, sentence))
        if limit is not None and len(found) >= limit:
            break
    return found


# Linking invitations to contacts ---------------------------------------------------------------


def invitations_link_contacts(owner) -> int:
    """Link the owner's invitations that have no contact to the matching contact, following the
    identity rules (DESIGN.md "Identity"): the same profile address is the same person; otherwise
    a name that exactly one contact has, and only when that contact's profile address does not
    differ from the invitation's. Three queries whatever the number; returns how many were linked.
    """
    unlinked = list(
        Invitation.objects.owned_by(owner)
        .filter(contact__isnull=True)
        .only("pk", "name", "profile_url")
    )
    if not unlinked:
        return 0
    urls = {invitation.pk: linkedin_url_or_blank(invitation.profile_url) for invitation in unlinked}
    keys = {name_key(invitation.name) for invitation in unlinked} - {""}
    candidates = list(
        Contact.objects.owned_by(owner)
        .filter(Q(linkedin_url__in=[u for u in urls.values() if u]) | Q(name_key__in=keys))
        .values_list("pk", "full_name", "linkedin_url")
    )
    by_url = {url: pk for pk, _, url in candidates if url}
    by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, full_name, url in candidates:
        by_name[normalize_name(full_name)].append((pk, url))
    linked = []
    for invitation in unlinked:
        url = urls[invitation.pk]
        contact_id = by_url.get(url) if url else None
        if contact_id is None:
            namesakes = by_name.get(normalize_name(invitation.name), [])
            if len(namesakes) == 1 and (not url or not namesakes[0][1]):
                contact_id = namesakes[0][0]
        if contact_id is not None:
            invitation.contact_id = contact_id
            linked.append(invitation)
    # Conditional on still having no contact: a decision made meanwhile keeps its own link.
    count = 0
    # Batches keep the parameters of one UPDATE under SQLite's limit (32,766).
    for start in range(0, len(linked), LINK_BATCH):
        batch = linked[start : start + LINK_BATCH]
        count += Invitation.objects.filter(
            pk__in=[invitation.pk for invitation in batch], contact__isnull=True
        ).update(
            contact_id=Case(
                *[When(pk=invitation.pk, then=Value(invitation.contact_id)) for invitation in batch]
            )
        )
    return count


# What a policy change would change -------------------------------------------------------------


@dataclass(frozen=True)
class PolicyChange:
    """How many pending incoming verdicts a new policy would move across "meets"."""

    now_meet: int
    no_longer_meet: int
    pending: int

    @property
    def sentence(self) -> str:
        if not self.now_meet and not self.no_longer_meet:
            waiting = _plural(self.pending, ("pending invitation", "pending invitations"))
            return f"No verdict of your {waiting} would change"
        parts = []
        if self.now_meet:
            parts.append(
                f"{_plural(self.now_meet, ('invitation', 'invitations'))} would now meet your policy"
            )
        if self.no_longer_meet:
            if parts:
                parts.append(f"{self.no_longer_meet} would no longer")
            else:
                parts.append(
                    f"{_plural(self.no_longer_meet, ('invitation', 'invitations'))} "
                    "would no longer meet your policy"
                )
        return "; ".join(parts)


def policy_change(
    owner, new: OwnerSettings, *, current: OwnerSettings | None = None, today=None
) -> PolicyChange:
    """Compare the verdicts of the pending incoming invitations under the saved policy and under
    ``new`` (unsaved): a fixed number of queries however many are pending."""
    current = current or OwnerSettings.for_user(owner)
    today = today or owner_today(new)
    pending = Invitation.objects.owned_by(owner).pending_incoming(today)
    rows = list(pending.order_by().values_list("pk", "name", "contact_id"))
    invitations = [Invitation(pk=pk, name=name, contact_id=contact) for pk, name, contact in rows]
    before = invitation_verdicts(owner, invitations, settings=current, today=today)
    after = invitation_verdicts(owner, invitations, settings=new, today=today)
    now_meet = sum(1 for pk in after if after[pk].level == MEETS != before[pk].level)
    no_longer = sum(1 for pk in after if before[pk].level == MEETS != after[pk].level)
    return PolicyChange(now_meet=now_meet, no_longer_meet=no_longer, pending=len(rows))
