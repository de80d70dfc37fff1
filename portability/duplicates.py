"""Finding the same person entered twice (an import and a hand-made contact, two imports)
and merging the two into one, losing nothing.

Likely duplicates share a LinkedIn profile, an email address, or a name that is the same or
nearly the same (typos, accents, word order), weighed by the company each one is at. Names
are only compared within blocks (the first three letters of the first and of the last word),
so 30,000 contacts take one to two seconds rather than 450 million comparisons.
"""

import itertools
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils.formats import date_format
from rapidfuzz import fuzz, process

from interactions.models import FollowUp, Interaction
from interactions.stats import contacts_refresh_interaction_stats
from invitations.models import Invitation
from network.forms import ContactForm
from network.models import Contact
from network.names import name_words, normalize_name
from portability.importing import external_ids_move

NAME_THRESHOLD = 90  # token_sort_ratio, after the company bonus or penalty
SAME_COMPANY_BONUS = 5
OTHER_COMPANY_PENALTY = 10
BLOCK_PREFIX = 3

# Blank fields of the kept contact that the other one fills.
FILLED_FIELDS = (
    "company",
    "title",
    "email",
    "phone",
    "linkedin_url",
    "location",
    "how_we_met",
    "stands_for",
    "photo",
    "connected_on",
    "closeness",
)
# Contact details that cannot be kept twice: when both differ, the other's go into the notes.
KEPT_IN_NOTES = (("email", "email"), ("phone", "phone"), ("linkedin_url", "LinkedIn"))
# What the owner picks, field by field, when both records have a different value: what the
# contact form edits, in its order, but the photo (a blank one is filled) and the notes (joined).
CHOSEN_FIELDS = tuple(name for name in ContactForm.Meta.fields if name not in {"photo", "notes"})
PICK_PREFIX = "pick_"
LINKEDIN_STRENGTH = {
    Contact.LinkedInStatus.NOT_CONNECTED: 0,
    Contact.LinkedInStatus.REMOVED: 1,
    Contact.LinkedInStatus.INVITED: 2,
    Contact.LinkedInStatus.CONNECTED: 3,
}


@dataclass(frozen=True)
class FieldComparison:
    """One line of the side-by-side view: a field's value on each record."""

    name: str
    label: str
    first: str
    second: str
    second_suggested: bool = False  # which value the form offers first

    @property
    def differs(self) -> bool:
        return self.first != self.second

    @property
    def is_choice(self) -> bool:
        """Both have a different value, so the owner picks one; a blank is simply filled."""
        return self.name in CHOSEN_FIELDS and self.differs and bool(self.first and self.second)


@dataclass
class DuplicatePair:
    first: Contact
    second: Contact
    reason: str

    def comparisons(self) -> list[FieldComparison]:
        """Every field shown side by side, then where each came from and what was logged."""
        rows = [
            FieldComparison(
                name,
                Contact._meta.get_field(name).verbose_name.capitalize(),
                _shown(self.first, name),
                _shown(self.second, name),
                second_suggested=name == "linkedin_status"
                and LINKEDIN_STRENGTH[self.second.linkedin_status]
                > LINKEDIN_STRENGTH[self.first.linkedin_status],
            )
            for name in CHOSEN_FIELDS
        ]
        for name, label in (
            ("source", "Came from"),
            ("interaction_count", "Interactions"),
            ("last_interaction_on", "Last interaction"),
        ):
            rows.append(
                FieldComparison(name, label, _shown(self.first, name), _shown(self.second, name))
            )
        return rows


def _shown(contact: Contact, name: str) -> str:
    value = getattr(contact, name)
    if value in ("", None):
        return ""
    if hasattr(contact, f"get_{name}_display"):
        return str(getattr(contact, f"get_{name}_display")())
    if hasattr(value, "isoformat"):
        return date_format(value, "j M Y")
    return str(value)


def fields_picked_from_other(data) -> set[str] | None:
    """The fields whose value the owner chose from the merged-away record (form data with
    pick_<field>=other), or None when the form offered no choice; anything else is ignored."""
    if not any(key.startswith(PICK_PREFIX) for key in data):
        return None
    return {name for name in CHOSEN_FIELDS if data.get(f"{PICK_PREFIX}{name}") == "other"}


@dataclass(slots=True)
class _Row:
    pk: int
    name: str
    company: str
    email: str
    linkedin_url: str


def duplicate_pairs(
    owner, limit: int = 50, dismissed: set[frozenset[int]] | None = None
) -> list[DuplicatePair]:
    """The owner's likely duplicates (archived contacts included), strongest first: same
    LinkedIn profile, same email, then same or similar names by score. Each pair once, a
    dismissed pair (a frozenset of the two ids) never. Two queries however many contacts."""
    dismissed = dismissed or set()
    rows = [
        _Row(*values)
        for values in Contact.objects.owned_by(owner)
        .order_by("pk")
        .values_list("pk", "full_name", "company", "email", "linkedin_url")
    ]
    found: list[tuple[int, int, str]] = []
    seen: set[frozenset[int]] = set(dismissed)
    for first, second, reason in itertools.chain(
        _same_value_pairs(rows, "linkedin_url", lambda url: "Same LinkedIn profile"),
        _same_value_pairs(rows, "email", lambda email: f"Same email: {email}"),
        _similar_name_pairs(rows),
    ):
        key = frozenset((first.pk, second.pk))
        if key in seen:
            continue
        seen.add(key)
        found.append((first.pk, second.pk, reason))
        if len(found) >= limit:
            break
    if not found:
        return []
    contacts = Contact.objects.owned_by(owner).in_bulk({pk for a, b, _ in found for pk in (a, b)})
    return [  # a contact deleted meanwhile drops its pair
        DuplicatePair(contacts[a], contacts[b], reason)
        for a, b, reason in found
        if a in contacts and b in contacts
    ]


def _same_value_pairs(rows: list[_Row], field: str, reason):
    groups: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        value = getattr(row, field).strip().lower().rstrip("/")
        if value:
            groups[value].append(row)
    for value, group in groups.items():  # in order of the group's oldest contact
        for first, second in itertools.combinations(group, 2):
            if not _profiles_differ(first, second):
                yield first, second, reason(value)


def _profiles_differ(first: _Row, second: _Row) -> bool:
    """Two LinkedIn profiles are two people, whatever their names or emails (DESIGN.md,
    "Identity"): such a pair is never offered as a duplicate."""
    return bool(first.linkedin_url and second.linkedin_url) and (
        first.linkedin_url != second.linkedin_url
    )


def _company_adjustment(first: _Row, second: _Row) -> int:
    a, b = normalize_name(first.company), normalize_name(second.company)
    if not a or not b:
        return 0
    return SAME_COMPANY_BONUS if a == b else -OTHER_COMPANY_PENALTY


def _similar_name_pairs(rows: list[_Row]):
    # Words sorted (token_sort_ratio: "Smith, Jon" is "Jon Smith") and in their order (a typo
    # in a first letter must not reorder the words and hide the likeness).
    sorted_keys: list[str] = []
    plain_keys: list[str] = []
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        words = name_words(row.name)
        sorted_keys.append(" ".join(sorted(words)))
        plain_keys.append(" ".join(words))
        if words:
            for prefix in {words[0][:BLOCK_PREFIX], words[-1][:BLOCK_PREFIX]}:
                blocks[prefix].append(index)

    cutoff = NAME_THRESHOLD - SAME_COMPANY_BONUS
    scores: dict[tuple[int, int], float] = {}
    for members in blocks.values():
        for keys in (sorted_keys, plain_keys):
            member_keys = [keys[index] for index in members]
            for position in range(len(members) - 1):
                matches = process.extract(
                    member_keys[position],
                    member_keys[position + 1 :],
                    scorer=fuzz.ratio,
                    score_cutoff=cutoff,
                    limit=None,
                )
                for _, score, offset in matches:
                    pair = (members[position], members[position + 1 + offset])
                    scores[pair] = max(score, scores.get(pair, 0))

    ranked = []
    for (i, j), score in scores.items():
        if _profiles_differ(rows[i], rows[j]):
            continue
        strength = score + _company_adjustment(rows[i], rows[j])
        if strength >= NAME_THRESHOLD:
            ranked.append((-strength, -score, rows[i].pk, rows[j].pk, i, j))
    ranked.sort()
    for _, negative_score, _, _, i, j in ranked:
        yield rows[i], rows[j], _name_reason(rows[i], rows[j], -negative_score)


def _name_reason(first: _Row, second: _Row, score: float) -> str:
    if normalize_name(first.name) == normalize_name(second.name):
        reason = f"Same name: “{first.name}”"
    else:
        reason = f"Similar names: “{first.name}” and “{second.name}” ({round(score)}% alike)"
    a, b = first.company.strip(), second.company.strip()
    if a and b:
        same = normalize_name(a) == normalize_name(b)
        reason += f", both at {a}" if same else f", at {a} and at {b}"
    return reason


def contacts_merge(
    owner, keep: Contact, other: Contact, take_from_other: set[str] | None = None
) -> Contact:
    """Merge other into keep and delete other; returns keep as saved.

    Every interaction, follow-up, invitation and tag of other moves to keep. The fields named in
    take_from_other get other's value (None: nobody chose, and the stronger LinkedIn status
    wins); keep's blank fields are filled from other; notes are joined, and a contact detail
    that cannot be kept twice goes into them. Raises ValueError, changing nothing, unless both
    are the owner's and differ.
    """
    if keep.pk == other.pk:
        raise ValueError("A contact cannot be merged with itself.")
    with transaction.atomic():
        contacts = (
            Contact.objects.owned_by(owner)
            .select_for_update()
            .order_by("pk")
            .in_bulk([keep.pk, other.pk])
        )
        if len(contacts) != 2:
            raise ValueError("Only two of your own contacts can be merged.")
        keep, other = contacts[keep.pk], contacts[other.pk]
        _interactions_move(keep, other)
        FollowUp.objects.filter(contact=other).update(contact=keep)
        Invitation.objects.filter(contact=other).update(contact=keep)
        keep.tags.add(*other.tags.all())
        for name in (take_from_other or set()) & set(CHOSEN_FIELDS):
            # Swapped, so that the value left behind is the one noted as "also had".
            kept, taken = getattr(keep, name), getattr(other, name)
            setattr(keep, name, taken)
            setattr(other, name, kept)
        _fields_merge(keep, other, status_chosen=take_from_other is not None)
        # The profile address is unique per owner and the photo file now belongs to keep.
        Contact.objects.filter(pk=other.pk).update(linkedin_url="", photo="")
        keep.save()
        photo_left = other.photo.name if other.photo and other.photo != keep.photo else ""
        other.photo = ""
        other.delete()
        if photo_left:
            storage = keep.photo.storage
            transaction.on_commit(lambda: storage.delete(photo_left))
        contacts_refresh_interaction_stats([keep.pk])
    keep.refresh_from_db()
    return keep


def _interactions_move(keep: Contact, other: Contact) -> None:
    """Both may have been logged by the same "log a meeting" save (same batch): keep's one
    stays, gaining the other's note and follow-ups, and the other's copy is deleted."""
    shared = Interaction.objects.filter(contact=other, batch__isnull=False).values("batch")
    kept_by_batch = {
        interaction.batch: interaction
        for interaction in Interaction.objects.filter(contact=keep, batch__in=shared)
    }
    for duplicate in Interaction.objects.filter(contact=other, batch__in=list(kept_by_batch)):
        kept = kept_by_batch[duplicate.batch]
        if duplicate.note and duplicate.note not in kept.note:
            kept.note = "\n\n".join(filter(None, [kept.note, duplicate.note]))
            kept.save(update_fields=["note", "updated_at"])
        FollowUp.objects.filter(interaction=duplicate).update(interaction=kept)
        duplicate.delete()
    moved = list(Interaction.objects.filter(contact=other))
    Interaction.objects.filter(contact=other).update(contact=keep)
    external_ids_move(moved, other.pk, keep.pk)


def _fields_merge(keep: Contact, other: Contact, *, status_chosen: bool = False) -> None:
    differing = [
        f"{label} {getattr(other, field)}"
        for field, label in KEPT_IN_NOTES
        if getattr(keep, field) and getattr(other, field)
        if getattr(keep, field).lower() != getattr(other, field).lower()
    ]
    for field in FILLED_FIELDS:
        if getattr(keep, field) in ("", None) and getattr(other, field) not in ("", None):
            value = getattr(other, field)
            setattr(keep, field, value.name if field == "photo" else value)
    notes = [keep.notes.strip(), other.notes.strip()]
    if notes[0] == notes[1]:
        notes.pop()
    if differing:
        notes.append(f"Also had, as “{other.full_name}”: {', '.join(differing)}")
    keep.notes = "\n\n".join(filter(None, notes))
    if (
        not status_chosen
        and LINKEDIN_STRENGTH[other.linkedin_status] > LINKEDIN_STRENGTH[keep.linkedin_status]
    ):
        keep.linkedin_status = other.linkedin_status
    keep.is_archived = keep.is_archived and other.is_archived
