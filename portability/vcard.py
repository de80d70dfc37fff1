"""Contacts files (.vcf) in and out: vCard 2.1 (Android), 3.0 (Google, Apple) and 4.0 (CardDAV).

vobject parses each card (quoted-printable and its charsets, bare vCard 2.1 parameters, escapes,
structured N, ADR and ORG values) and writes the export; this module maps cards to Kith's
contacts. Cards are matched to the owner's contacts (LinkedIn profile, then every email on the
card, then name and company) and saved in batches, so importing the same file twice changes
nothing. Exports are vCard 3.0, which Apple Contacts and Google Contacts both read.

Two parts stay here because vobject cannot do them:
- Streaming with limits. vobject reads a whole stream into one list of cards, and with
  `allowQP` (needed for Android's quoted-printable soft breaks) it copies the value read so far
  again for every folded line, so a 1.6 MB folded photo takes 3 s and a 10 MB one minutes.
  Kith unfolds the lines itself while counting the size of each value and card, refuses a file
  past the limits at the line where it happens, and hands vobject one card at a time.
- Photos. vobject's PHOTO behaviour keeps a CardDAV `PHOTO:data:image/png;base64,…` value only
  up to its first comma, so photo lines are taken apart by vobject's line parser alone and the
  base64 is decoded here; network.photos then redraws the picture.
"""

import base64
import binascii
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import vobject
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from vobject.base import ContentLine, VObjectError, textLineToContentLine

from invitations.policy import invitations_link_contacts
from network.forms import tags_get_or_create
from network.linkedin import linkedin_url_or_blank
from network.models import Contact
from network.photos import MAX_PHOTO_BYTES, reencode_photo
from portability.importing import (
    MAX_UPLOAD_BYTES,
    ContactMatcher,
    ImportFileError,
    ImportSummary,
    Progress,
    clean_text,
    text_lines,
)

BATCH = 500
# Longest value of any property but PHOTO, and of a whole card without its photo. A real note
# is a few KB; a longer value is not an address book's.
MAX_VALUE_CHARACTERS = 1024 * 1024
MAX_CARD_CHARACTERS = 4 * 1024 * 1024
# The properties Kith reads; vobject (slow: about a millisecond a card) is given no others.
READ_PROPERTIES = {
    "VERSION", "FN", "N", "ORG", "TITLE", "EMAIL", "TEL", "ADR", "URL", "X-SOCIALPROFILE",
    "X-ABLABEL", "NOTE", "CATEGORIES", "KIND", "X-ABSHOWAS",
}  # fmt: skip
# Google's built-in groups, which nearly every card carries; they are not the owner's tags.
SYSTEM_GROUPS = {"mycontacts", "starred"}
NON_PERSON_KINDS = {"org", "group", "location"}
# Note lines the export writes for the fields vCard has no property for.
NOTE_FIELDS = {"Stands for: ": ("stands_for", 200), "How we met: ": ("how_we_met", 300)}
FILLED_FIELDS = (
    "company",
    "title",
    "email",
    "phone",
    "linkedin_url",
    "location",
    "stands_for",
    "how_we_met",
    "notes",
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ESCAPE = re.compile(r"\\(.)", re.DOTALL)
# vobject leaves PHOTO lines unfolded for an old Apple Address Book. Apple Contacts writes them
# folded today (the macOS card in the test fixtures), and an unfolded photo is a line of up to
# 13 MB, which Kith's own importer refuses (no line over 1 MB): fold them like every line.
vobject.vcard.wacky_apple_photo_serialize = False
# What vobject raises, besides its own errors, on a card it cannot make sense of.
PARSE_ERRORS = (VObjectError, ValueError, TypeError, AttributeError, IndexError, KeyError)


@dataclass
class _Card:
    line: int
    full_name: str
    fields: dict[str, str]  # FILLED_FIELDS; "" where the card has nothing
    emails: list[str]
    tags: list[str]
    photo: ContentLine | None


@dataclass
class _Context:
    owner: object
    summary: ImportSummary
    matcher: ContactMatcher
    photo_files: list[str]
    name: str  # the file's, for the notes in the summary
    # The matcher knows a new contact by a negative key until it is saved.
    next_key: int = -1


# Import --------------------------------------------------------------------------------


def vcard_import(
    owner, path: Path, *, name: str | None = None, progress: Progress | None = None
) -> ImportSummary:
    """Import a contacts file (.vcf), all or nothing: a damaged file raises ImportFileError
    and leaves the database as it was."""
    name = name or path.name
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise ImportFileError(f"{name} is larger than Kith accepts for a contacts file.")
    summary = ImportSummary()
    photo_files: list[str] = []
    try:
        with transaction.atomic():
            context = _Context(owner, summary, ContactMatcher(owner), photo_files, name)
            done = 0
            for batch in itertools.batched(
                _cards(text_lines(lambda: path.open("rb"), name), name), BATCH
            ):
                cards = [card for raw in batch if (card := _card(summary, name, *raw))]
                _save_batch(context, cards)
                done += len(batch)
                if progress:
                    progress("contacts", done)
            # Invitations of people this import made contacts (bulk-created, so no signal).
            invitations_link_contacts(owner)
    except BaseException:
        # The rollback forgets the rows; the photo files saved on the way go with them.
        storage = Contact._meta.get_field("photo").storage
        for photo in photo_files:
            storage.delete(photo)
        raise
    return summary


def _cards(lines: Iterable[str], name: str) -> Iterator[tuple[int, list[str], list[str]]]:
    """Each card as the number of the line its BEGIN:VCARD is on, its unfolded lines and its
    photo lines apart."""
    start: int | None = None
    properties: list[str] = []
    photos: list[str] = []
    size = 0
    found = False
    for number, line in _unfolded(lines, name):
        head, colon, value = line.partition(":")
        prop = head.partition(";")[0].rpartition(".")[2].strip().upper()
        if prop == "BEGIN" and value.strip().upper() == "VCARD":
            if start is not None:
                raise ImportFileError(_unterminated(name, start))
            start, properties, photos, size, found = number, [], [], 0, True
        elif prop == "END" and value.strip().upper() == "VCARD":
            if start is not None:
                yield start, properties, photos
            start = None
        elif start is not None and colon:
            if prop == "PHOTO":
                photos.append(line)
                continue
            size += len(line)
            if size > MAX_CARD_CHARACTERS:
                raise ImportFileError(
                    f"{name}, line {start}: this card holds more than "
                    f"{MAX_CARD_CHARACTERS // 2**20} MB of text, more than any address book "
                    "writes for one person; is this really a contacts file?"
                )
            if prop in READ_PROPERTIES:
                properties.append(line)
    if start is not None:
        raise ImportFileError(_unterminated(name, start))
    if not found:
        raise ImportFileError(
            f"{name} holds no contact cards (BEGIN:VCARD); export your contacts as a "
            "vCard (.vcf) file from your phone, Google Contacts or Apple Contacts."
        )


def _unterminated(name: str, line: int) -> str:
    return (
        f"{name}, line {line}: this contact card has no END:VCARD, so the file looks cut "
        "short. Export your contacts again and import the new file."
    )


def _unfolded(lines: Iterable[str], name: str) -> Iterator[tuple[int, str]]:
    """Logical lines, each with the number of the line it starts on. A line that starts with
    a space or tab continues the one before; in quoted-printable values (vCard 2.1) a trailing
    "=" is a soft line break. A value past its limit is refused where it starts, except a
    photo, which is only left out (the card is still worth importing)."""
    parts: list[str] = []
    start = size = limit = 0
    soft_break = too_large = False
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if parts and (soft_break or line[:1] in (" ", "\t")):
            piece = line if soft_break else line[1:]
        else:
            if parts:
                yield start, _joined(parts, too_large)
            parts, start, size, too_large, piece = [], number, 0, False, line
            is_photo = line.partition(":")[0].partition(";")[0].upper().endswith("PHOTO")
            limit = MAX_PHOTO_BYTES * 4 // 3 + 4096 if is_photo else MAX_VALUE_CHARACTERS
        size += len(piece)
        if size > limit and not is_photo:
            raise ImportFileError(
                f"{name}, line {start}: this value is longer than "
                f"{MAX_VALUE_CHARACTERS // 2**20} MB, more than any address book writes; is "
                "this really a contacts file?"
            )
        too_large = too_large or size > limit
        if not too_large:
            parts.append(piece)
        soft_break = line.endswith("=") and _is_quoted_printable(parts[0])
        if soft_break and not too_large:
            parts[-1] = parts[-1][:-1]
    if parts:
        yield start, _joined(parts, too_large)


def _joined(parts: list[str], too_large: bool) -> str:
    # A photo past its limit keeps its name and parameters, so the card still says it had one.
    return parts[0].partition(":")[0] + ":" if too_large else "".join(parts)


def _is_quoted_printable(line: str) -> bool:
    return "QUOTED-PRINTABLE" in line.partition(":")[0].upper()


def _component(properties: list[str]):
    text = "\r\n".join(["BEGIN:VCARD", *properties, "END:VCARD", ""])
    return vobject.readOne(text, allowQP=True, ignoreUnreadable=True)


def _lines(card, key: str) -> list[ContentLine]:
    return card.contents.get(key.lower(), [])


def _string(value) -> str:
    """A property's value as text: structured parts joined, bytes decoded, CR LF as LF."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    elif isinstance(value, list):
        value = " ".join(_string(part) for part in value)
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _first(card, key: str) -> str:
    lines = _lines(card, key)
    return _string(lines[0].value).strip() if lines else ""


def _uri(line: ContentLine) -> str:
    """URL and X-SOCIALPROFILE are not text to vobject, so Apple's `https\\://` stays escaped."""
    return ESCAPE.sub(r"\1", _string(line.value)).strip()


def _types(line: ContentLine) -> set[str]:
    """TYPE=a,b and TYPE="a,b" (3.0, 4.0) and bare vCard 2.1 parameters (TEL;CELL;PREF)."""
    written = [*line.params.get("TYPE", []), *line.singletonparams]
    return {kind.strip().lower() for value in written for kind in value.split(",")}


def _by_preference(lines: list[ContentLine], favourite: str = "") -> list[ContentLine]:
    """Preferred first (TYPE=pref, or the lowest PREF=n), then the favourite type, then in order."""

    def rank(item: tuple[int, ContentLine]) -> tuple[int, bool, int]:
        index, line = item
        types = _types(line)
        pref = str(line.params.get("PREF", [""])[0])
        level = (
            0
            if "pref" in types
            else int(pref)
            if pref.isascii() and pref.isdigit() and len(pref) < 4
            else 101
        )
        return level, bool(favourite) and favourite not in types, index

    return [line for _, line in sorted(enumerate(lines), key=rank)]


def _card(
    summary: ImportSummary, name: str, line: int, properties: list[str], photos: list[str]
) -> _Card | None:
    """The person a card describes, or None (with the reason in the summary)."""
    try:
        card = _component(properties)
        return _person(summary, name, line, card, photos)
    except PARSE_ERRORS as error:
        summary.skip(name, line, f"This card could not be read ({str(error)[:100]}).")
        return None


def _person(summary: ImportSummary, name: str, line: int, card, photos: list[str]):
    n = _lines(card, "N")[0].value if _lines(card, "N") else None
    given, additional, family = (
        (_string(n.given), _string(n.additional), _string(n.family)) if n else ("", "", "")
    )
    full_name = clean_text(_first(card, "FN"), 200)
    orgs = _by_preference(_lines(card, "ORG"))
    org = orgs[0].value if orgs else ""
    company = clean_text(_string(org[0] if isinstance(org, list) and org else org), 200)
    is_company = not (given + additional + family).strip() and (
        _first(card, "X-ABSHOWAS").upper() == "COMPANY"
    )
    if is_company or _first(card, "KIND").lower() in NON_PERSON_KINDS:
        summary.skip(name, line, f"“{full_name or company}” is a company or group, not a person.")
        return None
    full_name = full_name or clean_text(f"{given} {additional} {family}", 200)
    if not full_name:
        summary.skip(name, line, "This card has no name (FN or N).")
        return None

    emails: list[str] = []
    for email_line in _by_preference(_lines(card, "EMAIL")):
        email = clean_text(_string(email_line.value), 254).lower().removeprefix("mailto:")
        try:
            validate_email(email)
        except ValidationError:
            continue
        if email not in emails:
            emails.append(email)
    phones = (
        clean_text(_string(tel.value).removeprefix("tel:"), 50)
        for tel in _by_preference(_lines(card, "TEL"), favourite="cell")
    )
    notes = "\n\n".join(
        text for note in _lines(card, "NOTE") if (text := _string(note.value).strip())
    )
    notes, from_notes = _note_fields(notes)
    fields = {
        "company": company,
        "title": clean_text(_first(card, "TITLE"), 300),
        "email": emails[0] if emails else "",
        "phone": next((phone for phone in phones if phone), ""),
        "linkedin_url": _linkedin_url(card),
        "location": _location(card),
        "notes": notes,
        **from_notes,
    }
    embedded = (photo for raw in photos if _is_embedded(photo := textLineToContentLine(raw)))
    return _Card(
        line=line,
        full_name=full_name,
        fields={key: fields.get(key, "") for key in FILLED_FIELDS},
        emails=emails,
        tags=_tags(card),
        photo=next(embedded, None),
    )


def _note_fields(notes: str) -> tuple[str, dict[str, str]]:
    """The note without the "Stands for: …" and "How we met: …" lines Kith's export adds,
    and those fields."""
    fields, kept = {}, []
    for line in notes.split("\n"):
        prefix = next((prefix for prefix in NOTE_FIELDS if line.startswith(prefix)), "")
        if prefix and NOTE_FIELDS[prefix][0] not in fields:
            field_name, max_length = NOTE_FIELDS[prefix]
            fields[field_name] = clean_text(line.removeprefix(prefix), max_length)
        else:
            kept.append(line)
    return "\n".join(kept).strip(), fields


def _linkedin_url(card) -> str:
    """From X-SOCIALPROFILE;type=linkedin, URL;TYPE=linkedin, an Apple URL labelled LinkedIn
    (item1.X-ABLabel), or any address of a LinkedIn profile."""
    labels = {
        (line.group or "").upper(): _string(line.value).strip().casefold()
        for line in _lines(card, "X-ABLABEL")
    }
    for line in [*_lines(card, "X-SOCIALPROFILE"), *_lines(card, "URL")]:
        value = _uri(line)
        group = (line.group or "").upper()
        said = "linkedin" in _types(line) or (group and labels.get(group) == "linkedin")
        if said or "linkedin.com/" in value.lower():
            url = linkedin_url_or_blank(value)
            user = line.params.get("X-USER", [""])[0]
            if not url and said and user:
                url = linkedin_url_or_blank(f"linkedin.com/in/{user}")
            if url:
                return url
    return ""


def _location(card) -> str:
    addresses = _by_preference(_lines(card, "ADR"))
    if not addresses or not isinstance(addresses[0].value, vobject.vcard.Address):
        return ""
    address = addresses[0].value
    parts = (_string(address.city), _string(address.country))
    return clean_text(", ".join(part for part in parts if part.strip()), 200)


def _tags(card) -> list[str]:
    tags: dict[str, str] = {}
    for line in _lines(card, "CATEGORIES"):
        values = line.value if isinstance(line.value, list) else [line.value]
        for raw in values:
            tag = clean_text(_string(raw), 50)
            if tag and tag.casefold() not in SYSTEM_GROUPS:
                tags.setdefault(tag.casefold(), tag)
    return list(tags.values())


def _is_embedded(photo: ContentLine) -> bool:
    """A photo in the card itself; a photo at a web address is never fetched."""
    encodings = {e.lower() for e in [*photo.params.get("ENCODING", []), *photo.singletonparams]}
    return bool(encodings & {"b", "base64"}) or photo.value.lstrip()[:5].lower() == "data:"


def _match(context: _Context, card: _Card) -> int | None:
    # One call with everything the card says, so that a different profile or email rules a
    # namesake out (DESIGN.md, "Identity"); once per email, as a card may have several.
    fields = card.fields
    for email in card.emails or [""]:
        key = context.matcher.match(
            url=fields["linkedin_url"], email=email, name=card.full_name, company=fields["company"]
        )
        if key is not None:
            return key
    return None


def _save_batch(context: _Context, cards: list[_Card]) -> None:
    keys = []
    for card in cards:
        key = _match(context, card)
        if key is None:  # a new person: later cards in the file may be them again
            key, context.next_key = context.next_key, context.next_key - 1
            fields = card.fields
            context.matcher.remember(
                key, card.full_name, fields["company"], fields["email"], fields["linkedin_url"]
            )
        keys.append(key)
    existing = (
        Contact.objects.owned_by(context.owner)
        .prefetch_related("tags")
        .in_bulk([key for key in keys if key > 0])
    )
    tag_names = {pk: {tag.name.lower() for tag in c.tags.all()} for pk, c in existing.items()}
    created: dict[int, Contact] = {}
    changed: dict[int, Contact] = {}
    new_tags: list[tuple[Contact, str]] = []
    for card, key in zip(cards, keys, strict=True):
        contact = existing.get(key) or created.get(key)
        is_new = contact is None
        if is_new:
            contact = created[key] = Contact(
                owner=context.owner, full_name=card.full_name, source=Contact.Source.VCARD
            )
            tag_names[key] = set()
        updated = _fill(context, contact, key, card)
        for tag in card.tags:
            if tag.lower() not in tag_names[key]:
                tag_names[key].add(tag.lower())
                new_tags.append((contact, tag))
                updated = True
        if card.photo and not contact.photo and _save_photo(context, contact, card):
            updated = True
        if updated and key in existing:
            changed[key] = contact
        outcome = "created" if is_new else "updated" if updated else "unchanged"
        context.summary.count("contacts", outcome)

    Contact.objects.bulk_create(created.values())
    for key, contact in created.items():
        context.matcher.rekey(key, contact.pk)
    now = timezone.now()
    for contact in changed.values():
        contact.updated_at = now
    Contact.objects.bulk_update(changed.values(), [*FILLED_FIELDS, "photo", "updated_at"])
    _add_tags(context, new_tags)


def _fill(context: _Context, contact: Contact, key: int, card: _Card) -> bool:
    """Fill the contact's empty fields from the card; True when anything changed."""
    changed = False
    for name in FILLED_FIELDS:
        value = card.fields[name]
        if not value or getattr(contact, name):
            continue
        if name == "linkedin_url":
            holder = context.matcher.match(url=value)
            if holder not in (None, key):
                continue  # another contact has this profile already
        if name in ("linkedin_url", "email"):
            context.matcher.learn(key, **{"url" if name == "linkedin_url" else name: value})
        setattr(contact, name, value)
        changed = True
    return changed


def _add_tags(context: _Context, new_tags: list[tuple[Contact, str]]) -> None:
    if not new_tags:
        return
    tags = {
        tag.name.casefold(): tag
        for tag in tags_get_or_create(context.owner, [name for _, name in new_tags])
    }
    through = Contact.tags.through
    through.objects.bulk_create(
        [
            through(contact_id=contact.pk, tag_id=tags[name.casefold()].pk)
            for contact, name in new_tags
            if name.casefold() in tags
        ],
        ignore_conflicts=True,
    )


def _save_photo(context: _Context, contact: Contact, card: _Card) -> bool:
    """Store the card's photo as a picture Kith drew; one it cannot use is left out, with a
    note, and the card is still imported."""
    data = _photo_bytes(card.photo)
    try:
        if not data:
            raise ValidationError("it is not an embedded picture of a size Kith keeps")
        image = reencode_photo(data)
    except ValidationError as error:
        reason = " ".join(error.messages)
        context.summary.skip(
            context.name, card.line, f"The photo of {card.full_name} was left out: {reason}"
        )
        return False
    contact.photo.save(image.name, image, save=False)
    context.photo_files.append(contact.photo.name)
    return True


def _photo_bytes(photo: ContentLine) -> bytes | None:
    value = photo.value.strip()
    if value[:5].lower() == "data:":
        header, _, value = value[5:].partition(",")
        if ";base64" not in header.lower():
            return None
    if len(value) > MAX_PHOTO_BYTES * 4 // 3 + 4096:
        return None
    try:
        data = base64.b64decode("".join(value.split()))
    except (binascii.Error, ValueError):
        return None
    return data if len(data) <= MAX_PHOTO_BYTES else None


# Export --------------------------------------------------------------------------------


def vcard_export(owner) -> str:
    """All the owner's contacts, archived ones too, as vCard 3.0 with CRLF line endings."""
    contacts = Contact.objects.owned_by(owner).prefetch_related("tags").order_by("full_name", "pk")
    return "".join(_vcard(contact).serialize() for contact in contacts)


def _vcard(contact: Contact):
    """The contact as a vCard 3.0 card. vobject escapes every value and folds the lines, so a
    value with a line break stays inside its property and never starts another card."""
    card = vobject.vCard()
    card.add("version").value = "3.0"
    card.add("prodid").value = "-//Kith//Kith//EN"
    words = contact.full_name.split()
    family, given = (words[-1], " ".join(words[:-1])) if len(words) > 1 else ("", contact.full_name)
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    card.add("fn").value = contact.full_name
    if contact.company:
        card.add("org").value = [contact.company]
    if contact.title:
        card.add("title").value = contact.title
    if contact.email:
        _add(card, "email", contact.email, type_param="INTERNET")
    if contact.phone:
        _add(card, "tel", contact.phone, type_param="VOICE")
    if contact.location:
        _add(card, "adr", vobject.vcard.Address(city=contact.location), type_param="HOME")
    # An address has no line break in it; one that does is a hostile value, not an address.
    url = "" if re.search(r"[\r\n]", contact.linkedin_url) else contact.linkedin_url
    if url:
        _add(card, "url", url, group="item1")
        _add(card, "x-ablabel", "LinkedIn", group="item1")
        _add(card, "x-socialprofile", url, type_param="linkedin")
    extra = [
        f"{prefix}{getattr(contact, field_name)}"
        for prefix, (field_name, _) in NOTE_FIELDS.items()
        if getattr(contact, field_name)
    ]
    note = "\n\n".join(part for part in (contact.notes.strip(), "\n".join(extra)) if part)
    if note:
        card.add("note").value = note.replace("\r\n", "\n").replace("\r", "\n")
    tags = [tag.name for tag in contact.tags.all()]
    if tags:
        card.add("categories").value = tags
    photo = _photo(contact)
    if photo:
        kind, data = photo
        _add(card, "photo", data, encoding_param="b", type_param=kind)
    return card


def _add(card, name: str, value, *, group: str = "", **params: str) -> None:
    line = card.add(name)
    line.value = value
    if group:
        line.group = group
    for param, param_value in params.items():
        setattr(line, param, param_value)


def _photo(contact: Contact) -> tuple[str, bytes] | None:
    if not contact.photo:
        return None
    try:
        with contact.photo.storage.open(contact.photo.name, "rb") as file:
            data = file.read()
    except OSError:
        return None  # the file is gone: the card is still worth exporting
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG", data
    if data.startswith(PNG_SIGNATURE):
        return "PNG", data
    # A GIF or WebP stored before photos were redrawn: not every address book reads them.
    try:
        image = reencode_photo(data)
    except ValidationError:
        return None
    return ("PNG" if image.name.endswith(".png") else "JPEG"), image.read()
