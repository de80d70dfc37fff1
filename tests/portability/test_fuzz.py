"""A seeded mutation fuzzer over the import fixtures: every mutated file either imports or is
refused with an ImportFileError that says what is wrong; no other exception ever escapes.

Deterministic (one seed, the same cases on every run) and bounded (a few hundred small files).
A failing case is named by its id, e.g. `contacts.vcf-flip-3`, so it can be run alone.
"""

import datetime
import io
import random
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from portability.ics import ics_import
from portability.importing import ImportFileError
from portability.linkedin import linkedin_import
from portability.vcard import vcard_import
from tests.factories import ContactFactory
from tests.portability.conftest import FIXTURES

SEED = 20260314
PER_KIND = 6  # mutations of each kind per fixture
BASES = [
    FIXTURES / "linkedin" / "Connections.csv",
    FIXTURES / "linkedin" / "Invitations.csv",
    FIXTURES / "linkedin" / "messages.csv",
    FIXTURES / "linkedin" / "messages_2018.csv",
    FIXTURES / "linkedin" / "messages_2020.csv",
    FIXTURES / "contacts" / "contacts.vcf",
    FIXTURES / "contacts" / "meetings.ics",
]
ZIP = FIXTURES / "linkedin" / "Complete_LinkedInDataExport_03-14-2026.zip"
# Values real files and attackers put where a value goes: each has broken an importer once.
HOSTILE = [
    b"http://[::1",
    b"https://www.linkedin.com/in/[::1]",
    b'"',
    b"\r",
    b"\x00",
    b"\xff\xfe",
    b"=\r\n",
    b";;;",
    b":",
    b"9" * 40,
    b"\xe2\x80\xae",
    b"0001-01-01",
    b"99/99/99, 99:99 PM",
    b"BEGIN:VCARD\r\n",
    b"END:VCALENDAR\r\n",
    b"RRULE:FREQ=SECONDLY\r\n",
]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [data]


def _flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def _duplicate_lines(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(lines))
        lines.insert(rng.randrange(len(lines) + 1), lines[at])
    return b"".join(lines)


def _remove_lines(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    for _ in range(min(rng.randint(1, 4), len(lines) - 1)):
        del lines[rng.randrange(len(lines))]
    return b"".join(lines)


def _swap_header(rng: random.Random, data: bytes) -> bytes:
    """Two cells of the header row trade places (CSV), or two lines do (vCard, iCalendar)."""
    lines = _lines(data)
    header_at = next((i for i, line in enumerate(lines) if line.count(b",") >= 3), None)
    if header_at is None:
        a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
        return b"".join(lines)
    ending = lines[header_at][len(lines[header_at].rstrip(b"\r\n")) :]
    cells = lines[header_at].rstrip(b"\r\n").split(b",")
    a, b = rng.randrange(len(cells)), rng.randrange(len(cells))
    cells[a], cells[b] = cells[b], cells[a]
    lines[header_at] = b",".join(cells) + ending
    return b"".join(lines)


def _hostile(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + rng.choice(HOSTILE) + data[at:]


def _hostile_url(rng: random.Random, data: bytes) -> bytes:
    """A profile address (or, in a file without one, an email) replaced by one urllib chokes on."""
    spots = [m.start() for m in re.finditer(rb"https?://[\w./%-]*linkedin|[\w.]+@", data)]
    if not spots:
        return _hostile(rng, data)
    at = rng.choice(spots)
    end = at + len(re.match(rb"[^,\r\n\"]*", data[at:]).group())
    return data[:at] + rng.choice([b"http://[::1", b"linkedin.com/in/x]", b"[::1]@"]) + data[end:]


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "flip": _flip,
    "truncate": _truncate,
    "duplicate": _duplicate_lines,
    "remove": _remove_lines,
    "swap": _swap_header,
    "hostile": _hostile,
    "url": _hostile_url,
}


def _zip_members() -> dict[str, bytes]:
    with zipfile.ZipFile(ZIP) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _repack(members: dict[str, bytes], compression: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _patch_headers(data: bytes, *, method: int | None = None, flags: int = 0) -> bytes:
    """Rewrite every member's compression method and flag bits in both the local headers and
    the central directory, as an odd zip tool would write them."""
    out = bytearray(data)
    for signature, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        at = out.find(signature)
        while at != -1:
            if flags:
                current = int.from_bytes(out[at + flag_at : at + flag_at + 2], "little")
                out[at + flag_at : at + flag_at + 2] = (current | flags).to_bytes(2, "little")
            if method is not None:
                out[at + method_at : at + method_at + 2] = method.to_bytes(2, "little")
            at = out.find(signature, at + 4)
    return bytes(out)


def _zip_cases(rng: random.Random) -> Iterator[tuple[str, str, bytes]]:
    members = _zip_members()
    stored = _repack(members, zipfile.ZIP_STORED)
    yield "export.zip", "bzip2", _repack(members, zipfile.ZIP_BZIP2)
    yield "export.zip", "lzma", _repack(members, zipfile.ZIP_LZMA)
    yield "export.zip", "unknown-method", _patch_headers(stored, method=99)
    yield "export.zip", "deflate64", _patch_headers(stored, method=9)
    yield "export.zip", "encrypted", _patch_headers(stored, flags=0x1)
    yield "export.zip", "strong-encryption", _patch_headers(stored, flags=0x41)
    deflated = ZIP.read_bytes()
    for n in range(PER_KIND * 2):
        yield "export.zip", f"flip-{n}", _flip(rng, deflated)
        yield "export.zip", f"truncate-{n}", _truncate(rng, deflated)
        yield "export.zip", f"stored-flip-{n}", _flip(rng, stored)
    for n in range(PER_KIND):
        # A well-formed archive around damaged files: the CSV reader meets the mutation.
        inner = dict(members)
        for name in inner:
            inner[name] = rng.choice(list(MUTATIONS.values()))(rng, inner[name])
        yield "export.zip", f"mutated-members-{n}", _repack(inner, zipfile.ZIP_DEFLATED)


def _cases() -> list[tuple[str, str, bytes]]:
    rng = random.Random(SEED)
    cases = []
    for base in BASES:
        data = base.read_bytes()
        for kind, mutate in MUTATIONS.items():
            for n in range(PER_KIND):
                cases.append((base.name, f"{kind}-{n}", mutate(rng, data)))
    cases.extend(_zip_cases(rng))
    return cases


CASES = _cases()


def _ics_import(owner, path: Path) -> None:
    ics_import(owner, path, since=datetime.date(2026, 1, 1), until=datetime.date(2026, 3, 31))


IMPORTERS = {"linkedin": linkedin_import, "vcard": vcard_import, "ics": _ics_import}


def _import(owner, path: Path) -> None:
    if path.suffix == ".vcf":
        vcard_import(owner, path)
    elif path.suffix == ".ics":
        _ics_import(owner, path)
    else:
        linkedin_import(owner, path)


@pytest.fixture
def known_people(owner) -> None:
    """People the fixtures mention, so that mutated files reach the matching and saving code."""
    for name, email, url in [
        ("Zoë Ångström", "zoe.angstrom@example.com", "linkedin.com/in/zoe-angstrom-fake"),
        ("Marcus Chen", "marcus.chen@example.com", "linkedin.com/in/marcus-chen-fake"),
        ("Priya Raman", "priya.raman@example.com", ""),
        ("Lukas Becker", "", "linkedin.com/in/lukas-becker-fake"),
    ]:
        ContactFactory(owner=owner, full_name=name, email=email, linkedin_url=url)


@pytest.mark.parametrize(
    ("base", "mutation", "data"), CASES, ids=[f"{base}-{mutation}" for base, mutation, _ in CASES]
)
def test_a_mutated_file_imports_or_is_refused_with_a_message(
    owner, known_people, tmp_path, base, mutation, data
):
    path = tmp_path / base
    path.write_bytes(data)
    try:
        _import(owner, path)
    except ImportFileError as error:
        message = str(error)
        assert message.strip(), "an import was refused without saying why"
        assert "Traceback" not in message


@pytest.mark.parametrize("importer", IMPORTERS)
@pytest.mark.parametrize("base", [*BASES, ZIP], ids=lambda path: path.name)
def test_any_fixture_given_to_any_importer_imports_or_is_refused_with_a_message(
    owner, known_people, tmp_path, base, importer
):
    # Under the name the importer expects, as a person who picked the wrong kind would send it.
    suffix = {"linkedin": ".csv", "vcard": ".vcf", "ics": ".ics"}[importer]
    path = tmp_path / f"upload{suffix}"
    path.write_bytes(base.read_bytes())
    try:
        IMPORTERS[importer](owner, path)
    except ImportFileError as error:
        assert str(error).strip(), "an import was refused without saying why"
