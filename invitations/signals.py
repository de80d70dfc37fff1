"""An invitation is linked to its person as soon as that person becomes a contact by hand or at
Log a meeting, or their name or profile address changes (imports link in bulk themselves)."""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save

from invitations.models import Invitation
from invitations.policy import invitations_link_contacts
from network.models import Contact
from network.signals import contacts_created


def _link_after_save(sender, instance: Contact, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    owner_id, name, url = instance.owner_id, instance.full_name, instance.linkedin_url
    # After the commit, so a merge or a form links against everything it saved, and a
    # rolled-back save links nothing.
    transaction.on_commit(lambda: _link(owner_id, name, url))


def _link(owner_id: int, name: str, url: str) -> None:
    # One indexed look-up per save; the full pass only when this person may have invited.
    could_match = Q(name__iexact=" ".join(name.split()))
    if url:
        could_match |= Q(profile_url=url)
    if Invitation.objects.filter(could_match, owner_id=owner_id, contact__isnull=True).exists():
        invitations_link_contacts(owner_id)


def _link_after_bulk(sender, owner, **kwargs) -> None:
    invitations_link_contacts(owner)


def connect() -> None:
    post_save.connect(_link_after_save, sender=Contact, dispatch_uid="invitations_link_contact")
    contacts_created.connect(_link_after_bulk, dispatch_uid="invitations_link_contacts")
