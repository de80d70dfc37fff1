"""Celery tasks of insights: the nightly (and after-import) recompute of ties and recall.

The task takes an owner id and calls insights.compute; recomputing twice writes nothing new the
second time, so a retried or doubled run is harmless.
"""

import logging
import time

from celery import shared_task

from insights.compute import owners_with_contacts, recompute_owner

logger = logging.getLogger(__name__)


@shared_task
def recompute_insights(owner_id: int | None = None) -> None:
    """Recompute the ties (and recall cards and snapshot) of one owner, or of every owner who
    has contacts: beat runs it nightly, imports after they finish."""
    owners = owners_with_contacts()
    if owner_id is not None:
        owners = owners.filter(pk=owner_id)
    failed = []
    for owner in owners:
        started = time.perf_counter()
        try:
            ties = recompute_owner(owner)
        except Exception:
            # One owner's broken data must not leave everyone else's ties a day old.
            logger.exception("Insights for %s failed; the others go on", owner)
            failed.append(owner.pk)
            continue
        logger.info(
            "Insights for %s: %d ties in %.1f s", owner, ties, time.perf_counter() - started
        )
    if failed:
        raise RuntimeError(f"Insights could not be recomputed for owners {failed}")
