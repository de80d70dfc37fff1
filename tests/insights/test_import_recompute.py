"""Every finished import recomputes the owner's insights once it commits: the web upload (run by
the worker, or in-process with no broker) and the import commands."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from kombu.exceptions import OperationalError

from insights.models import RecallCard, Tie
from network.models import Contact
from portability.runs import import_run_execute
from tests.factories import ImportRunFactory

pytestmark = pytest.mark.django_db
CONNECTIONS = Path(__file__).resolve().parent.parent / "fixtures" / "linkedin" / "Connections.csv"


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path, tasks_in_process):
    settings.MEDIA_ROOT = tmp_path


def _pending_run(owner, name: str, content: bytes):
    run = ImportRunFactory(
        owner=owner, kind="linkedin", status="pending", summary={}, original_name=name
    )
    run.file.save(name, io.BytesIO(content))
    return run


def test_the_import_commands_recompute_ties_for_the_people_imported(
    owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "import_linkedin",
            "--user",
            owner.username,
            str(CONNECTIONS),
            stdout=io.StringIO(),
        )

    contacts = Contact.objects.owned_by(owner).active()
    assert contacts.exists()
    assert Tie.objects.owned_by(owner).count() == contacts.count()
    assert RecallCard.objects.owned_by(owner).count() == contacts.count()


def test_a_failed_import_recomputes_nothing(owner, django_capture_on_commit_callbacks):
    run = _pending_run(owner, "broken.csv", b"\xff\xfe not a LinkedIn export")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_run_execute(run.pk)

    run.refresh_from_db()
    assert run.status == run.Status.FAILED
    assert callbacks == []
    assert not Tie.objects.owned_by(owner).exists()


def test_a_broker_that_refuses_the_recompute_leaves_the_import_done(
    owner, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(*args, **kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr("insights.tasks.recompute_insights.delay", refuse)
    run = _pending_run(owner, "Connections.csv", CONNECTIONS.read_bytes())

    with django_capture_on_commit_callbacks(execute=True):
        import_run_execute(run.pk)

    run.refresh_from_db()
    assert run.status == run.Status.DONE
    assert Contact.objects.owned_by(owner).exists()
    assert not Tie.objects.owned_by(owner).exists()  # the nightly run will catch up
