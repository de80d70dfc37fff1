"""Say when a contact's interactions changed, for the layers above (insights keeps ties in step).

Sent once the change is committed, so a rolled-back save announces nothing and a receiver reads
what was saved.
"""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

from interactions.models import Interaction

# Sent with owner= and contact_ids= (a sorted list) after their interactions changed.
interactions_changed = Signal()


def interactions_changed_on_commit(owner, contact_ids: Iterable[int]) -> None:
    ids = sorted(set(contact_ids))
    if ids:
        transaction.on_commit(
            lambda: interactions_changed.send(sender=Interaction, owner=owner, contact_ids=ids)
        )
