"""Calendar import (.ics from Google Calendar or Outlook): the meetings the owner had with people
Kith knows become events, with one interaction per known attendee, inside a date window.

Occurrences are keyed by UID and the start the calendar first gave them (RECURRENCE-ID), so
importing the same or a newer export updates what is there instead of adding it twice, and a
moved occurrence of a series keeps its key."""

import datetime
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import icalendar
import recurring_ical_events
from django.db import transaction
from django.utils import timezone

from interactions.models import Event, Interaction
from interactions.stats import contacts_refresh_interaction_stats
from portability.importing import (
    MAX_UPLOAD_BYTES,
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
DEFAULT_WINDOW = datetime.timedelta(days=365)
# A weekly meeting over ten years is 520 times; more than that is a calendar artefact.
MAX_PER_SERIES = 600
MAX_OCCURRENCES = 100_000
BATCH_SIZE = 500
NO_TITLE = "(no title)"
ROOM_TYPES = {"RESOURCE", "ROOM"}
ROOM_DOMAIN = "resource.calendar.google.com"
VIDEO_HOSTS = ("meet.google.com", "zoom.us", "teams.microsoft.com")
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
        if touched:
            contacts_refresh_interaction_stats(touched)
    # Counted, not listed one by one: a calendar holds years of events nobody wants to read.
    for reason, number in skipped.items():
        summary.count(reason, "skipped", number)
    return summary


def _read_calendar(path: Path, name: str) -> icalendar.Calendar:
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise ImportFileError(f"{name} is larger than Kith accepts for a calendar.")
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
    all_uids = {str(event.get("UID", "")) for event in calendar.walk("VEVENT")}
    uids_in_window: set[str] = set()
    meetings: dict[str, _Meeting] = {}
    skipped: Counter = Counter()
    try:
        # A day either side: bounds given as dates are compared in each event's own time
        # zone; the exact window is applied below on the local date of each start.
        _drop_dense_series(calendar, summary, name)
        # A day either side: bounds given as dates are compared in each event's own time
        # zone; the exact window is applied below on the local date of each start.
        occurrences = recurring_ical_events.of(calendar).between(
            since - datetime.timedelta(days=1), until + datetime.timedelta(days=2)
        )
        if len(occurrences) > MAX_OCCURRENCES:
            raise ImportFileError(
                f"{name} has more than {MAX_OCCURRENCES:,} meetings in this window; choose a shorter window."
            )
        per_series: Counter = Counter()
        for occurrence in occurrences:
            day = _local_date(occurrence.start)
            if not since <= day <= until:
                continue
            uid = str(occurrence["UID"])
            uids_in_window.add(uid)
            per_series[uid] += 1
            if per_series[uid] > MAX_PER_SERIES:
                if per_series[uid] == MAX_PER_SERIES + 1:
                    title = clean_text(str(occurrence.get("SUMMARY", "")), 100) or NO_TITLE
                    summary.skip(
                        name,
                        None,
                        f"“{title}” repeats more than {MAX_PER_SERIES} times in the window; only the first {MAX_PER_SERIES} are imported.",
                    )
                continue
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
    skipped["events outside the window"] = len(all_uids - uids_in_window)
    return list(meetings.values()), skipped


def _drop_dense_series(calendar: icalendar.Calendar, summary: ImportSummary, name: str) -> None:
    """Series that repeat more often than any meeting does (every minute, every hour) are left
    out before expanding them, which could otherwise take forever."""
    kept = []
    for component in calendar.subcomponents:
        rule = component.get("RRULE") if component.name == "VEVENT" else None
        rules = rule if isinstance(rule, list) else [rule] if rule else []
        if any(_too_dense(r) for r in rules):
            title = clean_text(str(component.get("SUMMARY", "")), 100) or NO_TITLE
            summary.skip(
                name, None, f"“{title}” repeats more often than meetings do; it was left out."
            )
        else:
            kept.append(component)
    calendar.subcomponents = kept


def _too_dense(rule) -> bool:
    frequency = str((rule.get("FREQ") or [""])[0]).upper()
    return (
        frequency in {"SECONDLY", "MINUTELY", "HOURLY"}
        or len(rule.get("BYSECOND", [])) > 1
        or len(rule.get("BYMINUTE", [])) > 1
        or len(rule.get("BYHOUR", [])) > 4
    )


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
    links = f"{location} {description}".lower()
    if "X-GOOGLE-CONFERENCE" in occurrence or any(host in links for host in VIDEO_HOSTS):
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
    """Create or update one Event per meeting; returns the event pk for each key."""
    wanted = {
        meeting.key: {
            "name": meeting.name,
            "date": meeting.date,
            "place": meeting.place,
            "notes": meeting.notes,
        }
        for meeting in meetings
    }
    events = rows_upsert(
        Event, owner, SOURCE, wanted, summary, "events", update=("name", "date", "place", "notes")
    )
    return {key: event.pk for key, event in events.items()}


def _save_interactions(
    owner, meetings: list[_Meeting], event_pks: dict[str, int], summary: ImportSummary
) -> set[int]:
    """Create or update one Interaction per meeting and contact; returns the contacts touched."""
    wanted: dict[str, dict] = {}
    for meeting in meetings:
        for contact, initiated_by in meeting.initiators.items():
            wanted[contact_external_id(f"ics:{meeting.key}", contact)] = {
                "contact_id": contact,
                "event_id": event_pks[meeting.key],
                "occurred_on": meeting.date,
                "kind": meeting.kind,
                "initiated_by": initiated_by,
            }
    update = ("event_id", "occurred_on", "kind", "initiated_by")
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
