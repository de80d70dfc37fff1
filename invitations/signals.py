"""An invitation is linked to its person as soon as that person becomes a contact."""

from django.db import connection, transaction
from django.db.models.signals import post_save

from invitations.models import Invitation
from network.models import Contact


def _link_after_save(sender, instance: Contact, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    owner_id = instance.owner_id
    if connection.atomic_blocks:
        # One link pass per owner per transaction, after its commit: an import saving a thousand
        # contacts links once, against everything it saved, and a rollback links nothing. The
        # mark lives on the outermost block, so it goes with the transaction whatever its end.
        outermost = connection.atomic_blocks[0]
        waiting = outermost.__dict__.setdefault("kith_link_owners", set())
        if owner_id in waiting:
            return
        waiting.add(owner_id)
    else:
        waiting = set()
    transaction.on_commit(lambda: _link(owner_id, waiting))


def _link(owner_id: int, waiting: set[int]) -> None:
    from invitations.policy import invitations_link_contacts

    waiting.discard(owner_id)
    if Invitation.objects.filter(owner_id=owner_id, contact__isnull=True).exists():
        invitations_link_contacts(owner_id)


def connect() -> None:
    post_save.connect(_link_after_save, sender=Contact, dispatch_uid="invitations_link_contact")
