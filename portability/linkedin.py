"""LinkedIn's "Get a copy of your data" export: connections, invitations and messages.

Real exports are messy: preambles before the header, columns that changed over the years,
Excel re-saves, empty rows, any script in names. Columns are mapped by name, the header is
found by its content, files are streamed, and everything is matched to existing contacts
so that importing the same or a newer export never duplicates anything.
"""

import csv
import datetime
import html
import itertools
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from interactions.models import Interaction
from interactions.stats import contacts_refresh_interaction_stats
from invitations.models import Invitation
from invitations.policy import invitations_link_contacts
from network.linkedin import linkedin_url_or_blank
from network.models import Contact, OwnerSettings
from network.names import normalize_name
from portability.importing import (
    MAX_LINE_CHARACTERS,
    MAX_UNZIPPED_BYTES,
    ZIP_READ_ERRORS,
    ContactMatcher,
    ImportFileError,
    ImportSummary,
    LimitedReader,
    Progress,
    clean_text,
    contact_external_id,
    detect_encoding,
    rows_upsert,
    text_lines,
)

BATCH = 1000
# A long message is fine; what is longer than a line Kith reads is refused by text_lines.
csv.field_size_limit(MAX_LINE_CHARACTERS)
HEADER_SEARCH_ROWS = 20
OWNER_SAMPLE_ROWS = 5000
Opener = Callable[[], BinaryIO]

CONNECTIONS = "Connections.csv"
INVITATIONS = "Invitations.csv"
MESSAGES = "messages.csv"
# Past these a file is refused while it is read, before it costs a worker minutes: LinkedIn caps
# a network at 30,000 connections; the busiest inboxes hold a few hundred thousand messages.
MAX_ROWS = {CONNECTIONS: 50_000, INVITATIONS: 200_000, MESSAGES: 2_000_000}
MAX_EMPTY_ROWS = 10_000
MAX_UNREADABLE_ROWS = 10_000
# What identifies each file's header row: the columns it must have, in one of its shapes.
REQUIRED = {
    CONNECTIONS: (("first name", "last name", "connected on"),),
    INVITATIONS: (("from", "to", "sent at", "direction"),),
    MESSAGES: (
        ("conversation id", "from", "to", "date", "folder"),
        # 2018 to early 2020: no conversation id and no profile addresses, but a direction.
        ("from", "to", "date", "direction", "folder"),
    ),
}
CONNECTION_DATE_FORMATS = (
    "%d %b %Y",
    "%d-%b-%y",
    "%m/%d/%y, %I:%M %p",
    "%m/%d/%y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%m/%d/%Y",
)
INVITATION_DATE_FORMATS = (
    "%m/%d/%y, %I:%M %p",
    "%m/%d/%Y, %I:%M %p",
    "%Y-%m-%d %H:%M:%S",
    "%d %b %Y",
)
MESSAGE_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S UTC",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S",
    "%m/%d/%y, %I:%M %p",
    "%m/%d/%Y, %I:%M %p",
)
HIDDEN_MEMBER = "linkedin member"


@dataclass
class _Context:
    owner: object
    summary: ImportSummary
    matcher: ContactMatcher
    progress: Progress | None
    owner_urls: set[str] = field(default_factory=set)
    owner_names: set[str] = field(default_factory=set)
    touched: set[int] = field(default_factory=set)
    # The matcher knows a person read from the file by a negative key until they are saved.
    next_key: int = -1
    unreadable: int = 0


def linkedin_import(
    owner, path: Path, *, name: str | None = None, progress: Progress | None = None
) -> ImportSummary:
    """Import a LinkedIn export (the zip as downloaded, or one of its CSV files), all or nothing."""
    name = name or path.name
    with _export_files(path, name) as files:
        if not files:
            raise ImportFileError(
                f"{name} holds none of the files Kith imports ({CONNECTIONS}, {INVITATIONS}, {MESSAGES})."
            )
        summary = ImportSummary()
        with transaction.atomic():
            context = _Context(owner, summary, ContactMatcher(owner), progress)
            if CONNECTIONS in files:
                _import_connections(context, *files[CONNECTIONS])
            if INVITATIONS in files:
                _import_invitations(context, *files[INVITATIONS])
            if MESSAGES in files:
                _import_messages(context, *files[MESSAGES])
            contacts_refresh_interaction_stats(sorted(context.touched))
            # Invitations of people this import made contacts (bulk-created, so no signal).
            invitations_link_contacts(owner)
    return summary


@contextmanager
def _export_files(path: Path, name: str) -> Iterator[dict[str, tuple[Opener, str]]]:
    """The known files in the upload, each as (opener, display name)."""
    with path.open("rb") as head:
        magic = head.read(4)
    if zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise ImportFileError(
                f"{name} is a damaged zip file ({error}); download the export again."
            ) from error
        with archive:
            yield _zip_members(archive, name)
    elif magic.startswith(b"PK") or name.lower().endswith(".zip"):
        raise ImportFileError(
            f"{name} is not a complete zip file; it may have been cut short while downloading."
        )
    else:
        kind = _identify_csv(lambda: path.open("rb"), name)
        yield {kind: (lambda: path.open("rb"), name)}


def _zip_members(archive: zipfile.ZipFile, name: str) -> dict[str, tuple[Opener, str]]:
    members = archive.infolist()
    total = 0
    for member in members:
        parts = PurePosixPath(member.filename.replace("\\", "/")).parts
        if member.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise ImportFileError(
                f"{name} contains a path that tries to leave the archive: {member.filename}"
            )
        total += member.file_size
    if total > MAX_UNZIPPED_BYTES:
        raise ImportFileError(
            f"{name} expands to more than Kith accepts ({MAX_UNZIPPED_BYTES // 2**30} GB)."
        )
    wanted = {kind.lower(): kind for kind in REQUIRED}
    found: dict[str, tuple[Opener, str]] = {}
    for member in members:
        kind = wanted.get(PurePosixPath(member.filename).name.lower())
        if kind and not member.is_dir() and kind not in found:
            found[kind] = (_member_opener(archive, member, name), f"{name}: {member.filename}")
    return found


def _member_opener(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> Opener:
    def opener():
        try:
            return LimitedReader(
                archive.open(member), member.file_size, f"{name}: {member.filename}"
            )
        except NotImplementedError as error:
            raise ImportFileError(
                f"{name}: {member.filename} is compressed in a way Kith cannot read ({error}); "
                "download the export from LinkedIn again, or unpack it and upload the CSV files."
            ) from error
        except RuntimeError as error:
            raise ImportFileError(
                f"{name}: {member.filename} is encrypted (protected by a password); LinkedIn's "
                "exports are not, so unpack it yourself and upload the CSV files."
            ) from error
        except ZIP_READ_ERRORS as error:
            raise ImportFileError(
                f"{name}: {member.filename} in the zip cannot be read: {error}."
            ) from error

    return opener


def _identify_csv(opener: Opener, name: str) -> str:
    """Which LinkedIn file this CSV is, from its header row."""
    encoding = detect_encoding(opener, name)
    for kind in REQUIRED:
        try:
            _rows(opener, name, kind, encoding)
        except ImportFileError:
            continue
        return kind
    raise ImportFileError(
        f"{name} is not one of the LinkedIn files Kith imports: no header row like "
        f"{CONNECTIONS} (First Name, Last Name, Connected On), {INVITATIONS} (From, To, Sent At, "
        f"Direction) or {MESSAGES} (CONVERSATION ID, FROM, TO, DATE, FOLDER) was found."
    )


def _rows(
    opener: Opener, name: str, kind: str, encoding: str = ""
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row by lower-cased column name) after the header, found by its content.

    The header is checked before the first row is asked for, so a wrong file fails at once.
    """
    # strict: a quoted field still open at the end of the file means it was cut short.
    reader = csv.reader(text_lines(opener, name, encoding), strict=True)
    shapes = REQUIRED[kind]
    try:
        for _ in range(HEADER_SEARCH_ROWS):
            header = [cell.strip().lower() for cell in next(reader)]
            if any(all(column in header for column in shape) for shape in shapes):
                break
        else:
            raise StopIteration
    except StopIteration:
        raise ImportFileError(
            f"{name}: no header row with {', '.join(c.title() for c in shapes[0])} in its first "
            f"{HEADER_SEARCH_ROWS} lines; is this LinkedIn's {kind}?"
        ) from None
    except csv.Error as error:
        raise ImportFileError(f"{name}, line {reader.line_num}: {error}.") from error
    return _data_rows(reader, header, name, kind)


def _data_rows(
    reader, header: list[str], name: str, kind: str
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows with something in them, refusing the file as soon as it holds more rows than
    the export can have, or more empty rows than full ones (a small zip can unpack to millions
    of empty lines; reading them all would tie up a worker for minutes)."""
    rows = empty = 0
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                empty += 1
                if empty > MAX_EMPTY_ROWS and empty > rows:
                    raise ImportFileError(
                        f"{name}, line {reader.line_num}: more than {MAX_EMPTY_ROWS:,} empty "
                        f"rows and only {rows:,} with something in them; is this really "
                        f"LinkedIn's {kind}?"
                    )
                continue
            rows += 1
            if rows > MAX_ROWS[kind]:
                raise ImportFileError(
                    f"{name}, line {reader.line_num}: more than {MAX_ROWS[kind]:,} rows, more "
                    f"than LinkedIn's {kind} ever holds; is this really an export?"
                )
            yield reader.line_num, dict(zip(header, cells, strict=False))
    except csv.Error as error:
        if "field limit" in str(error):
            raise ImportFileError(
                f"{name}, line {reader.line_num}: a cell is longer than 1 MB."
            ) from error
        raise ImportFileError(
            f"{name}, line {reader.line_num}: {error}; the file may be cut short."
        ) from error


def _unreadable(context: _Context, name: str, line: int, reason: str) -> None:
    """Skip a row whose values make no sense; past MAX_UNREADABLE_ROWS of them the file is
    refused, as reading on would cost a worker minutes to import next to nothing."""
    context.summary.skip(name, line, reason)
    context.unreadable += 1
    if context.unreadable > MAX_UNREADABLE_ROWS:
        raise ImportFileError(
            f"{name}: more than {MAX_UNREADABLE_ROWS:,} rows cannot be read, the last at line "
            f"{line}: {reason[:200]} Is this really LinkedIn's export?"
        )


def _parse(value: str, formats: tuple[str, ...]) -> datetime.datetime | None:
    """The date and time in value, or None; years LinkedIn cannot have written count as None."""
    value = " ".join(value.split())[:40]
    if value[:4].isdigit():
        # ISO dates (most of them, in a messages file) are read ten times faster this way.
        try:
            parsed = datetime.datetime.fromisoformat(value.removesuffix(" UTC"))
        except ValueError:
            parsed = None
        if parsed and (parsed.tzinfo is None or any("%z" in fmt for fmt in formats)):
            return parsed if 1990 <= parsed.year <= 2200 else None
    for fmt in formats:
        try:
            parsed = datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed if 1990 <= parsed.year <= 2200 else None
    return None


# Connections ---------------------------------------------------------------------------


def _import_connections(context: _Context, opener: Opener, name: str) -> None:
    done = 0
    for batch in itertools.batched(_rows(opener, name, CONNECTIONS), BATCH):
        people = [
            person for line, row in batch if (person := _connection(context, name, line, row))
        ]
        _save_connections(context, people)
        done += len(batch)
        if context.progress:
            context.progress("connections", done)


def _connection(context: _Context, name: str, line: int, row: dict[str, str]) -> dict | None:
    full_name = clean_text(f"{row.get('first name', '')} {row.get('last name', '')}", 200)
    url = linkedin_url_or_blank(row.get("url"))
    if not full_name and not url:
        context.summary.skip(
            name, line, "An empty row: LinkedIn leaves these for members who hide their details."
        )
        return None
    if not full_name:
        context.summary.skip(name, line, "No name is given for this connection.")
        return None
    connected = _parse(row.get("connected on", ""), CONNECTION_DATE_FORMATS)
    if connected is None:
        _unreadable(
            context, name, line, f"“{row.get('connected on', '')}” in Connected On is not a date."
        )
        return None
    email = clean_text(row.get("email address"), 254).lower()
    return {
        "full_name": full_name,
        "linkedin_url": url,
        "email": email if "@" in email else "",
        "company": clean_text(row.get("company"), 200),
        "title": clean_text(row.get("position"), 300),
        "connected_on": connected.date(),
    }


def _save_connections(context: _Context, people: list[dict]) -> None:
    """Match each row in order, so that a row meets the rows read before it as well as the
    contacts saved before the import; then save the batch in bulk."""
    matcher = context.matcher
    for person in people:
        key = matcher.match(
            url=person["linkedin_url"],
            email=person["email"],
            name=person["full_name"],
            company=person["company"],
        )
        if key is None:
            key, context.next_key = context.next_key, context.next_key - 1
            matcher.remember(
                key,
                person["full_name"],
                person["company"],
                person["email"],
                person["linkedin_url"],
            )
        else:
            matcher.learn(
                key, company=person["company"], email=person["email"], url=person["linkedin_url"]
            )
        person["key"] = key
    existing = Contact.objects.owned_by(context.owner).in_bulk(
        [p["key"] for p in people if p["key"] > 0]
    )
    created: dict[int, Contact] = {}
    changed: dict[int, Contact] = {}
    for person in people:
        key = person["key"]
        contact = existing.get(key) or created.get(key)
        if contact is None:
            created[key] = Contact(
                owner=context.owner,
                linkedin_status=Contact.LinkedInStatus.CONNECTED,
                source=Contact.Source.LINKEDIN,
            )
            _update_connection(created[key], person, full_name=person["full_name"])
        elif _update_connection(contact, person) and key > 0:
            changed[key] = contact
        elif key > 0 and key not in changed:
            context.summary.count("contacts", "unchanged")
    Contact.objects.bulk_create(created.values(), batch_size=BATCH)
    for key, contact in created.items():
        matcher.rekey(key, contact.pk)
    now = timezone.now()
    for contact in changed.values():
        contact.updated_at = now
    fields = [
        "linkedin_status",
        "connected_on",
        "linkedin_url",
        "email",
        "company",
        "title",
        "updated_at",
    ]
    Contact.objects.bulk_update(changed.values(), fields, batch_size=BATCH)
    context.summary.count("contacts", "created", len(created))
    context.summary.count("contacts", "updated", len(changed))


def _update_connection(contact: Contact, person: dict, full_name: str = "") -> bool:
    """Bring a contact up to date with the export; True when anything changed."""
    contact.full_name = full_name or contact.full_name
    before = (
        contact.linkedin_status,
        contact.connected_on,
        contact.linkedin_url,
        contact.email,
        contact.company,
        contact.title,
    )
    contact.linkedin_status = Contact.LinkedInStatus.CONNECTED
    contact.connected_on = person["connected_on"]
    contact.linkedin_url = contact.linkedin_url or person["linkedin_url"]
    contact.email = contact.email or person["email"]
    # People change jobs: the newer export's company and title win, but a blank never erases.
    contact.company = person["company"] or contact.company
    contact.title = person["title"] or contact.title
    after = (
        contact.linkedin_status,
        contact.connected_on,
        contact.linkedin_url,
        contact.email,
        contact.company,
        contact.title,
    )
    return before != after


# Invitations ---------------------------------------------------------------------------


def _import_invitations(context: _Context, opener: Opener, name: str) -> None:
    done = 0
    for batch in itertools.batched(_rows(opener, name, INVITATIONS), BATCH):
        invitations = [inv for line, row in batch if (inv := _invitation(context, name, line, row))]
        _save_invitations(context, invitations)
        done += len(batch)
        if context.progress:
            context.progress("invitations", done)


def _invitation(context: _Context, name: str, line: int, row: dict[str, str]) -> Invitation | None:
    direction = row.get("direction", "").strip().upper()
    if direction not in {"INCOMING", "OUTGOING"}:
        _unreadable(
            context,
            name,
            line,
            f"Direction is “{row.get('direction', '')}”, not INCOMING or OUTGOING.",
        )
        return None
    sent = _parse(row.get("sent at", ""), INVITATION_DATE_FORMATS)
    if sent is None:
        _unreadable(
            context, name, line, f"“{row.get('sent at', '')}” in Sent At is not a date and time."
        )
        return None
    incoming = direction == "INCOMING"
    other = clean_text(row.get("from" if incoming else "to"), 200)
    url = linkedin_url_or_blank(row.get("inviterprofileurl" if incoming else "inviteeprofileurl"))
    own_url = linkedin_url_or_blank(
        row.get("inviteeprofileurl" if incoming else "inviterprofileurl")
    )
    if own_url:
        context.owner_urls.add(own_url)
    if not other:
        context.summary.skip(name, line, "No name is given for the other person.")
        return None
    sent_at = timezone.make_aware(sent, datetime.UTC)
    return Invitation(
        owner=context.owner,
        direction=Invitation.Direction.INCOMING if incoming else Invitation.Direction.OUTGOING,
        name=other,
        profile_url=url,
        message=(row.get("message") or "").replace("\x00", "").strip()[:5000],
        sent_at=sent_at,
        contact_id=context.matcher.match(url=url, name=other),
        source=Invitation.Source.LINKEDIN,
        external_id=f"{direction}|{url or normalize_name(other)}|{sent_at.isoformat()}"[:255],
    )


def _save_invitations(context: _Context, invitations: list[Invitation]) -> None:
    connected = set(
        Contact.objects.owned_by(context.owner)
        .filter(
            pk__in=[i.contact_id for i in invitations if i.contact_id],
            linkedin_status=Contact.LinkedInStatus.CONNECTED,
        )
        .values_list("pk", flat=True)
    )
    existing = {
        invitation.external_id: invitation
        for invitation in Invitation.objects.owned_by(context.owner).filter(
            source=Invitation.Source.LINKEDIN, external_id__in=[i.external_id for i in invitations]
        )
    }
    new, updated = [], []
    for invitation in invitations:
        accepted = invitation.contact_id in connected
        known = existing.get(invitation.external_id)
        if known is None:
            if accepted:
                invitation.status, invitation.decided_at = (
                    Invitation.Status.ACCEPTED,
                    invitation.sent_at,
                )
            new.append(invitation)
            existing[invitation.external_id] = invitation
        elif known.status == Invitation.Status.PENDING and accepted:
            # Accepted on LinkedIn since the last import; the owner's own decisions are kept.
            known.status, known.decided_at = Invitation.Status.ACCEPTED, timezone.now()
            known.contact_id = known.contact_id or invitation.contact_id
            # LinkedIn decided, not the owner: an undo must not take a "not yet" back over it.
            known.deferred_until, known.undo_state = None, {}
            updated.append(known)
        else:
            context.summary.count("invitations", "unchanged")
    Invitation.objects.bulk_create(new, batch_size=BATCH)
    Invitation.objects.bulk_update(
        updated,
        ["status", "decided_at", "contact", "deferred_until", "undo_state"],
        batch_size=BATCH,
    )
    context.summary.count("invitations", "created", len(new))
    context.summary.count("invitations", "updated", len(updated))


# Messages ------------------------------------------------------------------------------


@dataclass
class _Talk:
    """One conversation, one day, one person: who wrote first that day."""

    contact_id: int
    first_at: datetime.datetime
    first_by_owner: bool
    group: bool


def _import_messages(context: _Context, opener: Opener, name: str) -> None:
    if not context.owner_names:
        _recognise_owner(context, opener, name)
    settings = OwnerSettings.objects.filter(owner=context.owner).first()
    local = settings.zone if settings else datetime.UTC
    talks: dict[tuple[str, datetime.date, int], _Talk] = {}
    conversation = None
    for done, (line, row) in enumerate(_rows(opener, name, MESSAGES), start=1):
        # Saved a conversation at a time; the older exports have none, so theirs are kept
        # whole (one small entry per person and day) and saved at the end.
        current = row.get("conversation id", "")
        if current != conversation and len(talks) >= BATCH:
            _save_talks(context, talks)
            talks = {}
        conversation = current
        _message(context, name, line, row, local, talks)
        if context.progress and done % BATCH == 0:
            context.progress("messages", done)
    _save_talks(context, talks)


def _recognise_owner(context: _Context, opener: Opener, name: str) -> None:
    """Who the owner is in this file. Exports with a direction say it: the owner is whoever
    wrote the OUTGOING messages (or, with none, received the INCOMING ones). Otherwise, without
    an invitation to tell, the owner is whoever sent the most messages."""
    urls, senders, outgoing, incoming = Counter(), Counter(), set(), Counter()
    names_at: dict[str, Counter] = defaultdict(Counter)  # the names written beside each URL
    # The owner takes part in every conversation: the first rows are enough to tell.
    for _, row in itertools.islice(_rows(opener, name, MESSAGES), OWNER_SAMPLE_ROWS):
        sender = normalize_name(_person_name(row.get("from")))
        direction = (row.get("direction") or "").strip().upper()
        if direction == "OUTGOING" and sender:
            outgoing.add(sender)
        elif direction == "INCOMING":
            incoming.update(normalize_name(_person_name(n)) for n in _names(row.get("to")))
        if url := linkedin_url_or_blank(row.get("sender profile url")):
            urls[url] += 1
            if sender:
                names_at[url][sender] += 1
        elif sender:
            senders[sender] += 1
    matcher = context.matcher
    if urls and not context.owner_urls:
        context.owner_urls.add(_likeliest(urls, lambda url: matcher.match(url=url) is None))
    # Recipients are named without their URL: the owner's own name tells them apart.
    for url in context.owner_urls:
        if names_at[url]:
            context.owner_names.add(names_at[url].most_common(1)[0][0])
    if outgoing:
        context.owner_names.update(outgoing)
    elif incoming:
        context.owner_names.add(_likeliest(incoming, lambda n: not matcher.namesakes(n)))
    elif senders and not urls:
        context.owner_names.add(_likeliest(senders, lambda n: not matcher.namesakes(n)))


def _likeliest(counts: Counter, is_stranger: Callable[[str], bool]) -> str:
    """The most frequent of counts, preferring one who is not a contact: in a file with a
    single conversation both people write as often, and only the other one is in the network."""
    ranked = counts.most_common()
    top = ranked[0][1]
    return next((value for value, n in ranked if n == top and is_stranger(value)), ranked[0][0])


def _person_name(value: str | None) -> str:
    """A name as the older exports write it, HTML entities and all (“O&#39;Connor”)."""
    return clean_text(html.unescape(value or ""), 200)


def _names(value: str | None) -> list[str]:
    return [n for n in (value or "").split(",") if n.strip()]


def _is_owner(context: _Context, person_name: str, url: str) -> bool:
    if url:
        return url in context.owner_urls
    return normalize_name(person_name) in context.owner_names


def _message(context, name: str, line: int, row: dict[str, str], local, talks: dict) -> None:
    folder = row.get("folder", "").strip().upper()
    direction = (row.get("direction") or "").strip().upper()
    sender_name = _person_name(row.get("from"))
    sender_url = linkedin_url_or_blank(row.get("sender profile url"))
    if folder in {"DRAFT", "DRAFTS"}:
        context.summary.skip(name, line, "A draft, never sent.")
        return
    if folder == "SPAM":
        context.summary.skip(name, line, "Marked as spam.")
        return
    if row.get("conversation title", "").lower().startswith("sponsored") or (
        sender_name.lower() == HIDDEN_MEMBER and not sender_url
    ):
        context.summary.skip(name, line, "Sponsored, or from a hidden “LinkedIn Member”.")
        return
    sent = _parse(row.get("date", ""), MESSAGE_DATE_FORMATS)
    if sent is None:
        _unreadable(context, name, line, f"“{row.get('date', '')}” in DATE is not a date and time.")
        return
    sent = sent if sent.tzinfo else sent.replace(tzinfo=datetime.UTC)
    if direction in {"INCOMING", "OUTGOING"}:
        by_owner = direction == "OUTGOING"
    else:
        by_owner = _is_owner(context, sender_name, sender_url)
    # Whoever wrote an OUTGOING message is the owner, whatever name they went by then.
    people = _participants(row, *(("", "") if by_owner else (sender_name, sender_url)))
    others = [(n, url) for n, url in people if not _is_owner(context, n, url)]
    contacts = [pk for n, url in others if (pk := context.matcher.match(url=url, name=n))]
    if not others:
        context.summary.skip(name, line, "Nobody else is in this conversation.")
        return
    if not contacts:
        context.summary.skip(name, line, _not_found(context, others))
        return
    day = sent.astimezone(local).date()
    conversation = row.get("conversation id", "")[:150]
    for contact_id in contacts:
        key = (conversation, day, contact_id)
        talk = talks.get(key)
        if talk is None or sent < talk.first_at:
            talks[key] = _Talk(contact_id, sent, by_owner, group=len(others) > 1)


def _not_found(context: _Context, others: list[tuple[str, str]]) -> str:
    for person, url in others:
        if not url and (namesakes := context.matcher.namesakes(person)) > 1:
            return (
                f"{namesakes} of your contacts are called {person[:100]}; the export does not "
                "say which one this conversation is with, and Kith does not guess."
            )
    return f"{', '.join(n or url for n, url in others)[:100]} is not in your contacts."


def _participants(row: dict[str, str], sender_name: str, sender_url: str) -> list[tuple[str, str]]:
    """(name, profile url) of everyone in the message, sender first."""
    urls = [linkedin_url_or_blank(u) for u in (row.get("recipient profile urls") or "").split(",")]
    urls = [u for u in urls if u]
    if urls:
        recipients = [("", url) for url in urls]
    else:
        recipients = [(_person_name(n), "") for n in _names(row.get("to"))]
    people = [(sender_name, sender_url), *recipients]
    return [(n, url) for n, url in people if url or (n and n.lower() != HIDDEN_MEMBER)]


def _save_talks(context: _Context, talks: dict) -> None:
    wanted = {}
    for (conversation, day, contact_id), talk in talks.items():
        wanted[contact_external_id(f"li-msg:{conversation}:{day.isoformat()}", contact_id)] = {
            "contact_id": contact_id,
            "occurred_on": day,
            "kind": Interaction.Kind.GROUP if talk.group else Interaction.Kind.MESSAGE,
            "initiated_by": Interaction.Initiator.ME
            if talk.first_by_owner
            else Interaction.Initiator.THEM,
            "note": "LinkedIn group conversation" if talk.group else "LinkedIn messages",
        }
        context.touched.add(contact_id)
    rows_upsert(
        Interaction,
        context.owner,
        Interaction.Source.IMPORT,
        wanted,
        context.summary,
        "interactions",
        update=("kind", "initiated_by"),
    )
