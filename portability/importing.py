"""What every import shares: the summary it reports, the errors a person can read, safe file
reading (size limits, zip bombs, encodings) and matching people to existing contacts."""

import codecs
import io
import itertools
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, BinaryIO

from django.utils import timezone

from network.models import Contact
from network.names import normalize_name

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024
MAX_LISTED_SKIPS = 500
UPSERT_BATCH = 1000
MAX_REASON_LENGTH = 300
MAX_LINE_CHARACTERS = 1024 * 1024
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# What reading a damaged, encrypted or exotic zip member can raise.
ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
)

Progress = Callable[[str, int], None]


class ImportFileError(Exception):
    """A file Kith cannot import, with a message a person understands (which file, which line,
    what was expected). Nothing is saved when it is raised."""


@dataclass
class ImportSummary:
    """How many of each thing were created, updated or left unchanged, and what was skipped."""

    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    skipped: list[dict] = field(default_factory=list)
    skipped_total: int = 0

    def count(self, entity: str, outcome: str, number: int = 1) -> None:
        if number:
            self.counts[entity][outcome] += number

    def skip(self, file: str, line: int | None, reason: str) -> None:
        self.skipped_total += 1
        if len(self.skipped) < MAX_LISTED_SKIPS:
            if len(reason) > MAX_REASON_LENGTH:
                reason = reason[: MAX_REASON_LENGTH - 1] + "…"
            self.skipped.append({"file": file, "line": line, "reason": reason})

    def to_dict(self) -> dict:
        return {
            "counts": {entity: dict(outcomes) for entity, outcomes in self.counts.items()},
            "skipped": self.skipped,
            "skipped_total": self.skipped_total,
        }

    def lines(self) -> list[str]:
        """The summary as a person reads it, one line each."""
        lines = []
        for entity, outcomes in self.counts.items():
            parts = [
                f"{outcomes[o]} {o}"
                for o in ("created", "updated", "unchanged", "skipped")
                if outcomes[o]
            ]
            lines.append(f"{entity}: {', '.join(parts) or 'nothing'}")
        lines.append(f"skipped: {self.skipped_total}")
        for skip in self.skipped:
            where = f"{skip['file']}, line {skip['line']}" if skip["line"] else skip["file"]
            lines.append(f"  {where}: {skip['reason']}")
        if self.skipped_total > len(self.skipped):
            lines.append(f"  … and {self.skipped_total - len(self.skipped)} more")
        return lines


class LimitedReader(io.RawIOBase):
    """Reads at most `limit` bytes from a stream; past it, the file is refused (zip bombs)."""

    def __init__(self, stream: IO[bytes], limit: int, name: str) -> None:
        self.stream, self.left, self.name = stream, limit, name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self.stream.read(min(len(buffer), self.left + 1))
        except ZIP_READ_ERRORS as error:
            raise ImportFileError(
                f"{self.name} cannot be read ({error}); download the export again."
            ) from error
        if len(data) > self.left:
            raise ImportFileError(
                f"{self.name} expands to more than Kith accepts; is it really an export?"
            )
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def detect_encoding(open_binary: Callable[[], BinaryIO], name: str) -> str:
    """UTF-16 when the file says so (Excel's "Unicode text"), else UTF-8, then UTF-8 with a
    byte-order mark, then Windows-1252 (Excel), read in chunks."""
    with open_binary() as stream:
        if stream.read(2) in UTF16_MARKS:
            return "utf-16"
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open_binary() as stream:
                while chunk := stream.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return "utf-8-sig" if encoding == "utf-8" else encoding
    # A damaged zip member reads as garbage; reading it to its end checks its CRC and says so.
    with open_binary() as stream:
        while stream.read(1 << 20):
            pass
    raise ImportFileError(f"{name} is not text in a known encoding (UTF-8 or Windows-1252).")


def text_lines(open_binary: Callable[[], BinaryIO], name: str, encoding: str = "") -> Iterator[str]:
    """The file's text, streamed line by line in the detected encoding; NUL bytes dropped.

    A line longer than MAX_LINE_CHARACTERS is refused rather than read into memory.
    """
    encoding = encoding or detect_encoding(open_binary, name)
    with open_binary() as stream:
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        number = 0
        while line := text.readline(MAX_LINE_CHARACTERS):
            number += 1
            if len(line) == MAX_LINE_CHARACTERS and not line.endswith(("\n", "\r")):
                raise ImportFileError(
                    f"{name}, line {number}, is longer than 1 MB; is this really an export?"
                )
            yield line.replace("\x00", "")


def clean_text(value: str | None, max_length: int) -> str:
    return " ".join((value or "").replace("\x00", "").split())[:max_length]


@dataclass
class _Known:
    """What identifies a contact the matcher knows, normalised for comparing."""

    name: str
    company: str
    email: str
    url: str


class ContactMatcher:
    """Finds the owner's contact for a person by Kith's identity rules, in order:

    1. the same LinkedIn profile address is the same person;
    2. a different profile address is a different person, always, whatever the name;
    3. the same email (any case) is the same person, unless the profile addresses differ;
    4. the same name (and company, when both have one) is the same person only when exactly one
       contact has it and nothing conflicts (no other profile address, no other email).

    Anything less certain is no match: the importer then creates the person, and the duplicates
    page offers the pair, because merging two people loses data and two records do not.
    Loads the owner's contacts once; people created during the import are remembered under the
    key the caller chooses (a negative number until they are saved), so later rows of the same
    file are matched against them by the same rules.
    """

    def __init__(self, owner) -> None:
        self.owner = owner
        self.people: dict[int, _Known] = {}
        self.by_url: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        rows = Contact.objects.owned_by(owner).values_list(
            "pk", "full_name", "company", "email", "linkedin_url"
        )
        for pk, name, company, email, url in rows.iterator(chunk_size=5000):
            self.remember(pk, name, company, email, url)

    def remember(
        self, pk: int, name: str, company: str = "", email: str = "", url: str = ""
    ) -> None:
        """Know one more contact (or what changed about one already known)."""
        known = self.people.get(pk)
        if known is None:
            known = self.people[pk] = _Known(normalize_name(name), "", "", "")
            self.by_name[known.name].append(pk)
        self.learn(pk, company=company, email=email, url=url)

    def learn(self, pk: int, *, company: str = "", email: str = "", url: str = "") -> None:
        """What an import fills in on a known contact: a profile address or an email where it
        had none, and a newer company."""
        known = self.people[pk]
        if company:
            known.company = normalize_name(company)
        if email and not known.email:
            known.email = email.lower()
            self.by_email.setdefault(known.email, pk)
        if url and not known.url:
            known.url = url
            self.by_url.setdefault(url, pk)

    def rekey(self, old: int, new: int) -> None:
        """A person remembered under a temporary key has been saved as contact `new`."""
        known = self.people.pop(old)
        self.people[new] = known
        self.by_name[known.name] = [new if pk == old else pk for pk in self.by_name[known.name]]
        for index in (self.by_url, self.by_email):
            for value in (known.url, known.email):
                if index.get(value) == old:
                    index[value] = new

    def match(
        self, *, url: str = "", email: str = "", name: str = "", company: str = ""
    ) -> int | None:
        """The key of the contact this person is, or None when no contact certainly is."""
        email = email.lower()
        if url and url in self.by_url:
            return self.by_url[url]
        pk = self.by_email.get(email) if email else None
        if pk is not None and not self._other_url(pk, url):
            return pk
        if not name:
            return None
        company = normalize_name(company)
        candidates = [
            pk
            for pk in self.by_name.get(normalize_name(name), ())
            if not (company and self.people[pk].company and self.people[pk].company != company)
        ]
        if len(candidates) != 1:
            return None
        pk = candidates[0]
        other_email = email and self.people[pk].email and self.people[pk].email != email
        return None if self._other_url(pk, url) or other_email else pk

    def namesakes(self, name: str) -> int:
        """How many known contacts have this name: more than one is why a name did not match."""
        return len(self.by_name.get(normalize_name(name), ())) if name else 0

    def _other_url(self, pk: int, url: str) -> bool:
        known = self.people.get(pk)
        return bool(url and known and known.url and known.url != url)


def contact_external_id(base: str, contact_id: int) -> str:
    """The external id of an imported interaction with one contact (one row per person)."""
    return f"{base}#c{contact_id}"[:255]


def external_ids_move(interactions, from_contact_id: int, to_contact_id: int) -> None:
    """After a merge, the moved interactions answer to their new contact's external ids, so a
    re-import finds them instead of creating them again; a copy the kept contact already
    has is deleted."""
    old_suffix, new_suffix = f"#c{from_contact_id}", f"#c{to_contact_id}"
    moved = [i for i in interactions if i.external_id.endswith(old_suffix)]
    if not moved:
        return
    renamed = {i.pk: i.external_id.removesuffix(old_suffix) + new_suffix for i in moved}
    model = type(moved[0])
    taken = set(
        model.objects.filter(
            owner_id=moved[0].owner_id, external_id__in=renamed.values()
        ).values_list("external_id", flat=True)
    )
    model.objects.filter(pk__in=[pk for pk, new in renamed.items() if new in taken]).delete()
    keep = [i for i in moved if renamed[i.pk] not in taken]
    for interaction in keep:
        interaction.external_id = renamed[interaction.pk]
    model.objects.bulk_update(keep, ["external_id"])


def rows_upsert(
    model,
    owner,
    source: str,
    wanted: dict[str, dict],
    summary: ImportSummary,
    entity: str,
    *,
    update: tuple[str, ...],
) -> dict:
    """One row of model per external id in wanted ({external id: field values}): created with
    every value, or brought up to date in the `update` fields. Counts what was created, updated
    and unchanged under entity, and returns the rows by external id."""
    existing = {}
    for keys in itertools.batched(wanted, UPSERT_BATCH):
        rows = model.objects.owned_by(owner).filter(source=source, external_id__in=keys)
        existing.update({row.external_id: row for row in rows})
    new, changed, now = [], [], timezone.now()
    for external_id, values in wanted.items():
        row = existing.get(external_id)
        if row is None:
            new.append(model(owner=owner, source=source, external_id=external_id, **values))
        elif any(getattr(row, name) != values[name] for name in update):
            for name in update:
                setattr(row, name, values[name])
            row.updated_at = now
            changed.append(row)
    model.objects.bulk_create(new, batch_size=UPSERT_BATCH)
    model.objects.bulk_update(changed, [*update, "updated_at"], batch_size=UPSERT_BATCH)
    summary.count(entity, "created", len(new))
    summary.count(entity, "updated", len(changed))
    summary.count(entity, "unchanged", len(wanted) - len(new) - len(changed))
    return {**existing, **{row.external_id: row for row in new}}
