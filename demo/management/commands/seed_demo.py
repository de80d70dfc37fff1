"""Create the user `demo` (password `demo`) with a believable two-year network to try Kith on.

The network has the shape of a real one: a core of ten close people seen and heard from
often, a middle group met a handful of times (a quarter of them quiet for over a year),
and a long tail met once at a conference, heard from once, or never met at all. A fixed
random seed makes every run on a given day produce the same data; dates count back from
today, so the demo never looks stale. Email addresses use the reserved `.example` domain,
so nothing the demo triggers can reach a real inbox.
"""

import datetime
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from demo.data import (
    ATTENDANCE,
    CONFERENCE,
    CONTACT_NOTES,
    CORE,
    CORE_DRIFTING,
    DAYS,
    EVENT_NOTES,
    EVENTS,
    FOLLOW_UPS,
    HOW_WE_MET,
    INITIATOR_WEIGHTS,
    INITIATOR_WEIGHTS_AT_EVENTS,
    KIND_WEIGHTS,
    LOGIN_HINT,
    MIDDLE_SIZE,
    NOTES,
    PASSWORD,
    QUIET_DAYS,
    RECALL_DAYS,
    REGIONS,
    SECTORS,
    SEED,
    TAIL_SIZE,
    TIMEZONE,
    TRANSLITERATION,
    USERNAME,
    Initiator,
    Kind,
    Region,
    Status,
)
from demo.recall import Recollection, recall_history_seed
from insights.compute import recompute_owner
from interactions.models import Event, FollowUp, Interaction
from interactions.stats import contacts_refresh_interaction_stats
from invitations.models import Invitation
from network.models import Contact, OwnerSettings, Tag


@dataclass
class _Person:
    contact: Contact
    group: str  # "core", "middle" or "tail"
    sector: str
    tags: list[str]
    quiet: bool = False  # nothing in the last QUIET_DAYS
    drifting: int = 0  # a close friend not seen or heard from for this many days
    interactions: list[Interaction] = field(default_factory=list)

    def first_interaction(self) -> Interaction | None:
        return min(self.interactions, key=lambda interaction: interaction.occurred_on, default=None)

    def first_met_at(self) -> Event | None:
        """The event where the owner met this person, if they first met at one."""
        first = self.first_interaction()
        return first.event if first is not None else None

    def known_since(self) -> datetime.date | None:
        """The day the owner came to know them: first met or heard from, or connected."""
        first = self.first_interaction()
        days = [first.occurred_on if first else None, self.contact.connected_on]
        return min((day for day in days if day is not None), default=None)

    def last_interaction(self) -> Interaction | None:
        return max(self.interactions, key=lambda interaction: interaction.occurred_on, default=None)


class Command(BaseCommand):
    help = "Create the user demo (password demo) with a believable two-year network to explore."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            user, _ = get_user_model().objects.get_or_create(
                username=USERNAME, defaults={"email": "demo@example.org", "first_name": "Demo"}
            )
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            OwnerSettings.objects.get_or_create(owner=user, defaults={"timezone": TIMEZONE})
            existing = Contact.objects.owned_by(user).count()
            if existing:
                self.stdout.write(
                    f"The demo network is already there ({existing} contacts); left it as it is "
                    f"and reset the password. {LOGIN_HINT}"
                )
                return
            rng, today = random.Random(SEED), timezone.localdate()
            people, interactions, events = _seed(user, rng, today)
            answers = recall_history_seed(user, _recollections(people), rng, today)
            recompute_owner(user, today)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network ready: {len(people)} contacts, {interactions} interactions, "
                f"{events} events. {answers} recall checks answered in the last "
                f"{RECALL_DAYS // 7} weeks. {LOGIN_HINT}"
            )
        )


def _seed(owner, rng: random.Random, today: datetime.date) -> tuple[list[_Person], int, int]:
    """Plan everyone's history in memory, then write it with one bulk insert per table."""
    people = _people(owner, rng)
    events = Event.objects.bulk_create(_event(owner, today, *spec) for spec in EVENTS)
    _meet_at_events(rng, people, events, today)
    _keep_in_touch(rng, people, owner, today)
    _settle(rng, people, today)
    invitations = _invitations(owner, people, today)

    Contact.objects.bulk_create(person.contact for person in people)
    interactions = Interaction.objects.bulk_create(
        interaction for person in people for interaction in person.interactions
    )
    _tag(owner, people)
    Invitation.objects.bulk_create(invitations)
    FollowUp.objects.bulk_create(_follow_ups(owner, interactions, today))
    contacts_refresh_interaction_stats(Contact.objects.owned_by(owner))
    return people, len(interactions), len(events)


def _recollections(people: list[_Person]) -> list[Recollection]:
    return [Recollection(person.contact, person.group, person.known_since()) for person in people]


def _follow_ups(owner, interactions: list[Interaction], today: datetime.date) -> list[FollowUp]:
    """One overdue, one due today, one next week: the dashboard has something waiting."""
    recent = sorted(
        (i for i in interactions if i.kind == Interaction.Kind.IN_PERSON and i.occurred_on < today),
        key=lambda i: (i.occurred_on, i.contact.full_name),
    )[-len(FOLLOW_UPS) :]
    return [
        FollowUp(
            owner=owner,
            contact=interaction.contact,
            interaction=interaction,
            note=note,
            due_on=today + datetime.timedelta(days=days),
        )
        for interaction, (days, note) in zip(recent, FOLLOW_UPS, strict=False)
    ]


def _event(owner, today, name: str, place: str, _country: str, days_ago: int, size: str) -> Event:
    date = today - datetime.timedelta(days=days_ago)
    return Event(
        owner=owner,
        name=f"{name} {date.year}" if size == CONFERENCE else name,
        date=date,
        place=place,
    )


def _people(owner, rng: random.Random) -> list[_Person]:
    plan = [(region, sector, "core", origin, tags) for region, sector, origin, tags in CORE]
    for group, size in (("middle", MIDDLE_SIZE), ("tail", TAIL_SIZE)):
        for _ in range(size):
            region = rng.choices(list(REGIONS), [r.weight for r in REGIONS.values()])[0]
            sector = rng.choices(list(SECTORS), [s.weight for s in SECTORS.values()])[0]
            plan.append((region, sector, group, "", []))

    stances = {
        key: rng.sample(sector.stances, len(sector.stances)) for key, sector in SECTORS.items()
    }
    names: set[str] = set()
    slugs: set[str] = set()
    people = []
    for region_key, sector_key, group, origin, tags in plan:
        region, sector = REGIONS[region_key], SECTORS[sector_key]
        first, last = _unique_name(rng, region, names)
        independent = group != "core" and rng.random() < 0.05
        company = "" if independent else rng.choice(sector.companies.split(", "))
        # Everyone close has a line; in the long tail the owner often never learned one.
        knows_stance = group != "tail" or rng.random() < 0.55
        contact = Contact(
            owner=owner,
            full_name=f"{first} {last}",
            company=company,
            title="Independent consultant"
            if independent
            else rng.choice(sector.titles.split(", ")),
            location=rng.choice(region.locations.split("; ")),
            stands_for=stances[sector_key].pop() if knows_stance and stances[sector_key] else "",
            how_we_met=origin,
            email=_email(rng, first, last, company) if rng.random() < 0.6 else "",
            phone=_phone(rng, region.phone_code) if rng.random() < 0.3 else "",
            linkedin_url=_linkedin_url(rng, first, last, slugs) if rng.random() < 0.88 else "",
        )
        quiet = group == "middle" and rng.random() < 0.25
        drifting = CORE_DRIFTING.get(len(people), 0) if group == "core" else 0
        people.append(_Person(contact, group, sector_key, list(tags), quiet, drifting))
    return people


def _unique_name(rng: random.Random, region: Region, taken: set[str]) -> tuple[str, str]:
    while True:
        first = rng.choice(region.first_names.split(", "))
        last = rng.choice(region.last_names.split(", "))
        if f"{first} {last}" not in taken:
            taken.add(f"{first} {last}")
            return first, last


def _ascii(text: str) -> str:
    return slugify(text.translate(TRANSLITERATION)).replace("-", "")


def _email(rng: random.Random, first: str, last: str, company: str) -> str:
    first, last = _ascii(first), _ascii(last)
    local = rng.choice([f"{first}.{last}", first, f"{first[0]}{last}"])
    return f"{local}@{_ascii(company) if company else 'mail'}.example"


def _phone(rng: random.Random, code: str) -> str:
    return f"{code} {rng.randint(200, 999)} {rng.randint(10, 99)} {rng.randint(100, 999)}"


def _linkedin_url(rng: random.Random, first: str, last: str, taken: set[str]) -> str:
    """A canonical profile address; like LinkedIn, most slugs carry a random suffix."""
    base = slugify(f"{first} {last}".translate(TRANSLITERATION))
    slug = base if rng.random() < 0.4 else f"{base}-{rng.getrandbits(32):08x}"
    while slug in taken:
        slug = f"{base}-{rng.getrandbits(32):08x}"
    taken.add(slug)
    return f"https://www.linkedin.com/in/{slug}"


def _pick(rng: random.Random, candidates: list, weights: list[int], count: int) -> list:
    """Up to count distinct candidates, drawn by weight."""
    candidates, weights, chosen = list(candidates), list(weights), []
    while candidates and len(chosen) < count:
        index = rng.choices(range(len(candidates)), weights)[0]
        chosen.append(candidates.pop(index))
        weights.pop(index)
    return chosen


def _note(rng: random.Random, templates: tuple[str, ...], person: _Person, chance: float) -> str:
    if rng.random() >= chance:
        return ""
    return rng.choice(templates).format(topic=rng.choice(SECTORS[person.sector].topics.split(", ")))


def _meet_at_events(
    rng: random.Random, people: list[_Person], events: list[Event], today: datetime.date
) -> None:
    """One in-person interaction per person the owner talked with at each event.

    People from the event's country are likelier to be there; the long tail is met only once.
    """
    quiet_since = today - datetime.timedelta(days=QUIET_DAYS)
    for event, (_name, _place, country, _days_ago, size) in zip(events, EVENTS, strict=True):
        for group, (low, high) in ATTENDANCE[size].items():
            candidates = [
                person
                for person in people
                if person.group == group
                and not (group == "tail" and person.interactions)
                and not (person.quiet and event.date > quiet_since)
                and not (
                    person.drifting
                    and event.date > today - datetime.timedelta(days=person.drifting)
                )
            ]
            weights = [
                4 if person.contact.location.endswith(country) else 1 for person in candidates
            ]
            for person in _pick(rng, candidates, weights, rng.randint(low, high)):
                person.interactions.append(
                    Interaction(
                        owner=event.owner,
                        contact=person.contact,
                        event=event,
                        occurred_on=event.date,
                        kind=Kind.IN_PERSON,
                        initiated_by=rng.choices(list(Initiator), INITIATOR_WEIGHTS_AT_EVENTS)[0],
                        note=_note(rng, EVENT_NOTES, person, 0.4),
                    )
                )


def _keep_in_touch(rng: random.Random, people: list[_Person], owner, today: datetime.date) -> None:
    """Calls, video calls, messages, emails, group threads and coffees, by closeness."""
    never_met = [person for person in people if person.group == "tail" and not person.interactions]
    heard_from = {id(person) for person in never_met[: len(never_met) // 2]}
    for person in people:
        if person.drifting:
            # As close as the others until it stopped, this many days ago.
            count = rng.randint(18, 32)
            since = person.drifting
            days_ago = [since] + [rng.randint(since, DAYS - 1) for _ in range(count)]
        elif person.group == "core":
            # Close people are never quiet for long: something in the last fortnight.
            count = rng.randint(18, 32)
            days_ago = [rng.randint(0, 14)] + [rng.randint(0, DAYS - 1) for _ in range(count)]
        elif person.quiet:
            days_ago = [rng.randint(QUIET_DAYS, DAYS - 1) for _ in range(rng.randint(1, 4))]
        elif person.group == "middle":
            days_ago = [rng.randint(0, DAYS - 1) for _ in range(rng.randint(2, 9))]
        elif person.interactions:
            # Met once at an event; a third of them got a follow-up within ten days.
            met_days_ago = (today - person.interactions[0].occurred_on).days
            days_ago = [max(met_days_ago - rng.randint(1, 10), 0)] if rng.random() < 0.35 else []
        elif id(person) in heard_from:
            days_ago = [rng.randint(0, DAYS - 1) for _ in range(rng.randint(1, 2))]
        else:
            days_ago = []
        weights = KIND_WEIGHTS[person.group]
        for ago in days_ago:
            kind = rng.choices(list(weights), list(weights.values()))[0]
            person.interactions.append(
                Interaction(
                    owner=owner,
                    contact=person.contact,
                    occurred_on=today - datetime.timedelta(days=ago),
                    kind=kind,
                    initiated_by=rng.choices(list(Initiator), INITIATOR_WEIGHTS)[0],
                    note=_note(rng, NOTES[kind], person, 0.3),
                )
            )


def _settle(rng: random.Random, people: list[_Person], today: datetime.date) -> None:
    """How we met, LinkedIn state, closeness, notes and archiving, consistent with the history."""
    core_names = [person.contact.full_name for person in people if person.group == "core"]
    for person in people:
        contact, first = person.contact, person.first_interaction()
        if person.group != "core":
            if person.first_met_at() is not None:
                contact.how_we_met = f"Met at {person.first_met_at().name}"
            elif person.group == "middle" and rng.random() < 0.2:
                contact.how_we_met = "Former colleague at Tidewater Labs"
                person.tags.append("former colleagues")
            else:
                origins = HOW_WE_MET["never met" if first is None else person.group]
                contact.how_we_met = rng.choice(origins).format(core=rng.choice(core_names))

        if not contact.linkedin_url:
            contact.linkedin_status = Status.NOT_CONNECTED
        elif person.group == "core":
            contact.linkedin_status = Status.CONNECTED
            contact.connected_on = today - datetime.timedelta(days=rng.randint(DAYS + 100, 3000))
        else:
            contact.linkedin_status = rng.choices(
                [Status.CONNECTED, Status.NOT_CONNECTED, Status.INVITED, Status.REMOVED],
                [80, 12, 6, 2],
            )[0]
        if contact.linkedin_status == Status.CONNECTED and contact.connected_on is None:
            contact.connected_on = (
                min(first.occurred_on + datetime.timedelta(days=rng.randint(0, 10)), today)
                if first is not None
                else today - datetime.timedelta(days=rng.randint(60, 2400))
            )

        if person.group == "core":
            contact.closeness = rng.choice([Contact.Closeness.CLOSE, Contact.Closeness.VERY_CLOSE])
        elif person.group == "middle" and rng.random() < 0.5:
            contact.closeness = rng.randint(2, 4)
        elif person.group == "tail" and rng.random() < 0.15:
            contact.closeness = rng.randint(1, 2)
        if rng.random() < (0.5 if person.group == "core" else 0.05):
            contact.notes = rng.choice(CONTACT_NOTES)

    # The owner has already let go of a few people never met, or not heard from in over a year.
    long_ago = today - datetime.timedelta(days=QUIET_DAYS)
    let_go = [
        person
        for person in people
        if person.group == "tail"
        and (not person.interactions or person.last_interaction().occurred_on < long_ago)
    ]
    for person in rng.sample(let_go, 4):
        person.contact.is_archived = True


def _tag(owner, people: list[_Person]) -> None:
    for person in people:
        contact = person.contact
        if SECTORS[person.sector].tag:
            person.tags.append(SECTORS[person.sector].tag)
        if contact.location.startswith("Oslo"):
            person.tags.append("Oslo")
        if "founder" in contact.title.lower():
            person.tags.append("founders")
    names = sorted({name for person in people for name in person.tags})
    tags = Tag.objects.bulk_create(Tag(owner=owner, name=name) for name in names)
    tag_ids = {tag.name: tag.pk for tag in tags}
    Contact.tags.through.objects.bulk_create(
        Contact.tags.through(contact_id=person.contact.pk, tag_id=tag_ids[name])
        for person in people
        for name in dict.fromkeys(person.tags)
    )


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZoneInfo(TIMEZONE))


def _invitations(owner, people: list[_Person], today: datetime.date) -> list[Invitation]:
    """Six incoming invitations waiting for the weekly review and three already decided.

    The contacts behind the linked ones are made not connected (or connected on the day
    the owner accepted), so the invitation and the contact tell the same story.
    """

    def days_ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    def linked(person: _Person, **fields) -> Invitation:
        contact = person.contact
        return Invitation(
            owner=owner,
            contact=contact,
            name=contact.full_name,
            headline=f"{contact.title} at {contact.company}" if contact.company else contact.title,
            profile_url=contact.linkedin_url,
            **fields,
        )

    def stranger(name: str, slug: str, **fields) -> Invitation:
        return Invitation(
            owner=owner, name=name, profile_url=f"https://www.linkedin.com/in/{slug}", **fields
        )

    # Long-tail people met at an event, most recent meeting first.
    met_at_events = sorted(
        (
            person
            for person in people
            if person.group == "tail"
            and person.contact.linkedin_url
            and not person.contact.is_archived
            and person.first_met_at() is not None
        ),
        key=lambda person: person.first_met_at().date,
        reverse=True,
    )
    just_met = met_at_events[0]
    accepted = next(p for p in met_at_events if p.first_met_at().date < days_ago(30))
    pen_friend = next(
        person
        for person in people
        if person.group == "middle"
        and not person.quiet
        and person.contact.linkedin_url
        and person.first_met_at() is None
    )
    for person in (just_met, pen_friend):
        person.contact.linkedin_status = Status.NOT_CONNECTED
        person.contact.connected_on = None
    just_met_at = just_met.first_met_at()
    accepted_met_at = accepted.first_met_at()
    accepted_sent = accepted_met_at.date + datetime.timedelta(days=1)
    accepted_decided = accepted_sent + datetime.timedelta(days=3)
    accepted.contact.linkedin_status = Status.CONNECTED
    accepted.contact.connected_on = accepted_decided

    return [
        linked(
            just_met,
            message=f"Great talking at {just_met_at.name}! Would love to stay in touch.",
            sent_at=_at(just_met_at.date + datetime.timedelta(days=1), 8, 14),
        ),
        linked(
            pen_friend,
            message="Thanks for all the back and forth this year; connecting here as well.",
            sent_at=_at(days_ago(5), 21, 3),
        ),
        stranger(
            "Brandon Miller",
            "brandon-miller-growth",
            headline="Growth hacker | I help climate startups 3x their outbound pipeline",
            message="Hi! Loved your profile. Open to a quick 15-minute chat this week?",
            sent_at=_at(days_ago(2), 10, 41),
        ),
        stranger(
            "Sofie Lund",
            "sofie-lund-energy",
            headline="MSc student in Energy Systems at NTNU",
            message=(
                "Hi! I'm writing my thesis on flexibility markets and found your talk at the "
                "Oslo Energy Meetup really useful. Could I ask you two questions?"
            ),
            sent_at=_at(days_ago(9), 13, 27),
        ),
        stranger(
            "Rahul Verma",
            "rahul-verma-talent",
            headline="Senior Technical Recruiter at TalentBridge",
            sent_at=_at(days_ago(17), 9, 2),
        ),
        stranger(
            "Henrik Aas",
            "henrik-aas",
            headline="Head of Trading at Fjordmark Energi",
            message=(
                "We were both on the speaker list at Storage Europe Forum but never got to "
                "talk. Would be good to connect."
            ),
            sent_at=_at(days_ago(24), 16, 50),
        ),
        linked(
            accepted,
            message=f"Nice meeting you at {accepted_met_at.name}!",
            sent_at=_at(accepted_sent, 7, 45),
            status=Invitation.Status.ACCEPTED,
            decided_at=_at(accepted_decided, 20, 12),
            decision_note=f"Met in person at {accepted_met_at.name}.",
        ),
        stranger(
            "Max Sterling",
            "max-sterling-web3",
            headline="Founder at TokenGrid | Web3 x Energy | Building the future of the kWh",
            message="Let's revolutionise energy together. I have an opportunity for you.",
            sent_at=_at(days_ago(50), 23, 18),
            status=Invitation.Status.DECLINED,
            decided_at=_at(days_ago(47), 19, 30),
            decision_note="Never met or talked; declined politely.",
        ),
        stranger(
            "Laura Chen",
            "laura-chen-recruiting",
            headline="Talent partner at Evergreen Search",
            sent_at=_at(days_ago(72), 11, 5),
            status=Invitation.Status.DECLINED,
            decided_at=_at(days_ago(68), 18, 44),
            decision_note="Recruiter; never met.",
        ),
    ]
