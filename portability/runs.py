"""Running an ImportRun: pick the importer for its kind, record the outcome, report progress.

Progress lives in the cache, not the database: the import runs in one transaction, whose
writes nobody else sees until it commits.
"""

import datetime
import logging
from pathlib import Path

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portability.ics import ics_import
from portability.importing import ImportFileError, ImportSummary
from portability.linkedin import linkedin_import
from portability.models import ImportRun
from portability.vcard import vcard_import

logger = logging.getLogger(__name__)
PROGRESS_SECONDS = 60 * 60
STALE_AFTER = datetime.timedelta(minutes=30)
OUR_FAULT = "Kith could not import this file because of an error on our side; nothing was changed."
INTERRUPTED = (
    "The import was interrupted before it finished; nothing was changed. Please try again."
)


def _progress_key(run_id: int) -> str:
    return f"kith:import-progress:{run_id}"


def import_progress(run: ImportRun) -> dict:
    return cache.get(_progress_key(run.pk)) or {}


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


def import_run_execute(run_id: int) -> None:
    """Run a pending import once: claimed with a conditional update, so running twice is harmless."""
    # A run left "running" by a worker that died is taken again when its task is redelivered.
    stale = timezone.now() - STALE_AFTER
    claimed = (
        ImportRun.objects.filter(pk=run_id)
        .filter(
            Q(status=ImportRun.Status.PENDING)
            | Q(status=ImportRun.Status.RUNNING, started_at__lt=stale)
        )
        .update(status=ImportRun.Status.RUNNING, started_at=timezone.now())
    )
    if not claimed:
        return
    run = ImportRun.objects.select_related("owner").get(pk=run_id)

    def progress(stage: str, done: int) -> None:
        cache.set(_progress_key(run_id), {"stage": stage, "done": done}, PROGRESS_SECONDS)

    try:
        summary = import_file(
            run.kind,
            run.owner,
            Path(run.file.path),
            name=run.original_name,
            options=run.options,
            progress=progress,
        )
    except ImportFileError as error:
        _finish(run, ImportRun.Status.FAILED, error=str(error))
    except Exception:
        logger.exception("Import %s failed", run_id)
        _finish(run, ImportRun.Status.FAILED, error=OUR_FAULT)
    except BaseException:
        # Stopped from outside (a worker shut down, a request timed out): the transaction rolled
        # back, so say so instead of leaving the run "importing" for ever.
        _finish(run, ImportRun.Status.FAILED, error=INTERRUPTED)
        raise
    else:
        _finish(run, ImportRun.Status.DONE, summary=summary.to_dict())


def _finish(run: ImportRun, status: str, *, error: str = "", summary: dict | None = None) -> None:
    run.status, run.error, run.summary = status, error, summary or {}
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save(update_fields=["status", "error", "summary", "finished_at"])
        # The upload has done its job; an owner's export is not kept around.
        run.file.delete(save=False)
        ImportRun.objects.filter(pk=run.pk).update(file="")
    cache.delete(_progress_key(run.pk))
