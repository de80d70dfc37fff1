import datetime
import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config import celery_app
from network.models import Contact
from portability.models import ImportRun
from portability.runs import MAX_ATTEMPTS, import_run_execute, import_runs_sweep
from tests.factories import ContactFactory, ImportRunFactory, InteractionFactory

IMPORT_URL = reverse("portability:import")
ZIP = "linkedin/Complete_LinkedInDataExport_03-14-2026.zip"


@pytest.fixture
def unreachable_broker():
    """Queue tasks on a Redis address nothing listens on, as when the broker is down."""
    saved = {key: celery_app.conf[key] for key in ("broker_write_url", "task_always_eager")}
    # The write URL, because Celery prefers CELERY_BROKER_URL from the environment (CI sets it).
    celery_app.conf.update(broker_write_url="redis://127.0.0.1:9/0", task_always_eager=False)
    _forget_connections()  # to the real broker
    yield
    celery_app.conf.update(saved)
    _forget_connections()


def _forget_connections() -> None:
    """Close the pooled connections, and drop the producers bound to them: any task run before,
    eagerly too, has made some (Celery itself does this after a fork)."""
    celery_app.close()
    celery_app.amqp._producer_pool = None


def _upload(client, kind, name, content, **extra):
    return client.post(
        IMPORT_URL, {"kind": kind, "file": SimpleUploadedFile(name, content), **extra}
    )


def _run_upload(client, owner, kind, name, content) -> ImportRun:
    """Upload through the page, then do what the Celery worker does with it."""
    response = _upload(client, kind, name, content)
    run = ImportRun.objects.filter(owner=owner).latest("pk")
    assert response["Location"] == run.get_absolute_url()
    assert run.status == "pending"
    import_run_execute(run.pk)
    run.refresh_from_db()
    return run


def test_the_shared_export_imported_through_the_page_shows_a_truthful_summary(
    owner_client, owner, fixtures
):
    run = _run_upload(
        owner_client,
        owner,
        "linkedin",
        "Complete_LinkedInDataExport_03-14-2026.zip",
        (fixtures / ZIP).read_bytes(),
    )
    assert run.status == "done"
    assert not run.file  # the upload is not kept once imported
    page = owner_client.get(run.get_absolute_url()).content.decode()
    assert "<td>24</td>" in page  # contacts created
    assert "Skipped rows: 5" in page
    assert "Connections.csv, line 9: An empty row" in page
    assert "hx-trigger" not in page  # finished: the page stops polling

    again = _run_upload(
        owner_client, owner, "linkedin", "export.zip", (fixtures / ZIP).read_bytes()
    )
    assert again.summary["counts"]["contacts"] == {"unchanged": 24}
    assert Contact.objects.filter(owner=owner).count() == 24


def test_a_running_import_shows_live_progress(owner_client, owner):
    run = ImportRunFactory(
        owner=owner,
        status="running",
        summary={},
        heartbeat_at=timezone.now(),
        progress={"stage": "messages", "done": 3000},
    )
    response = owner_client.get(run.get_absolute_url(), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "Reading messages: 3000 rows so far" in page
    assert "<progress" in page
    assert "<html" not in page


def test_a_bad_file_fails_with_a_reason_and_changes_nothing(owner_client, owner):
    ContactFactory(owner=owner, full_name="Already Here")
    run = _run_upload(
        owner_client, owner, "linkedin", "export.zip", b"PK\x03\x04 this is not really a zip"
    )
    assert run.status == "failed"
    assert "export.zip is not a complete zip file" in run.error
    page = owner_client.get(run.get_absolute_url()).content.decode()
    assert "Nothing was changed." in page
    assert list(Contact.objects.filter(owner=owner).values_list("full_name", flat=True)) == [
        "Already Here"
    ]


def test_uploads_are_checked_before_anything_runs(owner_client, owner):
    wrong_kind = _upload(owner_client, "vcard", "contacts.csv", b"a,b").content.decode()
    assert "A Contacts (.vcf) file ends in .vcard or .vcf." in wrong_kind
    empty = _upload(owner_client, "ics", "cal.ics", b"").content.decode()
    assert "The submitted file is empty." in empty
    window = _upload(
        owner_client, "ics", "cal.ics", b"BEGIN:VCALENDAR", since="2026-03-01", until="2026-01-01"
    )
    assert "The end of the window comes before its start." in window.content.decode()
    too_big = owner_client.post(IMPORT_URL, {"kind": "ics"}, CONTENT_LENGTH=str(300 * 2**20))
    assert "larger than 200 MB" in too_big.content.decode()
    assert not ImportRun.objects.exists()


def test_an_import_runs_once_even_if_the_task_is_delivered_twice(owner_client, owner, fixtures):
    run = _run_upload(owner_client, owner, "linkedin", "export.zip", (fixtures / ZIP).read_bytes())
    import_run_execute(run.pk)
    run.refresh_from_db()
    assert run.summary["counts"]["contacts"] == {"created": 24}


def test_another_user_cannot_see_an_import(owner, other_user):
    run = ImportRunFactory(owner=owner, original_name="secret-network.vcf")
    intruder = Client()
    intruder.force_login(other_user)
    assert intruder.get(run.get_absolute_url()).status_code == 404
    assert run.original_name not in intruder.get(IMPORT_URL).content.decode()


def test_exports_download_everything_the_owner_has_and_nothing_else(
    owner_client, owner, other_user
):
    InteractionFactory(owner=owner, contact__full_name="=HYPERLINK(1)", note="Coffee")
    ContactFactory(owner=other_user, full_name="Someone Else's")

    data = owner_client.get(reverse("portability:export-data"))
    assert data["Content-Disposition"].startswith('attachment; filename="kith-')
    document = json.loads(b"".join(data.streaming_content))
    assert [c["full_name"] for c in document["contacts"]] == ["=HYPERLINK(1)"]

    csv_text = owner_client.get(reverse("portability:export-csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv_text
    assert "Someone Else" not in csv_text

    vcard = owner_client.get(reverse("portability:export-vcard")).content.decode()
    assert vcard.startswith("BEGIN:VCARD")
    assert "Someone Else" not in vcard


def test_duplicates_are_listed_with_a_reason_and_merged_or_dismissed(owner_client, owner):
    keep = ContactFactory(owner=owner, full_name="Ana Lima", email="ana@example.org")
    other = ContactFactory(owner=owner, full_name="Ana Lima-Souza", email="ANA@example.org")
    InteractionFactory(owner=owner, contact=other)
    page = owner_client.get(reverse("portability:duplicates")).content.decode()
    assert "Same email: ana@example.org" in page

    response = owner_client.post(
        reverse("portability:duplicates-merge"), {"keep": keep.pk, "other": other.pk}, follow=True
    )
    assert "every interaction, invitation and tag is kept" in response.content.decode()
    assert not Contact.objects.filter(pk=other.pk).exists()
    assert keep.interactions.count() == 1

    third = ContactFactory(owner=owner, full_name="Ana Lima", email="")
    owner_client.post(
        reverse("portability:duplicates-dismiss"), {"keep": keep.pk, "other": third.pk}
    )
    assert (
        "No likely duplicates"
        in owner_client.get(reverse("portability:duplicates")).content.decode()
    )


def test_merging_needs_two_of_the_owners_contacts(owner_client, owner, other_user):
    mine = ContactFactory(owner=owner)
    theirs = ContactFactory(owner=other_user)
    for data in (
        {"keep": mine.pk, "other": theirs.pk},
        {"keep": mine.pk, "other": mine.pk},
        {"keep": "x", "other": "²"},
    ):
        response = owner_client.post(reverse("portability:duplicates-merge"), data, follow=True)
        assert response.status_code == 200
    assert Contact.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2


def _worker_stops(run: ImportRun, minutes_ago: int = 10) -> None:
    """What a worker killed mid-import leaves: the run running, its heartbeat silent."""
    ImportRun.objects.filter(pk=run.pk).update(
        status="running",
        attempts=F("attempts") + 1,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def test_a_second_delivery_leaves_a_running_import_alone(owner_client, owner, fixtures):
    _upload(owner_client, "linkedin", "export.zip", (fixtures / ZIP).read_bytes())
    run = ImportRun.objects.get(owner=owner)
    _worker_stops(run, minutes_ago=0)
    import_run_execute(run.pk)
    assert import_runs_sweep() == []
    run.refresh_from_db()
    assert run.status == "running"
    assert owner.contacts.count() == 0


def test_an_import_whose_worker_stopped_says_so_and_is_retried_once(owner_client, owner, fixtures):
    _upload(owner_client, "linkedin", "export.zip", (fixtures / ZIP).read_bytes())
    run = ImportRun.objects.get(owner=owner)
    _worker_stops(run)
    page = owner_client.get(run.get_absolute_url()).content.decode()
    assert "The worker stopped; Kith will retry" in page
    assert "rows so far" not in page

    assert import_runs_sweep() == [run.pk]
    assert import_runs_sweep() == []  # a second sweep, or a second beat, queues nothing more
    page = owner_client.get(run.get_absolute_url()).content.decode()
    assert "Kith is retrying this import (attempt 2)" in page

    import_run_execute(run.pk)
    import_run_execute(run.pk)  # the retry and the redelivered first task both arrive
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("done", 2)
    assert run.summary["counts"]["contacts"] == {"created": 24}
    assert owner.contacts.count() == 24
    assert not run.file


def test_an_import_whose_worker_keeps_stopping_fails_with_a_message(owner_client, owner, fixtures):
    _upload(owner_client, "linkedin", "export.zip", (fixtures / ZIP).read_bytes())
    run = ImportRun.objects.get(owner=owner)
    upload = Path(run.file.path)
    for _ in range(MAX_ATTEMPTS - 1):
        _worker_stops(run)
        assert import_runs_sweep() == [run.pk]
    _worker_stops(run)
    assert import_runs_sweep() == []
    run.refresh_from_db()
    assert run.status == "failed"
    assert not run.file
    assert not upload.exists()
    page = owner_client.get(run.get_absolute_url()).content.decode()
    assert f"stopped {MAX_ATTEMPTS} times before it finished" in page
    assert "hx-trigger" not in page
    assert owner.contacts.count() == 0


def test_a_retry_whose_message_was_lost_is_sent_again(owner_client, owner, fixtures):
    _upload(owner_client, "linkedin", "export.zip", (fixtures / ZIP).read_bytes())
    run = ImportRun.objects.get(owner=owner)
    _worker_stops(run)
    assert import_runs_sweep() == [run.pk]
    later = timezone.now() + datetime.timedelta(minutes=10)
    assert import_runs_sweep(now=later) == [run.pk]
    assert import_runs_sweep(now=later) == []


def test_an_upload_left_by_a_finished_run_is_deleted_by_the_sweep(owner):
    run = ImportRunFactory(owner=owner, status="done")
    run.file.save("left.vcf", ContentFile(b"BEGIN:VCARD"))
    upload = Path(run.file.path)
    import_runs_sweep()
    run.refresh_from_db()
    assert not run.file
    assert not upload.exists()


def test_an_import_the_broker_could_not_take_fails_and_its_page_still_renders(
    owner_client,
    owner,
    fixtures,
    unreachable_broker,
    django_capture_on_commit_callbacks,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(owner_client, "linkedin", "export.zip", (fixtures / ZIP).read_bytes())
    run = ImportRun.objects.get(owner=owner)
    assert response["Location"] == run.get_absolute_url()
    assert run.status == "failed"
    assert not run.file
    assert not list(tmp_path.rglob("*.zip"))
    page = owner_client.get(run.get_absolute_url())
    assert page.status_code == 200
    assert "could not hand this import to its background worker" in page.content.decode()
    assert owner_client.get(IMPORT_URL).status_code == 200


def test_a_run_nobody_picks_up_says_so(owner_client, owner):
    run = ImportRunFactory(owner=owner, status="pending", summary={})
    ImportRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert (
        "No worker has started this import yet"
        in owner_client.get(run.get_absolute_url()).content.decode()
    )
