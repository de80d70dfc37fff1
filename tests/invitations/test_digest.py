"""The weekly digest: what it says, when it goes out in the owner's time zone, and that each
owner gets it once a week however often it is run, by beat, by hand or by a real worker."""

import datetime
import email
import email.policy
import io
import time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from config import celery_app
from invitations.digest import Outcome, digest_build, digest_send, owners_due_for_digest
from invitations.models import DigestSent, Invitation
from invitations.policy import invitation_verdicts
from invitations.tasks import weekly_digests_send
from network.models import OwnerSettings
from tests.factories import (
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    InvitationFactory,
    OwnerSettingsFactory,
    UserFactory,
)
from tests.portability.test_worker import WAIT_SECONDS, _Celery

# Sunday 10 May 2026, 20:00 UTC: Monday 11 May, 08:00 in Auckland (UTC+12 in May).
AUCKLAND_MONDAY_8AM = datetime.datetime(2026, 5, 10, 20, 0, tzinfo=datetime.UTC)
REVIEW_URL = "https://kith.example.org/review/"
MONDAY, SUNDAY = OwnerSettings.Weekday.MONDAY, OwnerSettings.Weekday.SUNDAY
pytestmark = pytest.mark.django_db


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)


@pytest.fixture
def auckland_owner(owner):
    OwnerSettingsFactory(owner=owner, timezone="Pacific/Auckland", review_weekday=MONDAY)
    return owner


@pytest.fixture
def network(auckland_owner, other_user):
    """Two invitations waiting, one deferred, a follow-up due and a person declined last
    year who has since been met."""
    owner = auckland_owner
    summit = EventFactory(
        owner=owner, name="Nordic Innovation Summit", date=datetime.date(2026, 3, 12)
    )
    ingrid = ContactFactory(owner=owner, full_name="Ingrid Berg")
    InteractionFactory(
        owner=owner, contact=ingrid, event=summit, occurred_on=datetime.date(2026, 3, 12)
    )
    waiting = [
        InvitationFactory(
            owner=owner,
            name="Lena Fjeld",
            headline="Designer",
            sent_at=_at(datetime.date(2026, 4, 20)),
        ),
        InvitationFactory(
            owner=owner, name="Ingrid Berg", contact=ingrid, sent_at=_at(datetime.date(2026, 5, 1))
        ),
    ]
    InvitationFactory(owner=owner, name="Later Larsen", deferred_until=datetime.date(2026, 6, 1))
    InvitationFactory(owner=owner, name="Outgoing Olsen", direction=Invitation.Direction.OUTGOING)
    InvitationFactory(owner=other_user, name="Somebody Else's Inviter")

    marta = ContactFactory(owner=owner, full_name="Marta Lind")
    FollowUpFactory(
        owner=owner, contact=marta, due_on=datetime.date(2026, 5, 9), note="Send the report"
    )
    FollowUpFactory(
        owner=owner, contact=marta, due_on=datetime.date(2026, 6, 9), note="Not yet due"
    )

    ravi = ContactFactory(owner=owner, full_name="Ravi Shankar")
    InvitationFactory(
        owner=owner,
        name="Ravi Shankar",
        contact=ravi,
        status=Invitation.Status.DECLINED,
        sent_at=_at(datetime.date(2025, 9, 30)),
        decided_at=_at(datetime.date(2025, 10, 2)),
    )
    oslo = EventFactory(owner=owner, name="Oslo Innovation Week", date=datetime.date(2026, 4, 15))
    InteractionFactory(
        owner=owner, contact=ravi, event=oslo, occurred_on=datetime.date(2026, 4, 15)
    )
    return waiting


def _zone_where_it_is_daytime(now: datetime.datetime) -> tuple[str, int]:
    """A time zone where it is between 09:00 and 22:00 now, and its weekday: an owner there
    whose review day it is is due, whatever time the test runs."""
    for offset in range(-12, 15):
        zone = f"Etc/GMT{-offset:+d}"  # POSIX signs: Etc/GMT-5 is five hours ahead of UTC
        local = now.astimezone(ZoneInfo(zone))
        if 9 <= local.hour <= 22:
            return zone, local.weekday()
    raise AssertionError("every hour of the day has a time zone")


def _due_owner(username: str, **fields):
    zone, weekday = _zone_where_it_is_daytime(timezone.now())
    user = UserFactory(username=username, **fields)
    OwnerSettingsFactory(owner=user, timezone=zone, review_weekday=weekday)
    return user


# What the digest says


def test_digest_lists_waiting_invitations_with_their_verdicts_in_both_parts(
    network, auckland_owner
):
    digest_build_now = digest_build(auckland_owner, now=AUCKLAND_MONDAY_8AM)
    verdicts = invitation_verdicts(auckland_owner, network, today=datetime.date(2026, 5, 11))

    assert digest_build_now.subject == "Your weekly review: 2 invitations wait"
    for part, quote in ((digest_build_now.text, str), (digest_build_now.html, escape)):
        assert "2 invitations wait for your decision" in part
        for invitation in network:
            verdict = verdicts[invitation.pk]
            assert quote(invitation.name) in part
            assert quote(verdict.label) in part
            for sentence in verdict.evidence:
                assert quote(sentence) in part
        assert "Later Larsen" not in part
        assert "Outgoing Olsen" not in part
        assert "Somebody Else" not in part


def test_digest_puts_the_invitation_that_meets_the_policy_first(network, auckland_owner):
    text = digest_build(auckland_owner, now=AUCKLAND_MONDAY_8AM).text

    assert "Meets your policy" in text
    # Ingrid was met at the summit: her verdict comes before Lena's, though Lena waits longer.
    assert text.index("Ingrid Berg") < text.index("Lena Fjeld")


def test_digest_lists_follow_ups_due_and_declined_people_now_meeting_the_policy(
    network, auckland_owner
):
    digest = digest_build(auckland_owner, now=AUCKLAND_MONDAY_8AM)

    for part in (digest.text, digest.html):
        assert "Marta Lind" in part
        assert "Send the report" in part
        assert "Not yet due" not in part
        assert "You declined Ravi Shankar" in part


@override_settings(KITH_BASE_URL="https://kith.example.org")
def test_digest_links_to_the_review_on_the_configured_address(network, auckland_owner):
    digest = digest_build(auckland_owner, now=AUCKLAND_MONDAY_8AM)

    assert REVIEW_URL in digest.text
    assert f'href="{REVIEW_URL}"' in digest.html


def test_digest_html_loads_nothing_from_elsewhere(network, auckland_owner):
    html = digest_build(auckland_owner, now=AUCKLAND_MONDAY_8AM).html

    assert "<script" not in html
    assert "<img" not in html
    assert "@import" not in html
    assert "<link" not in html


def test_digest_with_nothing_waiting_says_so(auckland_owner):
    digest = digest_build(auckland_owner, now=AUCKLAND_MONDAY_8AM)

    assert digest.subject == "Your weekly review: no invitations wait"
    assert "No invitations wait for your decision." in digest.text
    assert "No follow-ups are due." in digest.text


def _queries_to_build(owner) -> int:
    with CaptureQueriesContext(connection) as queries:
        digest_build(owner, now=AUCKLAND_MONDAY_8AM)
    return len(queries)


def test_building_the_digest_takes_as_many_queries_for_30_invitations_as_for_2(
    network, auckland_owner
):
    few = _queries_to_build(auckland_owner)
    for number in range(28):
        contact = ContactFactory(owner=auckland_owner, full_name=f"Guest {number}")
        InteractionFactory(owner=auckland_owner, contact=contact)
        InvitationFactory(owner=auckland_owner, name=f"Guest {number}", contact=contact)
        FollowUpFactory(owner=auckland_owner, contact=contact, due_on=datetime.date(2026, 5, 1))

    assert _queries_to_build(auckland_owner) == few


def test_sent_digest_has_a_plain_text_and_an_html_part(network, auckland_owner):
    assert digest_send(auckland_owner, now=AUCKLAND_MONDAY_8AM) == Outcome.SENT

    [message] = mail.outbox
    assert message.to == ["owner@example.org"]
    assert "Lena Fjeld" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "Lena Fjeld" in html


# When it goes out


def test_owner_in_auckland_is_due_from_8am_on_their_monday_while_it_is_still_sunday_in_utc(
    auckland_owner,
):
    utc_owner = UserFactory(username="london")
    OwnerSettingsFactory(owner=utc_owner, timezone="UTC", review_weekday=SUNDAY)
    just_before = AUCKLAND_MONDAY_8AM - datetime.timedelta(minutes=1)

    assert list(owners_due_for_digest(just_before)) == [utc_owner]
    assert set(owners_due_for_digest(AUCKLAND_MONDAY_8AM)) == {auckland_owner, utc_owner}


def test_nobody_is_due_once_the_review_day_has_ended_in_their_time_zone(auckland_owner):
    utc_owner = UserFactory(username="london")
    OwnerSettingsFactory(owner=utc_owner, timezone="UTC", review_weekday=SUNDAY)
    # Monday 12:00 UTC: Tuesday 00:00 in Auckland, and no longer Sunday in UTC.
    monday_noon_utc = datetime.datetime(2026, 5, 11, 12, 0, tzinfo=datetime.UTC)

    assert not owners_due_for_digest(monday_noon_utc).exists()


def test_owner_who_never_opened_settings_gets_the_digest_on_sunday_in_utc(owner):
    sunday_8am_utc = datetime.datetime(2026, 5, 10, 8, 0, tzinfo=datetime.UTC)

    assert list(owners_due_for_digest(sunday_8am_utc)) == [owner]
    assert not owners_due_for_digest(sunday_8am_utc - datetime.timedelta(days=1)).exists()


def test_owner_who_got_this_weeks_digest_is_no_longer_due(network, auckland_owner):
    digest_send(auckland_owner, now=AUCKLAND_MONDAY_8AM)

    assert auckland_owner not in owners_due_for_digest(
        AUCKLAND_MONDAY_8AM + datetime.timedelta(hours=1)
    )
    assert auckland_owner in owners_due_for_digest(AUCKLAND_MONDAY_8AM + datetime.timedelta(days=7))


def test_a_digest_is_recorded_for_the_monday_of_the_owners_local_week(network, auckland_owner):
    digest_send(auckland_owner, now=AUCKLAND_MONDAY_8AM)

    # Still Sunday 10 May in UTC, but already Monday 11 May in Auckland.
    assert DigestSent.objects.get(owner=auckland_owner).week == datetime.date(2026, 5, 11)


# Once a week


def test_a_second_run_the_same_week_sends_nothing(network, auckland_owner):
    assert digest_send(auckland_owner, now=AUCKLAND_MONDAY_8AM) == Outcome.SENT
    later_that_day = AUCKLAND_MONDAY_8AM + datetime.timedelta(hours=5)

    assert digest_send(auckland_owner, now=later_that_day) == Outcome.ALREADY_SENT
    assert len(mail.outbox) == 1
    assert DigestSent.objects.get(owner=auckland_owner).sent_at is not None


def test_next_weeks_digest_is_sent_again(network, auckland_owner):
    digest_send(auckland_owner, now=AUCKLAND_MONDAY_8AM)
    digest_send(auckland_owner, now=AUCKLAND_MONDAY_8AM + datetime.timedelta(days=7))

    assert len(mail.outbox) == 2


def test_a_send_that_fails_releases_its_claim_so_the_next_run_sends(network, auckland_owner):
    nothing_listens = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    with override_settings(MAILERS=nothing_listens), pytest.raises(OSError):
        digest_send(auckland_owner, now=AUCKLAND_MONDAY_8AM)
    assert not DigestSent.objects.exists()

    assert digest_send(auckland_owner, now=AUCKLAND_MONDAY_8AM) == Outcome.SENT
    assert len(mail.outbox) == 1


def test_a_claim_being_sent_right_now_is_left_alone(network, auckland_owner):
    DigestSent.objects.create(owner=auckland_owner, week=datetime.date(2026, 5, 11))

    assert digest_send(auckland_owner, now=AUCKLAND_MONDAY_8AM) == Outcome.ALREADY_SENT
    assert not mail.outbox


def test_a_claim_left_unsent_by_a_dead_worker_is_sent_by_a_later_run(network, auckland_owner):
    claim = DigestSent.objects.create(owner=auckland_owner, week=datetime.date(2026, 5, 11))
    DigestSent.objects.filter(pk=claim.pk).update(
        created_at=AUCKLAND_MONDAY_8AM - datetime.timedelta(hours=1)
    )

    assert digest_send(auckland_owner, now=AUCKLAND_MONDAY_8AM) == Outcome.SENT
    assert len(mail.outbox) == 1
    assert DigestSent.objects.get().sent_at is not None


def test_an_owner_without_an_email_address_is_skipped(auckland_owner):
    auckland_owner.email = ""
    auckland_owner.save()

    assert digest_send(auckland_owner, now=AUCKLAND_MONDAY_8AM) == Outcome.NO_EMAIL
    assert not mail.outbox
    assert not DigestSent.objects.exists()


def test_beats_hourly_sweep_emails_each_owner_due_once(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    due = _due_owner("due")
    _due_owner("no-address", email="")
    not_today = UserFactory(username="not-today")
    OwnerSettingsFactory(
        owner=not_today,
        timezone=due.kith_settings.timezone,
        review_weekday=(due.kith_settings.review_weekday + 1) % 7,
    )

    weekly_digests_send()
    weekly_digests_send()

    assert [message.to for message in mail.outbox] == [["due@example.org"]]


# The command


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("send_weekly_digest", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_the_email_and_sends_and_claims_nothing(network, auckland_owner):
    output = _command("--user", "owner", "--dry-run")

    assert "Dry run, nothing sent" in output
    assert "To: owner@example.org" in output
    assert "Subject: Your weekly review: " in output
    assert "Lena Fjeld" in output
    assert not mail.outbox
    assert not DigestSent.objects.exists()


def test_command_sends_to_one_user_once_a_week(network, auckland_owner):
    assert "owner: sent to owner@example.org" in _command("--user", "owner")
    assert "owner: skipped, already sent this week" in _command("--user", "owner")
    assert len(mail.outbox) == 1


def test_command_for_an_unknown_user_says_so(db):
    with pytest.raises(CommandError, match="There is no user called “nobody”"):
        _command("--user", "nobody")


def test_command_for_a_user_without_an_email_address_says_so(owner):
    owner.email = ""
    owner.save()

    with pytest.raises(CommandError, match="has no email address"):
        _command("--user", "owner")
    assert not DigestSent.objects.exists()


def test_command_without_user_sends_to_everyone_due_and_names_who_was_skipped():
    _due_owner("due")
    _due_owner("no-address", email="")

    output = _command()

    assert "due: sent to due@example.org" in output
    assert "no-address: skipped, no email address" in output
    assert [message.to for message in mail.outbox] == [["due@example.org"]]


def test_command_when_nobody_is_due_says_so(db):
    assert "Nobody's weekly digest is due now." in _command()


# A real worker


def _emails(folder) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(folder.glob("*.log"))
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_a_real_worker_sends_the_digest_once_when_the_task_is_queued_twice(tmp_path):
    owner = _due_owner("owner")
    InvitationFactory(owner=owner, name="Lena Fjeld")
    # Another owner due now, whose digest only beat's sweep queues: it is queued after the two
    # duplicates, so once it has arrived both duplicates have at least started.
    _due_owner("sentinel")
    outbox = tmp_path / "outbox"
    celery = _Celery(tmp_path)
    celery.env.update(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(outbox),
        KITH_BASE_URL="https://kith.example.org",
    )
    celery.start(
        "worker",
        "--pool=prefork",
        "--concurrency=2",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    )
    try:
        celery.send_task("invitations.tasks.weekly_digest_send", owner.pk)
        celery.send_task("invitations.tasks.weekly_digest_send", owner.pk)
        celery.send_task("invitations.tasks.weekly_digests_send")
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and len(list(outbox.glob("*.log"))) < 2:
            time.sleep(0.2)
    finally:
        # A warm shutdown: tasks already running finish first.
        output = celery.stop()

    emails = _emails(outbox) if outbox.exists() else []
    assert sorted(message["To"] for message in emails) == [
        "owner@example.org",
        "sentinel@example.org",
    ], f"celery said:\n{output}"
    [digest] = [message for message in emails if message["To"] == "owner@example.org"]
    assert digest["Subject"] == "Your weekly review: 1 invitation waits"
    text = digest.get_body(("plain",)).get_content()
    assert "Lena Fjeld" in text
    assert REVIEW_URL in text
    assert "Lena Fjeld" in digest.get_body(("html",)).get_content()
    assert DigestSent.objects.filter(owner=owner, sent_at__isnull=False).count() == 1
