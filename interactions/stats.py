"""The interaction figures stored on Contact, recomputed set-based in one UPDATE."""

from collections.abc import Iterable

from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from interactions.models import Interaction
from network.models import Contact

CHUNK = 5000


def _per_contact(aggregate) -> Subquery:
    return Subquery(
        Interaction.objects.filter(contact=OuterRef("pk"))
        .values("contact")
        .annotate(value=aggregate)
        .values("value")
    )


def contacts_refresh_interaction_stats(contacts: QuerySet[Contact] | Iterable[int]) -> int:
    """Recompute last interaction date and counts for the given contacts (a queryset or ids).

    Returns the number of contacts updated.
    """
    if not isinstance(contacts, QuerySet):
        # Chunks keep a 30,000-contact import under SQLite's limit on query parameters.
        ids = list(contacts)
        return sum(
            contacts_refresh_interaction_stats(
                Contact.objects.filter(pk__in=ids[start : start + CHUNK])
            )
            for start in range(0, len(ids), CHUNK)
        )
    in_person = Q(kind=Interaction.Kind.IN_PERSON)
    return contacts.update(
        last_interaction_on=_per_contact(Max("occurred_on")),
        in_person_count=Coalesce(
            _per_contact(Count("pk", filter=in_person)), Value(0), output_field=IntegerField()
        ),
        other_interaction_count=Coalesce(
            _per_contact(Count("pk", filter=~in_person)), Value(0), output_field=IntegerField()
        ),
    )
