"""Keep ties in step: when interactions change, recompute those contacts' ties; when contacts
are created in bulk, give them recall cards and ties."""

from insights.compute import recompute_contacts
from insights.models import Tie
from insights.recall import recall_cards_ensure
from interactions.signals import interactions_changed
from network.models import Contact
from network.signals import contacts_created


def _after_interactions_changed(sender, owner, contact_ids: list[int], **kwargs) -> None:
    recompute_contacts(owner, contact_ids)


def _after_contacts_created(sender, owner, **kwargs) -> None:
    recall_cards_ensure(owner)
    # The new people are the active contacts with no tie yet.
    new = (
        Contact.objects.owned_by(owner)
        .active()
        .exclude(pk__in=Tie.objects.owned_by(owner).values("contact"))
    )
    recompute_contacts(owner, list(new.values_list("pk", flat=True)))


def connect() -> None:
    interactions_changed.connect(_after_interactions_changed, dispatch_uid="insights_ties")
    contacts_created.connect(_after_contacts_created, dispatch_uid="insights_new_contacts")
