"""Files and requests built to break an import get a clear answer and change nothing."""

import datetime
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from interactions.models import Interaction
from network.models import Contact
from portability.duplicates import contacts_merge
from portability.ics import ics_import
from portability.importing import ImportFileError
from portability.linkedin import MAX_ROWS, linkedin_import
from portability.models import ImportRun
from portability.runs import import_run_execute
from portability.vcard import vcard_import
from tests.factories import ContactFactory

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def test_a_utf16_file_from_excel_reads_right(owner, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(HEADER + "Łukasz,Wróbel,,,Żabka,CTO,02 Mar 2026\n", encoding="utf-16")
    linkedin_import(owner, path)
    assert Contact.objects.get(owner=owner).full_name == "Łukasz Wróbel"


def test_a_line_too_long_to_be_real_is_refused(owner, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(HEADER + "A," + "x" * 2_000_000 + ",,,,,02 Mar 2026\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="longer than 1 MB"):
        linkedin_import(owner, path)
    assert not Contact.objects.exists()


def test_a_damaged_zip_member_is_explained(owner, tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Connections.csv", (HEADER + "Ann,Lee,,,,,02 Mar 2026\n") * 2000)
    data = bytearray(path.read_bytes())
    data[200:260] = b"\x00" * 60  # corrupt the compressed stream
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFileError, match="cannot be read"):
        linkedin_import(owner, path)


def test_a_zip_member_damaged_into_garbage_is_called_damaged_not_an_odd_encoding(owner, tmp_path):
    path = _zip_of(
        tmp_path / "export.zip",
        # Larger than one read: the garbage is met before the member's end, where the CRC is.
        {"Connections.csv": (HEADER + "Ann,Lee,,,,,02 Mar 2026\n" * 80_000).encode()},
        compression=zipfile.ZIP_STORED,
    )
    data = bytearray(path.read_bytes())
    data[2000:2060] = b"\x81\x8d" * 30  # bytes no text encoding Kith reads has; the CRC breaks
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFileError, match=r"Connections\.csv cannot be read.*Bad CRC"):
        linkedin_import(owner, path)


def test_a_date_linkedin_cannot_have_written_skips_the_row(owner, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(HEADER + "Ann,Lee,,,,,01 Jan 0001\nBo,Ek,,,,,02 Mar 2026\n", encoding="utf-8")
    summary = linkedin_import(owner, path)
    assert summary.counts["contacts"]["created"] == 1
    assert "is not a date" in summary.skipped[0]["reason"]


def test_very_long_values_are_cut_short_in_the_summary(owner, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(HEADER + "Ann,Lee,,,,," + "9" * 100_000 + "\n", encoding="utf-8")
    summary = linkedin_import(owner, path)
    assert len(summary.skipped[0]["reason"]) <= 300


def test_an_odd_vcard_preference_is_harmless(owner, tmp_path):
    path = tmp_path / "odd.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:4.0\nFN:Ann Lee\nEMAIL;PREF=²:ann@example.org\nEND:VCARD\n",
        encoding="utf-8",
    )
    vcard_import(owner, path)
    assert Contact.objects.get(owner=owner).email == "ann@example.org"


def test_a_series_repeating_every_minute_is_left_out(owner, tmp_path):
    ContactFactory(owner=owner, email="ann@example.org")
    path = tmp_path / "noisy.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:noisy\nDTSTART:20260101T080000Z\n"
        "DTEND:20260101T080100Z\nRRULE:FREQ=MINUTELY\nSUMMARY:Ping\nLOCATION:Oslo\n"
        "ATTENDEE:mailto:ann@example.org\nEND:VEVENT\nEND:VCALENDAR\n",
        encoding="utf-8",
    )
    summary = ics_import(
        owner, path, since=datetime.date(2026, 1, 1), until=datetime.date(2026, 3, 1)
    )
    assert not Interaction.objects.exists()
    assert "“Ping” repeats more often than meetings do" in summary.skipped[0]["reason"]


def test_a_daily_series_for_years_is_capped(owner, tmp_path):
    ContactFactory(owner=owner, email="ann@example.org")
    path = tmp_path / "daily.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:daily\nDTSTART:20200101T080000Z\n"
        "DTEND:20200101T083000Z\nRRULE:FREQ=DAILY;BYHOUR=8,10,12,14\nSUMMARY:Standup\n"
        "ATTENDEE:mailto:ann@example.org\nEND:VEVENT\nEND:VCALENDAR\n",
        encoding="utf-8",
    )
    summary = ics_import(
        owner, path, since=datetime.date(2025, 1, 1), until=datetime.date(2025, 12, 31)
    )
    assert Interaction.objects.count() == 600
    assert "repeats more than 600 times" in summary.skipped[0]["reason"]


def test_importing_again_after_a_merge_does_not_duplicate(owner, fixtures):
    zip_path = fixtures / "linkedin/Complete_LinkedInDataExport_03-14-2026.zip"
    linkedin_import(owner, zip_path)
    zoe = Contact.objects.get(owner=owner, full_name="Zoë Ångström")
    twin = ContactFactory(owner=owner, full_name="Zoe Angstrom")
    contacts_merge(owner, twin, zoe)
    before = Interaction.objects.filter(owner=owner).count()
    linkedin_import(owner, zip_path)
    assert Interaction.objects.filter(owner=owner).count() == before


def test_an_import_stopped_from_outside_is_marked_failed(owner, monkeypatch):
    run = ImportRun.objects.create(owner=owner, kind="vcard", original_name="x.vcf")
    run.file.save("x.vcf", ContentFile(b"BEGIN:VCARD\nFN:A\nEND:VCARD\n"))

    def interrupted(*args, **kwargs):
        raise SystemExit(1)

    monkeypatch.setattr("portability.runs.vcard_import", interrupted)
    with pytest.raises(SystemExit):
        import_run_execute(run.pk)
    run.refresh_from_db()
    assert (run.status, run.error.startswith("The import was interrupted")) == ("failed", True)


def test_odd_requests_to_the_import_pages_never_fail(owner_client):
    huge = "9" * 25
    response = owner_client.post(
        reverse("portability:duplicates-merge"), {"keep": huge, "other": "1"}, follow=True
    )
    assert "Choose two different contacts to merge." in response.content.decode()
    assert (
        owner_client.post(
            reverse("portability:import"), {"kind": "ics"}, CONTENT_LENGTH="x"
        ).status_code
        == 200
    )
    response = owner_client.post(
        reverse("portability:import"),
        {
            "kind": "ics",
            "since": "0001-01-01",
            "until": "2999-01-01",
            "file": ContentFile(b"BEGIN:VCALENDAR", name="c.ics"),
        },
    )
    assert "Choose a day between 1990 and today" in response.content.decode()
    assert not ImportRun.objects.exists()


def _zip_of(path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def _patched(path, *, method: int | None = None, flags: int = 0):
    """The zip at path with every member's method or flag bits rewritten, as odd tools do."""
    data = bytearray(path.read_bytes())
    for signature, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        at = data.find(signature)
        while at != -1:
            if method is not None:
                data[at + method_at : at + method_at + 2] = method.to_bytes(2, "little")
            data[at + flag_at] |= flags
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def test_a_zip_member_compressed_in_an_unknown_way_is_named(owner, tmp_path):
    path = _zip_of(
        tmp_path / "export.zip", {"Connections.csv": HEADER.encode()}, zipfile.ZIP_STORED
    )
    with pytest.raises(ImportFileError) as refused:
        linkedin_import(owner, _patched(path, method=99))
    assert str(refused.value).startswith(
        "export.zip: Connections.csv is compressed in a way Kith cannot read"
    )


def test_an_encrypted_zip_member_is_named(owner, tmp_path):
    path = _zip_of(
        tmp_path / "export.zip", {"Connections.csv": HEADER.encode()}, zipfile.ZIP_STORED
    )
    with pytest.raises(ImportFileError, match=r"export\.zip: Connections\.csv is encrypted"):
        linkedin_import(owner, _patched(path, flags=0x1))


def test_a_zip_with_a_damaged_directory_is_refused_with_its_name(owner, tmp_path):
    path = _zip_of(tmp_path / "export.zip", {"Connections.csv": HEADER.encode()})
    path.write_bytes(path.read_bytes().replace(b"PK\x01\x02", b"PK\x09\x09"))
    with pytest.raises(ImportFileError, match=r"export\.zip is a damaged zip file"):
        linkedin_import(owner, path)


@pytest.mark.parametrize(
    ("member", "header", "blank"),
    [
        ("Connections.csv", HEADER.encode(), b"\n"),
        ("Connections.csv", HEADER.encode(), b",,,,,,\r\n"),
        ("messages.csv", b"CONVERSATION ID,FROM,TO,DATE,FOLDER\n", b"\r\n"),
    ],
    ids=["newlines", "empty-cells", "messages-crlf"],
)
def test_a_small_zip_of_millions_of_empty_lines_is_refused_while_reading(
    owner, tmp_path, member, header, blank
):
    path = tmp_path / "export.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(member, "w") as stream,
    ):
        stream.write(header)
        for _ in range(20):
            stream.write(blank * 100_000)
    with pytest.raises(ImportFileError, match="more than 10,000 empty rows and only"):
        linkedin_import(owner, path)
    assert not Contact.objects.exists()


def test_a_file_of_rows_that_make_no_sense_is_refused_past_a_budget(owner, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(HEADER + "x,y,,,,,z\n" * 10_001 + "Ann,Lee,,,,,02 Mar 2026\n")
    with pytest.raises(ImportFileError) as refused:
        linkedin_import(owner, path)
    assert str(refused.value) == (
        "Connections.csv: more than 10,000 rows cannot be read, the last at line 10002: “z” in "
        "Connected On is not a date. Is this really LinkedIn's export?"
    )
    assert not Contact.objects.exists()


def test_more_connections_than_linkedin_allows_are_refused(owner, tmp_path, monkeypatch):
    monkeypatch.setitem(MAX_ROWS, "Connections.csv", 100)
    path = tmp_path / "Connections.csv"
    path.write_text(
        HEADER + "".join(f"Ann,Lee,linkedin.com/in/ann-{n},,,,02 Mar 2026\n" for n in range(101))
    )
    with pytest.raises(ImportFileError, match="line 102: more than 100 rows"):
        linkedin_import(owner, path)


def test_an_unreadable_address_in_log_a_meeting_is_a_message_not_an_error(owner_client):
    response = owner_client.post(
        reverse("interactions:log-meeting"),
        {
            "event": "new",
            "name": "Summit",
            "date": timezone.localdate().isoformat(),
            "batch": "0b0e7a3c-0000-4000-8000-000000000001",
            "row": ["0000000a"],
            "row-0000000a-kind": "in_person",
            "row-0000000a-full_name": "Ana Lima",
            "row-0000000a-linkedin_url": "http://[::1",
        },
    )
    assert response.status_code == 200
    assert "not a web address Kith can read" in response.content.decode()
    assert not Contact.objects.exists()
