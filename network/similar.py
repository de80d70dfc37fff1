"""Who is already there: the owner's contacts that a new person may be, before anyone saves a
second copy of them (the contact form, Log a meeting).

One query, whatever the size of the network: the database narrows the owner's contacts to those
sharing the LinkedIn profile or the email, or with a word of the name starting like the new
name's first or last word (closest length first, at most CANDIDATES of them); rapidfuzz then
compares the names in Python. Under the identity rules (see DESIGN.md, "Identity") two people
with different LinkedIn profiles are never the same person, so a name alone does not flag them.
"""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Abs, Length
from rapidfuzz import fuzz

from network.linkedin import linkedin_url_or_blank
from network.models import Contact
from network.names import name_words

CANDIDATES = 200
NAME_THRESHOLD = 85  # rapidfuzz ratio over the folded names, 0..100
PREFIX = 3


@dataclass(frozen=True)
class SimilarContact:
    contact: Contact
    reason: str
    is_clash: bool  # the same LinkedIn profile or email: this is that person, not a namesake


def similar_contacts(
    owner,
    *,
    full_name: str,
    email: str = "",
    linkedin_url: str = "",
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[SimilarContact]:
    """The owner's contacts (archived ones too) the new person may already be, strongest first:
    same LinkedIn profile, same email, same name, then similar names by likeness."""
    # An invalid address matches nobody; the form says what is wrong with it.
    url = linkedin_url_or_blank(linkedin_url)
    email = email.strip().lower()
    words = name_words(full_name)
    identity = []  # the same profile or email first, so that no namesake crowds them out
    if url:
        identity.append(Q(linkedin_url=url))
    if email:
        identity.append(Q(email__iexact=email))
    wanted = Q(pk__in=[])
    for condition in identity:
        wanted |= condition
    for word in {words[0], words[-1]} if words else ():
        prefix = word[:PREFIX]
        wanted |= Q(name_key__startswith=prefix) | Q(name_key__contains=f" {prefix}")
    candidates = (
        Contact.objects.owned_by(owner)
        .filter(wanted)
        .exclude(pk=exclude_pk)
        .annotate(
            identity=Case(
                *(When(condition, then=Value(0)) for condition in identity),
                default=Value(1),
                output_field=IntegerField(),
            ),
            length_gap=Abs(Length("full_name") - len(" ".join(full_name.split()))),
        )
        .order_by("identity", "length_gap", "pk")[:CANDIDATES]
    )
    found = []
    for contact in candidates:
        match = _match(contact, url=url, email=email, name=full_name, words=words)
        if match:
            found.append(match)
    found.sort(key=lambda item: (item[0], item[1].contact.pk))
    return [similar for _, similar in found[:limit]]


def _match(
    contact: Contact, *, url: str, email: str, name: str, words: list[str]
) -> tuple[tuple[int, float], SimilarContact] | None:
    """Why contact may be the new person, ranked (lower first), or None."""
    other_url = contact.linkedin_url
    urls_differ = bool(url and other_url and url != other_url)
    if url and other_url == url:
        return (0, 0), SimilarContact(contact, "same LinkedIn profile", is_clash=True)
    if email and contact.email.lower() == email:
        if urls_differ:
            reason = "same email, but a different LinkedIn profile"
            return (2, 0), SimilarContact(contact, reason, is_clash=False)
        return (1, 0), SimilarContact(contact, "same email", is_clash=True)
    their_words = name_words(contact.full_name)
    if urls_differ or not words or not their_words:
        return None
    if sorted(words) == sorted(their_words):
        return (3, 0), SimilarContact(contact, "same name", is_clash=False)
    score = max(
        fuzz.ratio(" ".join(words), " ".join(their_words)),
        fuzz.token_sort_ratio(words, their_words),
    )
    if score < NAME_THRESHOLD:
        return None
    reason = f"similar name ({' '.join(name.split())} ~ {contact.full_name})"
    return (4, -score), SimilarContact(contact, reason, is_clash=False)
