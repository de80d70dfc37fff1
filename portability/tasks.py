from celery import shared_task

from portability.runs import import_run_execute


@shared_task
def import_run(run_id: int) -> None:
    import_run_execute(run_id)
