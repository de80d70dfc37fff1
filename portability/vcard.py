"""Contacts files (.vcf) in and out: vCard 2.1 (Android), 3.0 (Google, Apple) and 4.0 (CardDAV).

Cards are read one at a time from a stream of lines, saved in batches and matched to the
owner's contacts (LinkedIn profile, then every email on the card, then name and company), so
importing the same file twice changes nothing. Exports are vCard 3.0, which Apple Contacts
and Google Contacts both read.
"""

import base64
import binascii
import io
import itertools
import quopri
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from PIL import Image

from network.forms import MAX_PHOTO_BYTES, tags_get_or_create
from network.models import Contact
from portability.importing import (
    MAX_UPLOAD_BYTES,
    ContactMatcher,
    ImportFileError,
    ImportSummary,
    Progress,
    clean_text,
    linkedin_url_or_blank,
    text_lines,
)

BATCH = 500
# Google's built-in groups, which nearly every card carries; they are not the owner's tags.
SYSTEM_GROUPS = {"mycontacts", "starred"}
NON_PERSON_KINDS = {"org", "group", "location"}
BARE_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"}
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
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
FOLD_OCTETS = 75
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ESCAPE = re.compile(r"\\(.)", re.DOTALL)


class _Property(NamedTuple):
    group: str
    name: str
    params: dict[str, list[str]]  # names upper case, values lower case
    value: str  # as written: escapes and encodings not yet undone


@dataclass
class _Card:
    line: int
    full_name: str
    fields: dict[str, str]  # FILLED_FIELDS; "" where the card has nothing
    emails: list[str]
    tags: list[str]
    photo: _Property | None


@dataclass
class _Context:
    owner: object
    summary: ImportSummary
    matcher: ContactMatcher
    photo_files: list[str]
    # The matcher knows a new contact by a negative key until it is saved.
    saved_pks: dict[int, int] = field(default_factory=dict)
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
            context = _Context(owner, summary, ContactMatcher(owner), photo_files)
            done = 0
            for batch in itertools.batched(
                _cards(text_lines(lambda: path.open("rb"), name), name), BATCH
            ):
                cards = [
                    card
                    for line, properties in batch
                    if (card := _card(summary, name, line, properties))
                ]
                _save_batch(context, cards)
                done += len(batch)
                if progress:
                    progress("contacts", done)
    except BaseException:
        # The rollback forgets the rows; the photo files saved on the way go with them.
        storage = Contact._meta.get_field("photo").storage
        for photo in photo_files:
            storage.delete(photo)
        raise
    return summary


def _cards(lines: Iterable[str], name: str) -> Iterator[tuple[int, list[_Property]]]:
    """Each card's properties, with the number of the line its BEGIN:VCARD is on."""
    start: int | None = None
    properties: list[_Property] = []
    found = False
    for number, line in _unfolded(lines):
        prop = _property(line)
        if prop is None:
            continue
        if prop.name == "BEGIN" and prop.value.strip().upper() == "VCARD":
            if start is not None:
                raise ImportFileError(_unterminated(name, start))
            start, properties, found = number, [], True
        elif prop.name == "END" and prop.value.strip().upper() == "VCARD":
            if start is not None:
                yield start, properties
            start = None
        elif start is not None:
            properties.append(prop)
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


def _unfolded(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Logical lines, each with the number of the line it starts on. A line that starts with
    a space or tab continues the one before; in quoted-printable values (vCard 2.1) a trailing
    "=" is a soft line break."""
    parts: list[str] = []
    start = 0
    soft_break = False
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if parts and soft_break:
            parts.append(line)
        elif parts and line[:1] in (" ", "\t"):
            parts.append(line[1:])
        else:
            if parts:
                yield start, "".join(parts)
            parts, start = [line], number
        soft_break = line.endswith("=") and _is_quoted_printable(parts[0])
        if soft_break:
            parts[-1] = parts[-1][:-1]
    if parts:
        yield start, "".join(parts)


def _is_quoted_printable(line: str) -> bool:
    return "QUOTED-PRINTABLE" in line.partition(":")[0].upper()


def _outside_quotes(text: str, separator: str) -> Iterator[int]:
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            yield index


def _property(line: str) -> _Property | None:
    """`group.NAME;PARAM=a,b;BARE:value` taken apart; None for a line that is no property."""
    colon = line.find(":")
    if '"' in line[:colon]:
        colon = next(_outside_quotes(line, ":"), -1)
    if colon < 0:
        return None
    head = line[:colon]
    cuts = [-1, *_outside_quotes(head, ";"), len(head)]
    name, *raw_params = (head[a + 1 : b] for a, b in pairwise(cuts))
    group, _, name = name.strip().rpartition(".")
    params: dict[str, list[str]] = {}
    for raw in raw_params:
        key, equals, values = raw.partition("=")
        key = key.strip().upper()
        if not equals:  # vCard 2.1: TEL;CELL;PREF: and PHOTO;BASE64;JPEG:
            key, values = ("ENCODING" if key in BARE_ENCODINGS else "TYPE"), key
        for value in values.replace('"', "").split(","):
            if value.strip():
                params.setdefault(key, []).append(value.strip().lower())
    return _Property(group.upper(), name.upper(), params, line[colon + 1 :])


def _decoded(prop: _Property) -> str:
    """The value with its transfer encoding undone (vCard 2.1 quoted-printable)."""
    if "quoted-printable" not in prop.params.get("ENCODING", ()):
        return prop.value
    raw = quopri.decodestring(prop.value.encode())
    for charset in (*prop.params.get("CHARSET", ()), "utf-8", "cp1252"):
        try:
            return raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", errors="replace")


def _unescape(value: str) -> str:
    value = ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _text(prop: _Property) -> str:
    return _unescape(_decoded(prop))


def _split(prop: _Property, separator: str) -> list[str]:
    """The components of a structured value (N, ADR, ORG: ";") or list (CATEGORIES: ",")."""
    value = _decoded(prop)
    parts, start, index = [], 0, 0
    while index < len(value):
        if value[index] == "\\":
            index += 2
            continue
        if value[index] == separator:
            parts.append(value[start:index])
            start = index + 1
        index += 1
    parts.append(value[start:])
    return [_unescape(part) for part in parts]


def _by_preference(props: list[_Property], favourite: str = "") -> list[_Property]:
    """Preferred first (TYPE=pref, or the lowest PREF=n), then the favourite type, then in order."""

    def rank(item: tuple[int, _Property]) -> tuple[int, bool, int]:
        index, prop = item
        types = prop.params.get("TYPE", [])
        pref = prop.params.get("PREF", [""])[0]
        level = (
            0
            if "pref" in types
            else int(pref)
            if pref.isascii() and pref.isdigit() and len(pref) < 4
            else 101
        )
        return level, bool(favourite) and favourite not in types, index

    return [prop for _, prop in sorted(enumerate(props), key=rank)]


def _card(
    summary: ImportSummary, name: str, line: int, properties: list[_Property]
) -> _Card | None:
    """The person a card describes, or None (with the reason in the summary)."""
    props: dict[str, list[_Property]] = {}
    for prop in properties:
        props.setdefault(prop.name, []).append(prop)

    def first(key: str) -> str:
        return _text(props[key][0]).strip() if key in props else ""

    n = _split(props["N"][0], ";") if "N" in props else []
    full_name = clean_text(first("FN"), 200)
    org = _split(_by_preference(props["ORG"])[0], ";")[0] if "ORG" in props else ""
    company = clean_text(org, 200)
    is_company = not "".join(n).strip() and first("X-ABSHOWAS").upper() == "COMPANY"
    if is_company or first("KIND").lower() in NON_PERSON_KINDS:
        summary.skip(name, line, f"“{full_name or company}” is a company or group, not a person.")
        return None
    full_name = full_name or clean_text(" ".join(n[i] for i in (1, 2, 0) if i < len(n)), 200)
    if not full_name:
        summary.skip(name, line, "This card has no name (FN or N).")
        return None

    emails: list[str] = []
    for prop in _by_preference(props.get("EMAIL", [])):
        email = clean_text(_text(prop), 254).lower().removeprefix("mailto:")
        try:
            validate_email(email)
        except ValidationError:
            continue
        if email not in emails:
            emails.append(email)
    phones = (
        clean_text(_text(prop).removeprefix("tel:"), 50)
        for prop in _by_preference(props.get("TEL", []), favourite="cell")
    )
    notes = "\n\n".join(text for prop in props.get("NOTE", []) if (text := _text(prop).strip()))
    notes, from_notes = _note_fields(notes.replace("\x00", ""))
    fields = {
        "company": company,
        "title": clean_text(first("TITLE"), 300),
        "email": emails[0] if emails else "",
        "phone": next((phone for phone in phones if phone), ""),
        "linkedin_url": _linkedin_url(props),
        "location": _location(props),
        "notes": notes,
        **from_notes,
    }
    return _Card(
        line=line,
        full_name=full_name,
        fields={key: fields.get(key, "") for key in FILLED_FIELDS},
        emails=emails,
        tags=_tags(props),
        photo=next((prop for prop in props.get("PHOTO", []) if _is_embedded(prop)), None),
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


def _linkedin_url(props: dict[str, list[_Property]]) -> str:
    """From X-SOCIALPROFILE;type=linkedin, URL;TYPE=linkedin, an Apple URL labelled LinkedIn
    (item1.X-ABLabel), or any address of a LinkedIn profile."""
    labels = {prop.group: _text(prop).strip().casefold() for prop in props.get("X-ABLABEL", [])}
    for prop in [*props.get("X-SOCIALPROFILE", []), *props.get("URL", [])]:
        value = _text(prop).strip()
        said = "linkedin" in prop.params.get("TYPE", []) or (
            prop.group and labels.get(prop.group) == "linkedin"
        )
        if said or "linkedin.com/" in value.lower():
            url = linkedin_url_or_blank(value)
            if not url and said and prop.params.get("X-USER"):
                url = linkedin_url_or_blank(f"linkedin.com/in/{prop.params['X-USER'][0]}")
            if url:
                return url
    return ""


def _location(props: dict[str, list[_Property]]) -> str:
    if "ADR" not in props:
        return ""
    # post office box; extended address; street; locality; region; postal code; country
    parts = _split(_by_preference(props["ADR"])[0], ";") + [""] * 7
    return clean_text(", ".join(part for part in (parts[3], parts[6]) if part.strip()), 200)


def _tags(props: dict[str, list[_Property]]) -> list[str]:
    tags: dict[str, str] = {}
    for prop in props.get("CATEGORIES", []):
        for raw in _split(prop, ","):
            tag = clean_text(raw, 50)
            if tag and tag.casefold() not in SYSTEM_GROUPS:
                tags.setdefault(tag.casefold(), tag)
    return list(tags.values())


def _is_embedded(prop: _Property) -> bool:
    """A photo in the card itself; a photo at a web address is never fetched."""
    encodings = set(prop.params.get("ENCODING", ()))
    return bool(encodings & {"b", "base64"}) or prop.value.lstrip()[:5].lower() == "data:"


def _match(context: _Context, card: _Card) -> int | None:
    matcher, url = context.matcher, card.fields["linkedin_url"]
    key = matcher.match(url=url) if url else None
    for email in card.emails:
        key = key or matcher.match(email=email)
    key = key or matcher.match(name=card.full_name, company=card.fields["company"])
    return None if key is None else context.saved_pks.get(key, key)


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
    new_tags: list[tuple[int, str]] = []
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
                new_tags.append((key, tag))
                updated = True
        if card.photo and not contact.photo and _save_photo(context, contact, card.photo):
            updated = True
        if updated and key in existing:
            changed[key] = contact
        outcome = "created" if is_new else "updated" if updated else "unchanged"
        context.summary.count("contacts", outcome)

    Contact.objects.bulk_create(created.values())
    for key, contact in created.items():
        context.saved_pks[key] = contact.pk
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
            if context.saved_pks.get(holder, holder) not in (None, key):
                continue  # another contact has this profile already
            context.matcher.by_url.setdefault(value, key)
        if name == "email":
            context.matcher.by_email.setdefault(value, key)
        setattr(contact, name, value)
        changed = True
    return changed


def _add_tags(context: _Context, new_tags: list[tuple[int, str]]) -> None:
    if not new_tags:
        return
    tags = {
        tag.name.casefold(): tag
        for tag in tags_get_or_create(context.owner, [name for _, name in new_tags])
    }
    through = Contact.tags.through
    through.objects.bulk_create(
        [
            through(contact_id=context.saved_pks.get(key, key), tag_id=tags[name.casefold()].pk)
            for key, name in new_tags
            if name.casefold() in tags
        ],
        ignore_conflicts=True,
    )


def _save_photo(context: _Context, contact: Contact, prop: _Property) -> bool:
    data = _photo_bytes(prop)
    extension = _image_extension(data) if data else None
    if not extension:
        return False
    contact.photo.save(f"photo.{extension}", ContentFile(data), save=False)
    context.photo_files.append(contact.photo.name)
    return True


def _photo_bytes(prop: _Property) -> bytes | None:
    value = prop.value.strip()
    if value[:5].lower() == "data:":
        header, _, value = value[5:].partition(",")
        if ";base64" not in header.lower():
            return None
    if len(value) > MAX_PHOTO_BYTES * 4 // 3 + 4096:
        return None
    try:
        return base64.b64decode("".join(value.split()))
    except (binascii.Error, ValueError):
        return None


def _image_extension(data: bytes) -> str | None:
    """The file extension for an image a browser shows, or None for anything else."""
    if len(data) > MAX_PHOTO_BYTES:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(PHOTO_FORMATS)) as image:
                image.verify()
                return PHOTO_FORMATS.get(image.format or "")
    except Exception:  # Pillow raises many kinds of error for a damaged or hostile image
        return None


# Export --------------------------------------------------------------------------------


def vcard_export(owner) -> str:
    """All the owner's contacts, archived ones too, as vCard 3.0 with CRLF line endings."""
    contacts = Contact.objects.owned_by(owner).prefetch_related("tags").order_by("full_name", "pk")
    return "".join(_vcard(contact) for contact in contacts)


def _vcard(contact: Contact) -> str:
    words = contact.full_name.split()
    family, given = (words[-1], " ".join(words[:-1])) if len(words) > 1 else ("", contact.full_name)
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Kith//Kith//EN",
        f"N:{_escape(family)};{_escape(given)};;;",
        f"FN:{_escape(contact.full_name)}",
    ]
    if contact.company:
        lines.append(f"ORG:{_escape(contact.company)}")
    if contact.title:
        lines.append(f"TITLE:{_escape(contact.title)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=INTERNET:{_escape(contact.email)}")
    if contact.phone:
        lines.append(f"TEL;TYPE=VOICE:{_escape(contact.phone)}")
    if contact.location:
        lines.append(f"ADR;TYPE=HOME:;;;{_escape(contact.location)};;;")
    if contact.linkedin_url:
        lines += [
            f"item1.URL:{contact.linkedin_url}",
            "item1.X-ABLabel:LinkedIn",
            f"X-SOCIALPROFILE;type=linkedin:{contact.linkedin_url}",
        ]
    extra = [
        f"{prefix}{getattr(contact, field_name)}"
        for prefix, (field_name, _) in NOTE_FIELDS.items()
        if getattr(contact, field_name)
    ]
    note = "\n\n".join(part for part in (contact.notes.strip(), "\n".join(extra)) if part)
    if note:
        lines.append(f"NOTE:{_escape(note)}")
    tags = [_escape(tag.name) for tag in contact.tags.all()]
    if tags:
        lines.append(f"CATEGORIES:{','.join(tags)}")
    lines += _photo_lines(contact)
    lines.append("END:VCARD")
    return "".join(f"{_fold(line)}\r\n" for line in lines)


def _escape(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    for char, escaped in (("\\", "\\\\"), (",", "\\,"), (";", "\\;"), ("\n", "\\n")):
        value = value.replace(char, escaped)
    return value


def _fold(line: str) -> str:
    """The line cut into pieces of at most 75 octets (UTF-8), never inside a character; each
    continuation starts with a space."""
    if len(line.encode()) <= FOLD_OCTETS:
        return line
    if line.isascii():  # one octet a character, like the base64 of a photo
        step = FOLD_OCTETS - 1
        return "\r\n ".join(
            [line[:FOLD_OCTETS], *(line[i : i + step] for i in range(FOLD_OCTETS, len(line), step))]
        )
    pieces, piece, size, limit = [], [], 0, FOLD_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            pieces.append("".join(piece))
            piece, size, limit = [], 0, FOLD_OCTETS - 1  # the leading space is one octet
        piece.append(char)
        size += octets
    pieces.append("".join(piece))
    return "\r\n ".join(pieces)


def _photo_lines(contact: Contact) -> list[str]:
    if not contact.photo:
        return []
    try:
        with contact.photo.storage.open(contact.photo.name, "rb") as file:
            data = file.read()
    except OSError:
        return []  # the file is gone: the card is still worth exporting
    if data.startswith(b"\xff\xd8\xff"):
        kind = "JPEG"
    elif data.startswith(PNG_SIGNATURE):
        kind = "PNG"
    else:  # GIF or WebP: not every address book reads them
        kind, data = "PNG", _as_png(data)
        if data is None:
            return []
    return [f"PHOTO;ENCODING=b;TYPE={kind}:{base64.b64encode(data).decode('ascii')}"]


def _as_png(data: bytes) -> bytes | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            output = io.BytesIO()
            image.convert("RGBA").save(output, format="PNG")
    except Exception:  # Pillow raises many kinds of error for a damaged image
        return None
    return output.getvalue()
