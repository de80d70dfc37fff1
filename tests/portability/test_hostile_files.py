"""Files and requests built to break an import get a clear answer and change nothing."""

import datetime
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from interactions.models import Interaction
from network.models import Contact
from portability.duplicates import contacts_merge
from portability.ics import ics_import
from portability.importing import ImportFileError
from portability.linkedin import linkedin_import
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
