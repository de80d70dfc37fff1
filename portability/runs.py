"""Running an ImportRun: pick the importer for its kind, record the outcome, report progress.

A run moves pending → running → done or failed, each step a conditional update, so that two
deliveries of one task, or a task and the sweep, never both act on it. The import and the
"done" that records it commit in one transaction: a worker killed at any moment leaves
nothing half-written, and a run is completed at most once.

A worker writes the run's heartbeat and progress through a second connection while it
imports (the import's own writes are invisible until they commit). The sweep, run by celery
beat, hands a run whose heartbeat has stopped back to the queue, up to MAX_ATTEMPTS times,
then fails it with a message.
"""

import datetime
import logging
import math
import time
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError

from insights.tasks import recompute_insights
from portability.ics import ics_import
from portability.importing import ImportFileError, ImportSummary
from portability.linkedin import linkedin_import
from portability.models import ImportRun, stalled_after
from portability.vcard import vcard_import

logger = logging.getLogger(__name__)
HEARTBEAT_DATABASE = "heartbeat"
HEARTBEAT_SECONDS = 2
MAX_ATTEMPTS = 3
OUR_FAULT = "Kith could not import this file because of an error on our side; nothing was changed."
INTERRUPTED = (
    "The import was interrupted before it finished; nothing was changed. Please try again."
)
TOO_LONG = (
    f"The import took longer than {settings.KITH_IMPORT_TIME_LIMIT // 60} minutes and was "
    "stopped; nothing was changed."
)
WORKER_LOST = (
    f"The worker importing this file stopped {MAX_ATTEMPTS} times before it finished (it may "
    "have run out of memory); nothing was changed. Please try again, or import a smaller file."
)


class _Superseded(Exception):
    """The sweep gave this run to another attempt while this one was still importing."""


def import_file(
    kind: str, owner, path: Path, *, name: str, options: dict, progress=None
) -> ImportSummary:
    if kind == ImportRun.Kind.LINKEDIN:
        return linkedin_import(owner, path, name=name, progress=progress)
    if kind == ImportRun.Kind.VCARD:
        return vcard_import(owner, path, name=name, progress=progress)
    if kind == ImportRun.Kind.ICS:
        since, until = (options.get(key) for key in ("since", "until"))
        return ics_import(
            owner,
            path,
            name=name,
            since=datetime.date.fromisoformat(since) if since else None,
            until=datetime.date.fromisoformat(until) if until else None,
            progress=progress,
        )
    raise ImportFileError(f"Kith does not know how to import “{kind}” files.")


class _Heartbeat:
    """The progress callback of a worker's import: every few seconds, the stage and row count
    reach the run through their own connection, which also tells the sweep the worker lives."""

    def __init__(self, attempt: QuerySet) -> None:
        self.attempt = attempt.using(HEARTBEAT_DATABASE)
        self.last = -math.inf  # the first progress is shown at once

    def __call__(self, stage: str, done: int) -> None:
        if time.monotonic() - self.last < HEARTBEAT_SECONDS:
            return
        self.last = time.monotonic()
        beaten = self.attempt.update(
            heartbeat_at=timezone.now(), progress={"stage": stage, "done": done}
        )
        if not beaten:
            # The sweep took the run back (this worker was too slow to beat): stop early.
            raise _Superseded


def import_run_execute(run_id: int, *, in_worker: bool = False) -> None:
    """Run a pending import once: claimed with a conditional update, so running twice is harmless.

    in_worker: a Celery worker runs it, and celery beat's sweep retries it if the worker
    stops; otherwise (tasks run in-process) an interrupted run fails at once.
    """
    now = timezone.now()
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.PENDING).update(
        status=ImportRun.Status.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        progress={},
    )
    if not claimed:
        return
    run = ImportRun.objects.select_related("owner").get(pk=run_id)
    # Every later write is conditional on this attempt still holding the run.
    attempt = ImportRun.objects.filter(
        pk=run_id, status=ImportRun.Status.RUNNING, attempts=run.attempts
    )
    beats = in_worker and HEARTBEAT_DATABASE in settings.DATABASES
    try:
        with transaction.atomic():
            summary = import_file(
                run.kind,
                run.owner,
                Path(run.file.path),
                name=run.original_name,
                options=run.options,
                progress=_Heartbeat(attempt) if beats else None,
            )
            finished = attempt.update(
                status=ImportRun.Status.DONE,
                summary=summary.to_dict(),
                progress={},
                finished_at=timezone.now(),
            )
            if not finished:
                raise _Superseded
            insights_recompute_after_import(run.owner_id)
    except _Superseded:
        logger.warning("Import %s attempt %s was given to another attempt", run_id, run.attempts)
        return
    except ImportFileError as error:
        # Kith's own failure messages already say so; a file's problem does not.
        _fail(attempt, f"{error} Nothing was changed.")
    except SoftTimeLimitExceeded:
        _fail(attempt, TOO_LONG)
    except Exception:
        logger.exception("Import %s failed", run_id)
        _fail(attempt, OUR_FAULT)
    except BaseException:
        # Stopped from outside: the transaction rolled back. A worker's run is left to the
        # sweep, which retries it; one run in-process says so instead of "importing" for ever.
        if not in_worker:
            _fail(attempt, INTERRUPTED)
        raise
    import_run_delete_upload(run)


def insights_recompute_after_import(owner_id: int) -> None:
    """Once an import commits, ties, layers, recall cards and weak-tie flags follow it.

    A broker that cannot take the task loses nothing: the nightly recompute catches up.
    """

    def enqueue() -> None:
        try:
            recompute_insights.delay(owner_id)
        except OperationalError:
            logger.exception("Could not queue the insights recompute after an import")

    # robust: with tasks run in-process, a failing recompute must not undo the import's "done".
    transaction.on_commit(enqueue, robust=True)


def _fail(runs: QuerySet, error: str) -> None:
    runs.update(
        status=ImportRun.Status.FAILED, error=error, progress={}, finished_at=timezone.now()
    )


def import_run_fail(run: ImportRun, error: str) -> None:
    """Fail a run nobody has started (its task could not be queued) and drop its upload."""
    _fail(ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PENDING), error)
    import_run_delete_upload(run)


def import_run_delete_upload(run: ImportRun) -> None:
    """The upload has done its job once the run is finished; an owner's export is not kept."""
    if run.file:
        run.file.delete(save=False)
    ImportRun.objects.filter(
        pk=run.pk, status__in=[ImportRun.Status.DONE, ImportRun.Status.FAILED]
    ).update(file="")


def import_runs_sweep(now: datetime.datetime | None = None) -> list[int]:
    """Hand each run whose worker stopped back to the queue, or fail it after MAX_ATTEMPTS.

    Returns the ids of the runs to queue again; each id is returned by one sweep only.
    """
    now = now or timezone.now()
    stale = now - stalled_after()
    to_queue = []
    stalled = ImportRun.objects.filter(status=ImportRun.Status.RUNNING, heartbeat_at__lt=stale)
    for run in stalled.only("pk", "attempts", "file"):
        this_attempt = stalled.filter(pk=run.pk, attempts=run.attempts)
        if run.attempts < MAX_ATTEMPTS:
            if this_attempt.update(status=ImportRun.Status.PENDING, heartbeat_at=now):
                to_queue.append(run.pk)
        elif this_attempt.update(
            status=ImportRun.Status.FAILED, error=WORKER_LOST, progress={}, finished_at=now
        ):
            import_run_delete_upload(run)
    # A retry whose message was lost (the broker restarted, or was down when the sweep sent
    # it) is sent again; the conditional claim makes an extra message harmless.
    lost = ImportRun.objects.filter(
        status=ImportRun.Status.PENDING, attempts__gt=0, heartbeat_at__lt=stale
    )
    for run in lost.only("pk"):
        if lost.filter(pk=run.pk).update(heartbeat_at=now):
            to_queue.append(run.pk)
    # Uploads of runs whose worker stopped between recording the outcome and deleting them.
    finished = ImportRun.objects.filter(
        status__in=[ImportRun.Status.DONE, ImportRun.Status.FAILED]
    ).exclude(file="")
    for run in finished.only("pk", "file"):
        import_run_delete_upload(run)
    return to_queue
