import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from interactions.models import Event, Interaction
from network.models import Contact
from portability.ics import ics_import
from portability.importing import ImportFileError
from tests.factories import ContactFactory
from tests.portability.conftest import FIXTURES

MEETINGS = FIXTURES / "contacts" / "meetings.ics"
Q1 = {"since": datetime.date(2026, 1, 1), "until": datetime.date(2026, 3, 31)}
PEOPLE = {
    "Zoë": "zoe.angstrom@example.com",
    "Marcus": "marcus.chen@example.com",
    "Hannah": "hannah.schmidt@example.net",
    "Priya": "priya.raman@example.com",
    "Tomás": "tomas.garcia@example.com",
    "Sam": "sam.okafor@example.org",
    "José": "jose.nunez@example.com",
}
MARCUS_TUESDAYS = [
    datetime.date(2026, 1, 6) + datetime.timedelta(weeks=week)
    for week in range(13)
    if week != 6  # 17 February is an EXDATE
]


@pytest.fixture
def people(owner) -> dict[str, Contact]:
    return {
        name: ContactFactory(owner=owner, full_name=name, email=email)
        for name, email in PEOPLE.items()
    }


def _met(event: Event) -> set[str]:
    return {interaction.contact.full_name for interaction in event.interactions.all()}


def _database() -> tuple[int, int]:
    return Event.objects.count(), Interaction.objects.count()


def test_a_coffee_with_one_contact_is_an_in_person_interaction_without_an_event(owner, people):
    ics_import(owner, MEETINGS, **Q1)

    assert not Event.objects.filter(name__startswith="Coffee").exists()
    interaction = people["Zoë"].interactions.get()
    assert interaction.event is None
    assert interaction.note.startswith(
        "Coffee with Zoë (Nordlys)\n\nCoffee + walk through the lakehouse deck."
    )
    assert interaction.kind == Interaction.Kind.IN_PERSON  # at Café Einstein
    assert interaction.occurred_on == datetime.date(2026, 3, 12)
    # The calendar is the owner's (Google names it after their address) and they organised it.
    assert interaction.initiated_by == Interaction.Initiator.ME
    people["Zoë"].refresh_from_db()
    assert people["Zoë"].last_interaction_on == datetime.date(2026, 3, 12)
    assert people["Zoë"].in_person_count == 1


def test_a_weekly_one_to_one_adds_interactions_and_no_events(owner, people):
    ics_import(owner, MEETINGS, **Q1)

    assert not Event.objects.filter(name__startswith="Jordan / Marcus").exists()
    calls = people["Marcus"].interactions.filter(note__startswith="Jordan / Marcus 1:1")
    # Expanded without the EXDATE and with the moved occurrence.
    assert sorted(calls.values_list("occurred_on", flat=True)) == MARCUS_TUESDAYS
    assert set(calls.values_list("kind", flat=True)) == {Interaction.Kind.VIDEO}  # Google Meet
    assert set(calls.values_list("event", flat=True)) == {None}
    moved = calls.get(occurred_on=datetime.date(2026, 3, 3))
    assert moved.note.startswith("Jordan / Marcus 1:1 (moved)")
    weekly = calls.get(occurred_on=datetime.date(2026, 3, 10))
    assert weekly.note == (
        "Jordan / Marcus 1:1\n\nWeekly sync on the Wayne Enterprises partnership."
    )


def test_an_all_day_event_meets_everyone_who_did_not_decline(owner, people):
    ics_import(owner, MEETINGS, **Q1)

    offsite = Event.objects.get(owner=owner, name="Berlin Product Week + Q2 offsite")
    assert offsite.date == datetime.date(2026, 3, 23)
    assert offsite.place == "Beispiel AG, Berlin"
    # Hannah is tentative, Marcus is invited as Marcus.Chen@example.com.
    assert _met(offsite) == {"Hannah", "Priya", "Marcus"}


def test_a_call_in_a_booked_room_skips_the_room_and_whoever_declined(owner, people):
    ics_import(owner, MEETINGS, **Q1)

    intro = Event.objects.get(owner=owner, name__startswith="Acme Widgets")
    assert intro.date == datetime.date(2026, 3, 12)
    # José organised it, so he was there too; Tomás declined; the room is not a person.
    assert _met(intro) == {"Priya", "José"}
    assert set(intro.interactions.values_list("kind", flat=True)) == {Interaction.Kind.CALL}
    assert intro.interactions.get(contact=people["José"]).initiated_by == "them"
    assert not people["Tomás"].interactions.exists()


def test_cancelled_events_and_events_without_contacts_create_nothing(owner, people):
    summary = ics_import(owner, MEETINGS, **Q1)

    assert not Event.objects.filter(name__in=["Dinner with Sam", "Focus time"]).exists()
    assert not people["Sam"].interactions.exists()
    assert summary.counts["cancelled events"]["skipped"] == 1
    assert summary.counts["events with no attendee in your contacts"]["skipped"] == 1
    assert summary.counts["events"]["created"] == 2  # the offsite and the intro
    # Zoë's coffee, Marcus's 12 one-to-ones, three at the offsite and two at the intro.
    assert summary.counts["interactions"]["created"] == 18
    assert summary.skipped == []


def test_an_event_the_owner_declined_is_not_a_meeting(owner, people, tmp_path):
    declined = tmp_path / "declined.ics"
    declined.write_bytes(
        MEETINGS.read_bytes().replace(
            b"PARTSTAT=ACCEPTED;RSVP=TRUE\r\n ;CN=Jordan Avery",
            b"PARTSTAT=DECLINED;RSVP=TRUE\r\n ;CN=Jordan Avery",
            1,
        )
    )

    summary = ics_import(owner, declined, **Q1)

    assert not people["Zoë"].interactions.exists()
    assert summary.counts["events you declined"]["skipped"] == 1


def test_a_window_that_excludes_everything_creates_nothing(owner, people):
    summary = ics_import(
        owner, MEETINGS, since=datetime.date(2024, 1, 1), until=datetime.date(2024, 12, 31)
    )

    assert _database() == (0, 0)
    assert summary.counts["events outside the window"]["skipped"] == 6
    assert summary.skipped == []


def test_recurring_events_are_not_expanded_beyond_the_window(owner, people):
    ics_import(owner, MEETINGS, since=datetime.date(2026, 2, 1), until=datetime.date(2026, 2, 28))

    days = Interaction.objects.filter(owner=owner).values_list("occurred_on", flat=True)
    assert sorted(days) == [datetime.date(2026, 2, day) for day in (3, 10, 24)]


def test_without_since_the_window_is_the_twelve_months_before_until(owner, people):
    summary = ics_import(owner, MEETINGS, until=datetime.date(2026, 1, 31))

    # Only January's one-to-ones; the series started in January 2026.
    assert summary.counts["interactions"]["created"] == 4
    assert not Event.objects.exists()


def test_importing_again_changes_nothing(owner, people):
    ics_import(owner, MEETINGS, **Q1)
    before = list(Interaction.objects.order_by("pk").values())

    summary = ics_import(owner, MEETINGS, **Q1)

    assert summary.counts["events"] == {"unchanged": 2}
    assert summary.counts["interactions"] == {"unchanged": 18}
    assert list(Interaction.objects.order_by("pk").values()) == before


def test_a_newer_export_updates_a_moved_occurrence_in_place(owner, people, tmp_path):
    ics_import(owner, MEETINGS, **Q1)
    newer = tmp_path / "newer.ics"
    newer.write_bytes(
        MEETINGS.read_bytes()
        .replace(b"New_York:20260303T140000", b"New_York:20260305T140000")
        .replace(b"New_York:20260303T143000", b"New_York:20260305T143000")
        .replace(b"SUMMARY:Jordan / Marcus 1:1 (moved)", b"SUMMARY:Jordan / Marcus 1:1 (Thursday)")
    )

    summary = ics_import(owner, newer, **Q1)

    assert summary.counts["events"] == {"unchanged": 2}
    assert summary.counts["interactions"] == {"updated": 1, "unchanged": 17}
    moved = people["Marcus"].interactions.get(note__startswith="Jordan / Marcus 1:1 (Thursday)")
    assert moved.occurred_on == datetime.date(2026, 3, 5)
    assert people["Marcus"].interactions.filter(note__startswith="Jordan / Marcus").count() == 12


def test_contacts_of_another_user_are_never_matched(owner, other_user):
    theirs = ContactFactory(owner=other_user, email=PEOPLE["Zoë"])

    summary = ics_import(owner, MEETINGS, **Q1)

    assert _database() == (0, 0)
    assert not theirs.interactions.exists()
    assert summary.counts["events with no attendee in your contacts"]["skipped"] == 16


def test_a_meeting_imported_as_an_event_before_is_a_one_to_one_again(owner, people):
    ics_import(owner, MEETINGS, **Q1)
    # What importing this calendar gave before a 1:1 stopped being an Event.
    for interaction in people["Marcus"].interactions.filter(event=None):
        key = interaction.external_id.removeprefix("ics:").rpartition("#c")[0]
        interaction.event = Event.objects.create(
            owner=owner,
            name="1 person met",
            date=interaction.occurred_on,
            source="ics",
            external_id=key,
        )
        interaction.save()

    summary = ics_import(owner, MEETINGS, **Q1)

    assert summary.counts["interactions"] == {"updated": 12, "unchanged": 6}
    assert not Event.objects.filter(name="1 person met").exists()
    assert Event.objects.count() == 2


def test_an_event_the_owner_added_someone_to_is_kept(owner, people):
    ics_import(owner, MEETINGS, **Q1)
    zoe = people["Zoë"].interactions.get()
    coffee = Event.objects.create(
        owner=owner,
        name="Coffee",
        date=zoe.occurred_on,
        source="ics",
        external_id=zoe.external_id.removeprefix("ics:").rpartition("#c")[0],
    )
    Interaction.objects.create(
        owner=owner, contact=people["Sam"], event=coffee, occurred_on=zoe.occurred_on
    )

    ics_import(owner, MEETINGS, **Q1)

    assert Event.objects.filter(pk=coffee.pk).exists()


ONE_MEETING = """\
BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:{uid}
DTSTART:20260310T090000Z
DTEND:20260310T100000Z
SUMMARY:Catch-up
ATTENDEE:mailto:zoe.angstrom@example.com
{extra}
END:VEVENT
END:VCALENDAR
"""


@pytest.mark.parametrize(
    ("extra", "kind"),
    [
        ("LOCATION:https://teams.microsoft.com/l/meetup-join/19%3ameeting", "video"),
        ("DESCRIPTION:Join Zoom Meeting\\nhttps://us02web.zoom.us/j/8512345678", "video"),
        ("X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij", "video"),
        ("CONFERENCE;VALUE=URI;FEATURE=VIDEO:https://video.example.com/room/7", "video"),
        ("X-MICROSOFT-SKYPETEAMSMEETINGURL:https://teams.microsoft.com/l/meetup-join/x", "video"),
        ("CONFERENCE;VALUE=URI;FEATURE=PHONE:tel:+4722000000", "call"),
        ("LOCATION:Kaffebrenneriet\\, Torggata 1\\, Oslo", "in_person"),
        ("LOCATION:", "call"),
    ],
)
def test_the_kind_of_a_one_to_one_comes_from_the_meeting(owner, people, tmp_path, extra, kind):
    path = tmp_path / "one.ics"
    path.write_text(ONE_MEETING.format(uid="catch-up", extra=extra), encoding="utf-8")

    ics_import(owner, path, **Q1)

    assert people["Zoë"].interactions.get().kind == kind
    assert not Event.objects.exists()


HOSTILE = FIXTURES / "contacts" / "daily-standups-since-1990.ics"


def test_a_small_calendar_of_daily_standups_since_1990_is_refused_before_expanding(owner, people):
    # 4.5 KB: 23 series, four times a day since 1990. It used to take 51 s and 3 GB.
    ContactFactory(owner=owner, full_name="Ann", email="ann@example.org")

    with pytest.raises(ImportFileError, match="more repeating events than Kith expands at once"):
        ics_import(owner, HOSTILE, since=datetime.date(1990, 1, 1))

    assert _database() == (0, 0)


def test_a_few_daily_standups_since_1990_are_cut_at_the_limit_of_each_series(
    owner, people, tmp_path
):
    ann = ContactFactory(owner=owner, full_name="Ann", email="ann@example.org")
    data = HOSTILE.read_bytes()
    two = tmp_path / "two.ics"
    two.write_bytes(data[: data.index(b"BEGIN:VEVENT\r\nUID:standup-2@")] + b"END:VCALENDAR\r\n")

    summary = ics_import(owner, two, since=datetime.date(1990, 1, 1))

    assert ann.interactions.count() == 2 * 600
    assert not Event.objects.exists()
    assert [skip["reason"] for skip in summary.skipped] == [
        f"“Standup {n}” repeats more than 600 times in the window; only the first 600 are imported."
        for n in (0, 1)
    ]


def test_a_calendar_larger_than_kith_reads_at_once_is_refused(owner, people, monkeypatch):
    monkeypatch.setattr("portability.ics.MAX_CALENDAR_BYTES", 1000)

    with pytest.raises(
        ImportFileError, match=r"meetings\.ics is larger than .* Export a shorter period"
    ):
        ics_import(owner, MEETINGS, **Q1)

    assert _database() == (0, 0)


def test_the_meetings_of_a_whole_file_are_limited_while_expanding(owner, people, monkeypatch):
    monkeypatch.setattr("portability.ics.MAX_OCCURRENCES", 10)

    with pytest.raises(ImportFileError, match="more than 10 meetings in this window"):
        ics_import(owner, MEETINGS, **Q1)

    assert _database() == (0, 0)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31",  # never: dateutil would walk to the year 9999
        "FREQ=DAILY;INTERVAL=7;BYDAY=WE",  # every seventh day is always a Tuesday
        "FREQ=MONTHLY;BYDAY=1MO;BYSETPOS=2",
        "FREQ=WEEKLY;BYYEARDAY=200",
        "FREQ=DAILY;BYMONTH=13",
    ],
)
def test_a_rule_that_may_never_come_round_is_left_out(owner, people, tmp_path, rule):
    path = tmp_path / "odd.ics"
    path.write_text(
        ONE_MEETING.format(uid="odd", extra=f"RRULE:{rule}").replace("20260310", "19900102"),
        encoding="utf-8",
    )

    summary = ics_import(owner, path, **Q1)

    assert _database() == (0, 0)
    assert summary.skipped[0]["reason"] == (
        "“Catch-up” repeats by a rule calendar apps do not write; it was left out."
    )


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",  # the last weekday of the month
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;BYMONTHDAY=10",
        "FREQ=YEARLY;BYMONTH=3;BYDAY=2TU",
        "FREQ=DAILY;INTERVAL=3;COUNT=1000",
    ],
)
def test_the_rules_calendar_apps_write_are_expanded(owner, people, tmp_path, rule):
    path = tmp_path / "usual.ics"
    path.write_text(
        ONE_MEETING.format(uid="usual", extra=f"RRULE:{rule}").replace("20260310", "20250102"),
        encoding="utf-8",
    )

    summary = ics_import(owner, path, **Q1)

    assert people["Zoë"].interactions.exists()
    assert summary.skipped == []


def test_the_owner_is_not_an_attendee_even_as_a_contact(owner, people):
    ContactFactory(owner=owner, full_name="Me", email="Jordan.Avery@example.com")
    ContactFactory(owner=owner, full_name="Also me", email=owner.email)

    ics_import(owner, MEETINGS, **Q1)

    assert not Interaction.objects.filter(contact__full_name__in=["Me", "Also me"]).exists()


OUTLOOK = """\
BEGIN:VCALENDAR
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
VERSION:2.0
METHOD:PUBLISH
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16011028T030000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010325T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:040000008200E00074C5B7101A82E00800000000B0A1C2D3E4F5A6B7C8D9E0F1A2B3C4D5
ORGANIZER;CN=Jordan Avery:MAILTO:owner@example.org
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Zoë:MAILTO:ZOE.ANGSTROM@EXAMPLE.COM
ATTENDEE;CUTYPE=ROOM;CN=Konferenzraum 2:MAILTO:raum2@example.com
SUMMARY:Late drinks after the summit
DTSTART;TZID="W. Europe Standard Time":20260310T003000
DTEND;TZID="W. Europe Standard Time":20260310T013000
LOCATION:Konferenzraum 2
END:VEVENT
BEGIN:VEVENT
UID:040000008200E00074C5B7101A82E00800000000FFEEDDCCBBAA
ORGANIZER;CN=Jordan Avery:MAILTO:owner@example.org
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Priya:MAILTO:priya.raman@example.com
SUMMARY:Breakfast in Shanghai
DTSTART;TZID=China Standard Time:20260311T073000
DTEND;TZID=China Standard Time:20260311T083000
LOCATION:Hotel lobby
END:VEVENT
END:VCALENDAR
"""


def test_outlook_windows_time_zones_give_the_local_date(owner, people, tmp_path):
    outlook = tmp_path / "outlook.ics"
    outlook.write_text(OUTLOOK.replace("\n", "\r\n"), encoding="utf-8")

    ics_import(owner, outlook, **Q1)

    # 00:30 in Berlin and 07:30 in Shanghai are both still the previous day in UTC.
    drinks = people["Zoë"].interactions.get()
    assert drinks.note == "Late drinks after the summit"
    assert drinks.occurred_on == datetime.date(2026, 3, 10)
    assert drinks.kind == Interaction.Kind.CALL  # a booked room, not a place
    breakfast = people["Priya"].interactions.get()
    assert breakfast.occurred_on == datetime.date(2026, 3, 11)
    assert breakfast.kind == Interaction.Kind.IN_PERSON


def test_meetings_that_have_not_happened_yet_are_not_imported(owner, people, tmp_path):
    today = timezone.localdate()
    calendar = tmp_path / "upcoming.ics"
    calendar.write_text(
        OUTLOOK.replace("20260310T", f"{today:%Y%m%d}T").replace(
            "20260311T", f"{today + datetime.timedelta(days=2):%Y%m%d}T"
        ),
        encoding="utf-8",
    )

    summary = ics_import(owner, calendar, until=today + datetime.timedelta(days=30))

    assert list(Interaction.objects.values_list("note", flat=True)) == [
        "Late drinks after the summit"
    ]
    assert summary.counts["events outside the window"]["skipped"] == 1


def test_a_file_that_is_not_a_calendar_is_refused_and_nothing_is_saved(owner, people, tmp_path):
    not_ics = tmp_path / "contacts.csv"
    not_ics.write_text("First Name,Last Name\nZoë,Ångström\n", encoding="utf-8")

    with pytest.raises(ImportFileError, match=r"contacts\.csv is not a calendar file"):
        ics_import(owner, not_ics, **Q1)

    assert _database() == (0, 0)


def test_a_truncated_file_is_refused_and_nothing_is_saved(owner, people, tmp_path):
    truncated = tmp_path / "meetings.ics"
    data = MEETINGS.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])

    with pytest.raises(ImportFileError, match=r"meetings\.ics ends before END:VCALENDAR"):
        ics_import(owner, truncated, **Q1)

    assert _database() == (0, 0)


def test_a_damaged_file_is_refused_and_nothing_is_saved(owner, people, tmp_path):
    damaged = tmp_path / "meetings.ics"
    damaged.write_bytes(MEETINGS.read_bytes().replace(b"END:VEVENT", b"END VEVENT", 1))

    with pytest.raises(ImportFileError, match=r"meetings\.ics is damaged"):
        ics_import(owner, damaged, **Q1)

    assert _database() == (0, 0)


def test_a_malformed_event_is_listed_and_the_rest_is_imported(owner, people, tmp_path):
    broken = tmp_path / "broken.ics"
    broken.write_bytes(
        MEETINGS.read_bytes().replace(b"DTSTART:20260312T080000Z", b"DTSTART:20260312Tnoon")
    )

    summary = ics_import(owner, broken, name="Calendar.ics", **Q1)

    assert summary.skipped == [
        {
            "file": "Calendar.ics",
            "line": None,
            "reason": "“Coffee with Zoë (Nordlys)”: unreadable DTSTART",
        }
    ]
    assert not people["Zoë"].interactions.exists()
    assert summary.counts["interactions"]["created"] == 17


def test_an_import_takes_a_fixed_number_of_queries(owner, people, django_assert_num_queries):
    with django_assert_num_queries(9):
        # 1 the owner's contacts
        # 2 savepoint
        # 3 the events already imported
        # 4 insert the new events
        # 5 the interactions already imported
        # 6 insert the new interactions
        # 7 events earlier imports made for what are now 1:1s (none)
        # 8 refresh the contacts' interaction figures
        # 9 release savepoint
        ics_import(owner, MEETINGS, **Q1)


def test_the_command_prints_the_summary(owner, people):
    out = io.StringIO()

    call_command(
        "import_ics",
        "--user",
        "owner",
        str(MEETINGS),
        "--since",
        "2026-01-01",
        "--until",
        "2026-03-31",
        stdout=out,
    )

    assert "events: 2 created" in out.getvalue()
    assert "interactions: 18 created" in out.getvalue()


def test_the_command_refuses_a_bad_file_user_or_date(owner, tmp_path):
    not_ics = tmp_path / "notes.txt"
    not_ics.write_text("hello", encoding="utf-8")

    with pytest.raises(CommandError, match=r"notes\.txt is not a calendar file"):
        call_command("import_ics", "--user", "owner", str(not_ics))
    with pytest.raises(CommandError, match="no user called"):
        call_command("import_ics", "--user", "nobody", str(MEETINGS))
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("import_ics", "--user", "owner", str(MEETINGS), "--since", "1 March")
    assert _database() == (0, 0)
