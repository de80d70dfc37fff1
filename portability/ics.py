"""Calendar import (.ics from Google Calendar or Outlook): the meetings the owner had with people
Kith knows, inside a date window. A meeting with one of the owner's contacts is an interaction
and nothing more (a 1:1 is not a gathering); a meeting with several becomes an Event with one
interaction per known attendee.

Repeating events are expanded one series at a time and lazily, so the limits hold while
expanding: a series stops at MAX_PER_SERIES occurrences in the window, the whole file at
MAX_OCCURRENCES, and before anything is expanded the work the rules ask for is estimated
(dateutil walks every repetition from DTSTART to the end of the window, and walks to the year
9999 for a rule that never matches again) and a file over MAX_REPEAT_WORK is refused. Only the
rule shapes calendar apps write are expanded; other rules could make that walk endless.

Occurrences are keyed by UID and the start the calendar first gave them (RECURRENCE-ID), so
importing the same or a newer export updates what is there instead of adding it twice, and a
moved occurrence of a series keeps its key."""

import datetime
import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import icalendar
import recurring_ical_events
from django.db import transaction
from django.utils import timezone

from interactions.models import Event, Interaction
from interactions.stats import contacts_refresh_interaction_stats
from portability.importing import (
    UPSERT_BATCH,
    ContactMatcher,
    ImportFileError,
    ImportSummary,
    Progress,
    clean_text,
    contact_external_id,
    detect_encoding,
    rows_upsert,
)

SOURCE = "ics"
# icalendar holds the whole parsed calendar, about 40 times its size, and parses about 2 MB a
# second here: ten years of a busy Google calendar is a few MB.
MAX_CALENDAR_BYTES = 10 * 1024 * 1024
DEFAULT_WINDOW = datetime.timedelta(days=365)
# A weekly meeting over ten years is 520 times; more than that is a calendar artefact.
MAX_PER_SERIES = 600
MAX_OCCURRENCES = 100_000
# Repetitions dateutil may walk through (a day of a daily rule is one), summed over the file:
# about three seconds of expansion on a small server.
MAX_REPEAT_WORK = 1_000_000
# Days in one step of each frequency, and how much more a step costs than a daily one.
STEP_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 30, "YEARLY": 365}
STEP_COST = {"DAILY": 1, "WEEKLY": 3, "MONTHLY": 3, "YEARLY": 20}
WEEKDAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
# Rule parts a frequency may carry and still match at least every few steps, as written by
# Google Calendar, Outlook and Apple Calendar; BYHOUR, BYMINUTE and BYSECOND are checked apart.
FILTERS = {
    "DAILY": [set(), {"BYDAY"}, {"BYMONTH"}, {"BYDAY", "BYMONTH"}],
    "WEEKLY": [set(), {"BYDAY"}, {"BYMONTH"}, {"BYDAY", "BYMONTH"}],
    "MONTHLY": [set(), {"BYMONTHDAY"}, {"BYDAY"}, {"BYDAY", "BYSETPOS"}],
    "YEARLY": [
        set(),
        {"BYMONTH"},
        {"BYMONTH", "BYMONTHDAY"},
        {"BYMONTH", "BYDAY"},
        {"BYMONTHDAY"},
        {"BYDAY"},
    ],
}
RULE_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYHOUR", "BYMINUTE", "BYSECOND"}
MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
BATCH_SIZE = 500
NO_TITLE = "(no title)"
ROOM_TYPES = {"RESOURCE", "ROOM"}
ROOM_DOMAIN = "resource.calendar.google.com"
VIDEO_HOSTS = ("meet.google.com", "zoom.us", "teams.microsoft.com", "teams.live.com")
# Where Google, RFC 7986 and Outlook put a meeting's joining link.
CONFERENCE_PROPERTIES = (
    "X-GOOGLE-CONFERENCE",
    "CONFERENCE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGCONFLINK",
)
# Google Meet appends its joining instructions between two lines of -::~:~::~ … ::-.
MEET_BLOCK = re.compile(r"-::~[:~]*::-.*?-::~[:~]*::-", re.DOTALL)
# Properties without which an event cannot be placed in time; an event with one of them
# unreadable is skipped (and listed) rather than failing the whole calendar.
TIME_PROPERTIES = {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}
# What icalendar and recurring-ical-events raise on input they cannot make sense of.
PARSE_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError, OverflowError)


@dataclass
class _Meeting:
    """One occurrence of a calendar event with at least one of the owner's contacts."""

    key: str
    name: str
    date: datetime.date
    place: str
    notes: str
    kind: str
    initiators: dict[int, str]  # contact pk → initiated_by


def ics_import(
    owner,
    path: Path,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    name: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import the meetings in the .ics at path that started between since and until (inclusive;
    by default the last 12 months up to today). Raises ImportFileError, saving nothing, when
    the file cannot be read as a calendar. Meetings after today are left out: an interaction
    is something that already happened."""
    name = name or path.name
    today = timezone.localdate()
    if since and until and since > until:
        raise ImportFileError(f"The window starts ({since}) after it ends ({until}).")
    until = min(until or today, today)
    since = since or until - DEFAULT_WINDOW
    summary = ImportSummary()
    calendar = _read_calendar(path, name)
    meetings, skipped = _meetings(calendar, owner, since, until, summary, name)
    if progress:
        progress("meetings", len(meetings))
    with transaction.atomic():
        event_pks = _save_events(owner, meetings, summary)
        if progress:
            progress("events", len(event_pks))
        touched = _save_interactions(owner, meetings, event_pks, summary)
        _delete_events_of_one_to_ones(owner, meetings)
        if touched:
            contacts_refresh_interaction_stats(touched)
    # Counted, not listed one by one: a calendar holds years of events nobody wants to read.
    for reason, number in skipped.items():
        summary.count(reason, "skipped", number)
    return summary


def _read_calendar(path: Path, name: str) -> icalendar.Calendar:
    if path.stat().st_size > MAX_CALENDAR_BYTES:
        raise ImportFileError(
            f"{name} is larger than {MAX_CALENDAR_BYTES // 2**20} MB, more than Kith reads as "
            "one calendar. Export a shorter period, or one calendar at a time."
        )
    text = path.read_text(encoding=detect_encoding(lambda: path.open("rb"), name))
    text = text.replace("\x00", "").strip()
    if not text[:20].upper().startswith("BEGIN:VCALENDAR"):
        raise ImportFileError(
            f"{name} is not a calendar file (.ics): it does not start with BEGIN:VCALENDAR. "
            "Export your calendar from Google Calendar or Outlook as .ics."
        )
    if not text[-20:].upper().endswith("END:VCALENDAR"):
        raise ImportFileError(
            f"{name} ends before END:VCALENDAR: the file looks cut off. "
            "Download or export it again."
        )
    try:
        return icalendar.Calendar.from_ical(text)
    except PARSE_ERRORS as error:
        raise _damaged(name, error) from error


def _damaged(name: str, error: Exception) -> ImportFileError:
    return ImportFileError(
        f"{name} is damaged and could not be read as a calendar ({str(error)[:200]}). "
        "Export it again from Google Calendar or Outlook."
    )


def _meetings(
    calendar: icalendar.Calendar,
    owner,
    since: datetime.date,
    until: datetime.date,
    summary: ImportSummary,
    name: str,
) -> tuple[list[_Meeting], Counter]:
    """The occurrences inside the window with at least one known attendee, one per key, and
    how many events were left out for each reason."""
    _drop_unreadable_events(calendar, summary, name)
    matcher = ContactMatcher(owner)
    owner_emails = {owner.email.lower()} - {""}
    calendar_address = str(calendar.get("X-WR-CALNAME", "")).strip().lower()
    if "@" in calendar_address:
        # Google names an exported primary calendar after its owner's address.
        owner_emails.add(calendar_address)
    uids_in_window: set[str] = set()
    meetings: dict[str, _Meeting] = {}
    skipped: Counter = Counter()
    try:
        for occurrence, day in _occurrences(calendar, since, until, summary, name):
            uids_in_window.add(str(occurrence["UID"]))
            if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
                skipped["cancelled events"] += 1
                continue
            if any(_email(a) in owner_emails and _declined(a) for a in occurrence.attendees):
                skipped["events you declined"] += 1
                continue
            initiators = _participants(occurrence, matcher, owner_emails)
            if not initiators:
                skipped["events with no attendee in your contacts"] += 1
                continue
            meeting = _meeting(occurrence, day, initiators)
            meetings.setdefault(meeting.key, meeting)
    except PARSE_ERRORS as error:
        raise _damaged(name, error) from error
    # Read after expanding: the series left out are listed, not counted as outside the window.
    all_uids = {str(event.get("UID", "")) for event in calendar.walk("VEVENT")}
    skipped["events outside the window"] = len(all_uids - uids_in_window)
    return list(meetings.values()), skipped


def _occurrences(
    calendar: icalendar.Calendar,
    since: datetime.date,
    until: datetime.date,
    summary: ImportSummary,
    name: str,
) -> Iterator[tuple[icalendar.Event, datetime.date]]:
    """Each occurrence that starts inside the window, with its local date, one series at a
    time and generated only as it is read, so that no limit waits for the whole calendar."""
    # A day either side: bounds given as dates are compared in each event's own time zone;
    # the exact window is applied on the local date of each start.
    start, stop = since - datetime.timedelta(days=1), until + datetime.timedelta(days=2)
    _drop_unexpandable_series(calendar, summary, name, stop)
    query = recurring_ical_events.of(calendar)
    total = 0
    for series in query.series:
        kept = 0
        for occurrence in series.between(start, stop):
            component = occurrence.as_component(query.keep_recurrence_attributes)
            day = _local_date(component.start)
            if not since <= day <= until:
                continue
            kept += 1
            if kept > MAX_PER_SERIES:
                title = clean_text(str(component.get("SUMMARY", "")), 100) or NO_TITLE
                summary.skip(
                    name,
                    None,
                    f"“{title}” repeats more than {MAX_PER_SERIES} times in the window; only the first {MAX_PER_SERIES} are imported.",
                )
                break
            total += 1
            if total > MAX_OCCURRENCES:
                raise ImportFileError(
                    f"{name} has more than {MAX_OCCURRENCES:,} meetings in this window; choose a shorter window."
                )
            yield component, day


def _drop_unexpandable_series(
    calendar: icalendar.Calendar, summary: ImportSummary, name: str, stop: datetime.date
) -> None:
    """Leave out the series Kith cannot expand safely (repeating more often than meetings do,
    or by a rule no calendar app writes), and refuse the file when expanding the rest would
    take longer than any real calendar needs."""
    kept, work = [], 0
    for component in calendar.subcomponents:
        rule = component.get("RRULE") if component.name == "VEVENT" else None
        rules = rule if isinstance(rule, list) else [rule] if rule else []
        problem = next((problem for r in rules if (problem := _unexpandable(r))), "")
        if problem:
            title = clean_text(str(component.get("SUMMARY", "")), 100) or NO_TITLE
            summary.skip(name, None, f"“{title}” {problem}; it was left out.")
            continue
        kept.append(component)
        if component.name == "VEVENT":
            first = _local_date(component.decoded("DTSTART"))
            work += 1 + sum(_repeat_work(r, first, stop) for r in rules)
    if work > MAX_REPEAT_WORK:
        raise ImportFileError(
            f"{name} has more repeating events than Kith expands at once (each day of a daily "
            "series counts, from its first day). Export a shorter period of your calendar, or "
            "one calendar at a time, and import each file."
        )
    calendar.subcomponents = kept


def _frequency(rule) -> str:
    return str((rule.get("FREQ") or [""])[0]).upper()


def _interval(rule) -> int:
    return max(int((rule.get("INTERVAL") or [1])[0]), 1)


def _unexpandable(rule) -> str:
    """Why a repeat rule is not expanded, or "" when it is."""
    frequency = _frequency(rule)
    if (
        frequency in {"SECONDLY", "MINUTELY", "HOURLY"}
        or len(rule.get("BYSECOND", [])) > 1
        or len(rule.get("BYMINUTE", [])) > 1
        or len(rule.get("BYHOUR", [])) > 4
    ):
        return "repeats more often than meetings do"
    filters = {part.upper() for part in rule} - RULE_PARTS
    try:
        regular = filters in FILTERS.get(frequency, []) and _comes_round(rule, frequency)
    except (ValueError, TypeError):
        regular = False
    return "" if regular else "repeats by a rule calendar apps do not write"


def _comes_round(rule, frequency: str) -> bool:
    """Whether the rule's days come round within a few steps, as the days of every rule a
    calendar app writes do. dateutil walks step by step until the next match, to the year 9999
    for a rule that never matches (every 31 February), so no other rule is expanded."""
    interval = _interval(rule)
    days = [str(day).upper() for day in rule.get("BYDAY", [])]
    if any(day[-2:] not in WEEKDAYS for day in days):
        return False
    ordinals = [int(day[:-2]) for day in days if day[:-2]]
    months = [int(month) for month in rule.get("BYMONTH", [])]
    month_days = [int(day) for day in rule.get("BYMONTHDAY", [])]
    positions = [int(position) for position in rule.get("BYSETPOS", [])]
    # With an interval the same few months may come round forever: only days all months have.
    longest_ordinal, longest_month = (5, 31) if interval == 1 else (4, 28)
    if not all(1 <= month <= 12 for month in months):
        return False
    if frequency in {"DAILY", "WEEKLY"}:
        # Every seventh day is always the same weekday: the wrong one would never match.
        return not ordinals and not (frequency == "DAILY" and days and interval % 7 == 0)
    if frequency == "MONTHLY":
        return (
            all(1 <= abs(n) <= longest_ordinal for n in ordinals)
            and not (positions and ordinals)
            and all(1 <= abs(p) <= 4 * len(days) for p in positions)
            and all(1 <= abs(day) <= longest_month for day in month_days)
        )
    lengths = [MONTH_DAYS[month - 1] for month in months] or [31]
    if interval > 1:
        lengths = [min(length, 28) for length in lengths]
    return all(1 <= abs(day) <= max(lengths) for day in month_days) and all(
        1 <= abs(n) <= (longest_ordinal if months else 52) for n in ordinals
    )


def _repeat_work(rule, first: datetime.date, stop: datetime.date) -> int:
    """About how many steps dateutil takes to expand the rule from its first day to stop."""
    frequency = _frequency(rule)
    end = stop
    if rule.get("UNTIL"):
        end = min(end, _local_date(rule["UNTIL"][0]))
    steps = max((end - first).days, 0) // (STEP_DAYS[frequency] * _interval(rule)) + 1
    return steps * STEP_COST[frequency] * max(len(rule.get("BYHOUR", [])), 1)


def _drop_unreadable_events(calendar: icalendar.Calendar, summary: ImportSummary, name: str):
    kept = []
    for component in calendar.subcomponents:
        problem = _problem(component) if component.name == "VEVENT" else ""
        if problem:
            title = clean_text(str(component.get("SUMMARY", "")), 200) or NO_TITLE
            summary.skip(name, None, f"“{title}”: {problem}")
        else:
            kept.append(component)
    calendar.subcomponents = kept


def _problem(event: icalendar.Event) -> str:
    if not str(event.get("UID", "")).strip():
        return "the event has no UID, so it could not be told apart from others"
    if "DTSTART" not in event:
        return "the event has no start (DTSTART)"
    broken = sorted({prop for prop, _message in event.errors if prop in TIME_PROPERTIES})
    return f"unreadable {', '.join(broken)}" if broken else ""


def _local_date(start: datetime.date | datetime.datetime) -> datetime.date:
    # A datetime carries the event's own time zone (Windows names from Outlook are mapped
    # to IANA ones by icalendar), so its date is the date where the meeting took place.
    return start.date() if isinstance(start, datetime.datetime) else start


def _participants(event: icalendar.Event, matcher: ContactMatcher, owner_emails: set[str]):
    """The owner's contacts at the event, each with who reached out: the organizer counts as an
    attendee; the owner, rooms and people who declined do not."""
    organizer = _email(event.get("ORGANIZER"))
    initiators: dict[int, str] = {}
    if organizer in owner_emails:
        initiated_by = Interaction.Initiator.ME
    else:
        initiated_by = Interaction.Initiator.MUTUAL
        contact = matcher.match(email=organizer) if organizer else None
        if contact:
            initiators[contact] = Interaction.Initiator.THEM
    for attendee in event.attendees:
        email = _email(attendee)
        if not email or email in owner_emails or _is_room(attendee) or _declined(attendee):
            continue
        contact = matcher.match(email=email)
        if contact:
            initiators.setdefault(contact, initiated_by)
    return initiators


def _email(address) -> str:
    value = str(address or "").strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    return value.lower() if "@" in value else ""


def _is_room(attendee) -> bool:
    user_type = attendee.params.get("CUTYPE", "").upper()
    return user_type in ROOM_TYPES or _email(attendee).endswith("@" + ROOM_DOMAIN)


def _declined(attendee) -> bool:
    return attendee.params.get("PARTSTAT", "").upper() == "DECLINED"


def _meeting(
    occurrence: icalendar.Event, day: datetime.date, initiators: dict[int, str]
) -> _Meeting:
    location = str(occurrence.get("LOCATION", ""))
    description = str(occurrence.get("DESCRIPTION", ""))
    place = clean_text(location, 200)
    rooms = [
        attendee.params.get("CN", "").casefold()
        for attendee in occurrence.attendees
        if _is_room(attendee)
    ]
    in_a_room = any(room and room in place.casefold() for room in rooms)
    conference = " ".join(str(occurrence.get(prop, "")) for prop in CONFERENCE_PROPERTIES)
    links = f"{location} {description} {occurrence.get('URL', '')} {conference}".lower()
    if any(host in links for host in VIDEO_HOSTS) or (
        # RFC 7986 CONFERENCE: a joining link is video, a dial-in number (tel:) is a call.
        conference.strip() and not conference.strip().lower().startswith("tel:")
    ):
        kind = Interaction.Kind.VIDEO
    elif place and not in_a_room:
        kind = Interaction.Kind.IN_PERSON
    else:
        kind = Interaction.Kind.CALL
    return _Meeting(
        key=_occurrence_key(occurrence),
        name=clean_text(str(occurrence.get("SUMMARY", "")), 200) or NO_TITLE,
        date=day,
        place=place,
        notes=MEET_BLOCK.sub("", description).replace("\x00", "").strip(),
        kind=kind,
        initiators=initiators,
    )


def _occurrence_key(occurrence: icalendar.Event) -> str:
    """UID and the start the calendar first gave this occurrence, in UTC when it has a zone."""
    uid = str(occurrence["UID"]).strip()
    if len(uid) > 200:
        uid = "sha256:" + hashlib.sha256(uid.encode()).hexdigest()
    recurrence_id = occurrence.get("RECURRENCE-ID")
    start = recurrence_id.dt if recurrence_id is not None else occurrence.start
    if isinstance(start, datetime.datetime) and start.tzinfo is not None:
        start = start.astimezone(datetime.UTC)
    return f"{uid}|{start.isoformat()}"


def _save_events(owner, meetings: list[_Meeting], summary: ImportSummary) -> dict[str, int]:
    """Create or update one Event per gathering (a meeting with several of the owner's
    contacts); returns the event pk for each key."""
    wanted = {
        meeting.key: {
            "name": meeting.name,
            "date": meeting.date,
            "place": meeting.place,
            "notes": meeting.notes,
        }
        for meeting in meetings
        if len(meeting.initiators) > 1
    }
    events = rows_upsert(
        Event, owner, SOURCE, wanted, summary, "events", update=("name", "date", "place", "notes")
    )
    return {key: event.pk for key, event in events.items()}


def _save_interactions(
    owner, meetings: list[_Meeting], event_pks: dict[str, int], summary: ImportSummary
) -> set[int]:
    """Create or update one Interaction per meeting and contact; returns the contacts touched.
    A 1:1 has no Event, so its interaction carries what the meeting was about."""
    wanted: dict[str, dict] = {}
    for meeting in meetings:
        event_pk = event_pks.get(meeting.key)
        note = (
            "" if event_pk else "\n\n".join(part for part in (meeting.name, meeting.notes) if part)
        )
        for contact, initiated_by in meeting.initiators.items():
            wanted[contact_external_id(f"ics:{meeting.key}", contact)] = {
                "contact_id": contact,
                "event_id": event_pk,
                "occurred_on": meeting.date,
                "kind": meeting.kind,
                "initiated_by": initiated_by,
                "note": note,
            }
    update = ("event_id", "occurred_on", "kind", "initiated_by", "note")
    rows_upsert(
        Interaction,
        owner,
        Interaction.Source.IMPORT,
        wanted,
        summary,
        "interactions",
        update=update,
    )
    return {values["contact_id"] for values in wanted.values()}


def _delete_events_of_one_to_ones(owner, meetings: list[_Meeting]) -> None:
    """An Event an earlier import made for what is now a 1:1 goes, once nothing points to it
    (a newer export with one attendee left, or a calendar imported before 1:1s stopped being
    Events). An Event the owner has added people to stays."""
    keys = [meeting.key for meeting in meetings if len(meeting.initiators) == 1]
    for batch in itertools.batched(keys, UPSERT_BATCH):
        Event.objects.owned_by(owner).filter(
            source=SOURCE, external_id__in=batch, interactions__isnull=True
        ).delete()
