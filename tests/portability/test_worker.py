"""The production path: an upload queued on a real broker and run by a real Celery worker.

The broker is CI's Redis when CELERY_BROKER_URL is set, and kombu's filesystem transport
otherwise, so this runs on any machine. The worker shares the test database and media folder
and takes tasks from a queue of its own, so that two test processes never take each other's.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import OperationalError, connection

from config import celery_app
from portability.models import ImportRun
from portability.runs import MAX_ATTEMPTS

WAIT_SECONDS = 90
# Short enough for a test, long enough that a live worker always beats in time.
STALLED_SECONDS = 6
CONNECTIONS = 8000
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class _Celery:
    """Celery processes started for one test, on a broker and a queue of their own."""

    def __init__(self, folder: Path) -> None:
        self.broker = settings.CELERY_BROKER_URL or "filesystem://"
        self.folder = folder
        for sub in ("messages", "control"):
            (folder / "broker" / sub).mkdir(parents=True)
        self.queue = f"kith-test-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": self.broker,
            "CELERY_BROKER_FOLDER": str(folder / "broker"),
            "CELERY_QUEUE": self.queue,
            "KITH_IMPORT_STALLED_SECONDS": str(STALLED_SECONDS),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.processes: list[subprocess.Popen] = []

    def start(self, *args: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args, "--loglevel=warning"],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.processes.append(process)
        return process

    def send_import(self, run: ImportRun) -> None:
        self.send_task("portability.tasks.import_run", run.pk)

    def send_task(self, name: str, *args) -> None:
        """Queue a task by name on this broker and queue, as beat or a web process would."""
        options = {}
        if self.broker.startswith("filesystem://"):
            messages = str(self.folder / "broker" / "messages")
            options = {
                "data_folder_in": messages,
                "data_folder_out": messages,
                "control_folder": str(self.folder / "broker" / "control"),
            }
        with celery_app.connection_for_write(self.broker, transport_options=options) as broker:
            celery_app.send_task(name, args=list(args), queue=self.queue, connection=broker)

    def stop(self) -> str:
        """Stop every process (SIGTERM to the main process only: it stops its pool itself)."""
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        output = []
        for process in self.processes:
            try:
                output.append(process.communicate(timeout=20)[0])
            except subprocess.TimeoutExpired:
                process.kill()
                output.append(process.communicate()[0])
        return "\n".join(output)


def _wait_for(run: ImportRun, condition, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            run.refresh_from_db()
        except OperationalError:
            # SQLite: the worker's import holds the one write lock while it commits.
            continue
        if condition(run):
            return
        time.sleep(0.1)


def _pool_children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _connections_csv(count: int) -> bytes:
    rows = [
        f"Person{i},Family{i % 97},https://www.linkedin.com/in/person-{i},,Firm {i % 13},Engineer,02 Mar 2026"
        for i in range(count)
    ]
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
    return "\n".join([header, *rows, ""]).encode()


def test_a_celery_worker_imports_an_uploaded_export(owner, fixtures, tmp_path):
    celery = _Celery(tmp_path)
    run = ImportRun.objects.create(owner=owner, kind="linkedin", original_name="export.zip")
    zip_bytes = (fixtures / "linkedin/Complete_LinkedInDataExport_03-14-2026.zip").read_bytes()
    run.file.save("export.zip", ContentFile(zip_bytes))
    celery.start(
        "worker", "--pool=solo", "--without-heartbeat", "--without-gossip", "--without-mingle"
    )
    try:
        celery.send_import(run)
        _wait_for(run, lambda run: run.is_finished)
    finally:
        output = celery.stop()
    assert run.status == "done", (
        f"status {run.status!r}, error {run.error!r}; worker said:\n{output}"
    )
    assert run.summary["counts"]["contacts"] == {"created": 24}
    assert owner.contacts.count() == 24


def test_an_import_whose_worker_process_is_killed_completes_once(owner, tmp_path):
    celery = _Celery(tmp_path)
    run = ImportRun.objects.create(owner=owner, kind="linkedin", original_name="Connections.csv")
    run.file.save("Connections.csv", ContentFile(_connections_csv(CONNECTIONS)))
    upload = Path(run.file.path)
    worker = celery.start(
        "worker",
        "--pool=prefork",
        "--concurrency=1",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    )
    celery.start("beat", "--schedule", str(tmp_path / "beat-schedule"))
    killed = []
    try:
        celery.send_import(run)
        # Mid-import: on PostgreSQL the heartbeat shows rows read; SQLite shows only "running".
        beats = "heartbeat" in settings.DATABASES
        _wait_for(
            run,
            lambda run: (
                run.is_finished or (run.status == "running" and (run.progress or not beats))
            ),
        )
        assert run.status == "running", f"not killed mid-import: {run.status!r}"
        if not beats:
            time.sleep(0.5)
        for child in _pool_children(worker.pid):
            os.kill(child, signal.SIGKILL)  # what the out-of-memory killer does
            killed.append(child)
        _wait_for(run, lambda run: run.is_finished)
    finally:
        output = celery.stop()
    run.refresh_from_db()  # the worker deletes the upload just after recording the outcome
    assert killed
    assert run.status == "done", (
        f"status {run.status!r}, error {run.error!r}; celery said:\n{output}"
    )
    # The killed attempt wrote nothing; the second one created everyone, once.
    assert 2 <= run.attempts <= MAX_ATTEMPTS
    assert run.summary["counts"]["contacts"] == {"created": CONNECTIONS}
    assert owner.contacts.count() == CONNECTIONS
    assert not run.file
    assert not upload.exists()
