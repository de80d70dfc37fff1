import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from invitations.digest import digest_send, owners_due_for_digest

logger = logging.getLogger(__name__)


@shared_task
def weekly_digest_send(owner_id: int) -> None:
    owner = get_user_model().objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        return
    outcome = digest_send(owner)
    logger.info("Weekly digest for %s: %s", owner, outcome)


@shared_task
def weekly_digests_send() -> None:
    """Beat's hourly sweep: one task per owner whose digest is due."""
    for owner_id in owners_due_for_digest().exclude(email="").values_list("pk", flat=True):
        weekly_digest_send.delay(owner_id)
