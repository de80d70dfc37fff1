from celery import shared_task
from django.conf import settings

from portability.runs import import_run_execute, import_runs_sweep


# The soft limit raises inside the import, which then fails with a message; the hard limit
# stops a worker that does not even notice that.
@shared_task(
    bind=True,
    soft_time_limit=settings.KITH_IMPORT_TIME_LIMIT,
    time_limit=settings.KITH_IMPORT_TIME_LIMIT + 60,
)
def import_run(self, run_id: int) -> None:
    import_run_execute(run_id, in_worker=not self.request.is_eager)


@shared_task
def import_runs_sweep_stalled() -> None:
    for run_id in import_runs_sweep():
        import_run.delay(run_id)
