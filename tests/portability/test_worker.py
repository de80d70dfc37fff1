"""The production path: an upload queued on a real broker and run by a real Celery worker.

The broker is CI's Redis when CELERY_BROKER_URL is set, and kombu's filesystem transport
otherwise, so this runs on any machine. The worker shares the test database and media folder.
"""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from config import celery_app
from portability.models import ImportRun

WAIT_SECONDS = 60


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_a_celery_worker_imports_an_uploaded_export(owner, fixtures, tmp_path):
    broker = settings.CELERY_BROKER_URL or "filesystem://"
    folder = tmp_path / "broker"
    for sub in ("messages", "control"):
        (folder / sub).mkdir(parents=True)
    queue = f"kith-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_BROKER_FOLDER": str(folder),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    run = ImportRun.objects.create(owner=owner, kind="linkedin", original_name="export.zip")
    zip_bytes = (fixtures / "linkedin/Complete_LinkedInDataExport_03-14-2026.zip").read_bytes()
    run.file.save("export.zip", ContentFile(zip_bytes))

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=warning",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        options = {}
        if broker.startswith("filesystem://"):
            options = {
                "data_folder_in": str(folder / "messages"),
                "data_folder_out": str(folder / "messages"),
                "control_folder": str(folder / "control"),
            }
        with celery_app.connection_for_write(
            broker, transport_options=options
        ) as broker_connection:
            celery_app.send_task(
                "portability.tasks.import_run",
                args=[run.pk],
                queue=queue,
                connection=broker_connection,
            )
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.is_finished:
                break
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)  # the main process only: it stops its pool itself
        try:
            output = worker.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            worker.kill()
            output = worker.communicate()[0]
    assert run.status == "done", (
        f"status {run.status!r}, error {run.error!r}; worker said:\n{output}"
    )
    assert run.summary["counts"]["contacts"] == {"created": 24}
    assert owner.contacts.count() == 24
