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


def test_a_coffee_becomes_an_in_person_meeting_at_the_cafe(owner, people):
    ics_import(owner, MEETINGS, **Q1)

    coffee = Event.objects.get(owner=owner, name="Coffee with Zoë (Nordlys)")
    assert coffee.date == datetime.date(2026, 3, 12)
    assert coffee.place == "Café Einstein, Unter den Linden 42, 10117 Berlin, Germany"
    assert coffee.notes.startswith("Coffee + walk through the lakehouse deck.")
    interaction = coffee.interactions.get()
    assert interaction.contact == people["Zoë"]
    assert interaction.kind == Interaction.Kind.IN_PERSON
    assert interaction.occurred_on == datetime.date(2026, 3, 12)
    # The calendar is the owner's (Google names it after their address) and they organised it.
    assert interaction.initiated_by == Interaction.Initiator.ME
    people["Zoë"].refresh_from_db()
    assert people["Zoë"].last_interaction_on == datetime.date(2026, 3, 12)
    assert people["Zoë"].in_person_count == 1


def test_a_weekly_one_to_one_is_expanded_without_the_exdate_and_with_the_moved_occurrence(
    owner, people
):
    ics_import(owner, MEETINGS, **Q1)

    calls = people["Marcus"].interactions.filter(event__name__startswith="Jordan / Marcus 1:1")
    assert sorted(calls.values_list("occurred_on", flat=True)) == MARCUS_TUESDAYS
    assert set(calls.values_list("kind", flat=True)) == {Interaction.Kind.VIDEO}
    moved = Event.objects.get(owner=owner, date=datetime.date(2026, 3, 3))
    assert moved.name == "Jordan / Marcus 1:1 (moved)"
    weekly = Event.objects.get(owner=owner, date=datetime.date(2026, 3, 10))
    assert weekly.notes == "Weekly sync on the Wayne Enterprises partnership."
    assert "meet.google.com" not in weekly.notes


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
    assert summary.counts["events"]["created"] == 15  # coffee, 12 one-to-ones, offsite, intro
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
    assert summary.counts["events"]["created"] == 4


def test_importing_again_changes_nothing(owner, people):
    ics_import(owner, MEETINGS, **Q1)
    before = list(Interaction.objects.order_by("pk").values())

    summary = ics_import(owner, MEETINGS, **Q1)

    assert summary.counts["events"] == {"unchanged": 15}
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

    assert summary.counts["events"] == {"updated": 1, "unchanged": 14}
    assert summary.counts["interactions"] == {"updated": 1, "unchanged": 17}
    moved = Event.objects.get(owner=owner, name="Jordan / Marcus 1:1 (Thursday)")
    assert moved.date == datetime.date(2026, 3, 5)
    assert moved.interactions.get().occurred_on == datetime.date(2026, 3, 5)
    assert Event.objects.count() == 15


def test_contacts_of_another_user_are_never_matched(owner, other_user):
    theirs = ContactFactory(owner=other_user, email=PEOPLE["Zoë"])

    summary = ics_import(owner, MEETINGS, **Q1)

    assert _database() == (0, 0)
    assert not theirs.interactions.exists()
    assert summary.counts["events with no attendee in your contacts"]["skipped"] == 16


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
    drinks = Event.objects.get(owner=owner, name="Late drinks after the summit")
    assert drinks.date == datetime.date(2026, 3, 10)
    assert _met(drinks) == {"Zoë"}
    assert drinks.interactions.get().kind == Interaction.Kind.CALL  # a room, not a place
    breakfast = Event.objects.get(owner=owner, name="Breakfast in Shanghai")
    assert breakfast.date == datetime.date(2026, 3, 11)
    assert breakfast.interactions.get().kind == Interaction.Kind.IN_PERSON


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

    assert list(Event.objects.values_list("name", flat=True)) == ["Late drinks after the summit"]
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
    assert summary.counts["events"]["created"] == 14


def test_an_import_takes_a_fixed_number_of_queries(owner, people, django_assert_num_queries):
    with django_assert_num_queries(8):
        # 1 the owner's contacts
        # 2 savepoint
        # 3 the events already imported
        # 4 insert the new events
        # 5 the interactions already imported
        # 6 insert the new interactions
        # 7 refresh the contacts' interaction figures
        # 8 release savepoint
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

    assert "events: 15 created" in out.getvalue()
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
