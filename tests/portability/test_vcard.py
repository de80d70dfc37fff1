import base64
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from network.models import Contact, Tag
from portability import vcard
from portability.importing import ImportFileError
from portability.vcard import vcard_export, vcard_import
from tests.factories import ContactFactory, TagFactory

VCF = "contacts/contacts.vcf"
PEOPLE = [
    "Hannah Schmidt",
    "José Núñez",
    "Kwame Mensah",
    "Marcus Chen",
    "Ravi Shankar",
    "Zoë Ångström",
    "王小明",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Photos go to a folder of this test's own, so leftovers can be counted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _png(size: int = 8, colour: str = "teal") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(output, format="PNG")
    return output.getvalue()


def _files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def _write(tmp_path: Path, text: str, name: str = "cards.vcf", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


def _state(owner) -> list[tuple]:
    contacts = Contact.objects.filter(owner=owner).prefetch_related("tags")
    return sorted(
        (
            c.full_name,
            c.email,
            c.phone,
            c.company,
            c.title,
            c.linkedin_url,
            c.location,
            c.notes,
            c.stands_for,
            c.how_we_met,
            bool(c.photo),
            tuple(sorted(tag.name for tag in c.tags.all())),
        )
        for c in contacts
    )


def test_the_shared_file_brings_in_every_person_with_their_details(owner, fixtures):
    summary = vcard_import(owner, fixtures / VCF)

    assert summary.counts["contacts"]["created"] == 7
    assert sorted(Contact.objects.filter(owner=owner).values_list("full_name", flat=True)) == PEOPLE
    marcus = Contact.objects.get(owner=owner, full_name="Marcus Chen")
    assert marcus.email == "marcus.chen@example.com"
    assert (marcus.company, marcus.title) == ("Wayne Enterprises", "Engineering Manager, Payments")
    assert marcus.linkedin_url == "https://www.linkedin.com/in/marcus-chen-fake"
    assert marcus.phone == "+1 415-555-0142"
    assert marcus.location == "San Francisco, US"
    assert marcus.notes == "Met at SaaStr 2025.\nIntro'd by Priya; likes ramen, hates cold calls."
    assert [tag.name for tag in marcus.tags.all()] == ["Work"]
    assert not Tag.objects.filter(name__in=["myContacts", "starred"]).exists()
    assert not marcus.photo  # a photo at a web address is never fetched

    jose = Contact.objects.get(owner=owner, full_name="José Núñez")
    assert (jose.company, jose.location) == ("Acme Widgets, Inc.", "Madrid, ES")

    zoe = Contact.objects.get(owner=owner, full_name="Zoë Ångström")
    assert zoe.linkedin_url == "https://www.linkedin.com/in/zoe-angstrom-fake"
    assert (zoe.email, zoe.company) == ("zoe.angstrom@example.com", "Nordlys Analytics AB")
    assert zoe.photo.name.startswith(f"photos/{owner.pk}/") and zoe.photo.name.endswith(".jpg")
    with zoe.photo.open("rb") as photo:
        assert Image.open(photo).format == "JPEG"

    wang = Contact.objects.get(owner=owner, full_name="王小明")
    assert (wang.company, wang.title, wang.email) == (
        "深圳示例科技有限公司",
        "产品经理",
        "xiaoming.wang@example.com",
    )

    hannah = Contact.objects.get(owner=owner, full_name="Hannah Schmidt")
    assert hannah.linkedin_url == "https://www.linkedin.com/in/hannah-schmidt-fake"
    assert (hannah.email, hannah.phone) == ("hannah.schmidt@example.net", "+49-151-5550-1234")
    assert hannah.notes == "Prefers Signal.\nMet at Berlin Product Week 2023."

    kwame = Contact.objects.get(owner=owner, full_name="Kwame Mensah")
    assert kwame.linkedin_url == "https://www.linkedin.com/in/kwame-mensah-fake"
    # A CardDAV data: address; an opaque PNG is redrawn as a JPEG like every photo.
    with kwame.photo.open("rb") as photo:
        assert Image.open(photo).format == "JPEG"

    ravi = Contact.objects.get(owner=owner, full_name="Ravi Shankar")
    assert (ravi.email, ravi.company, ravi.phone, ravi.notes) == (
        "ravi.shankar@example.com",
        "",
        "",
        "",
    )


def test_a_company_card_is_skipped_with_the_line_it_starts_on(owner, fixtures):
    summary = vcard_import(owner, fixtures / VCF)

    assert summary.skipped_total == 1
    [skip] = summary.skipped
    assert (skip["file"], skip["line"]) == ("contacts.vcf", 77)
    assert "Acme Widgets, Inc." in skip["reason"] and "not a person" in skip["reason"]
    assert not Contact.objects.filter(email="hello@acme-widgets.example.com").exists()


def test_importing_the_same_file_again_changes_nothing(owner, fixtures, media):
    vcard_import(owner, fixtures / VCF)
    before = list(Contact.objects.filter(owner=owner).values().order_by("pk"))
    files = _files(media)

    summary = vcard_import(owner, fixtures / VCF)

    assert dict(summary.counts["contacts"]) == {"unchanged": 7}
    assert list(Contact.objects.filter(owner=owner).values().order_by("pk")) == before
    assert _files(media) == files
    assert Tag.objects.filter(owner=owner).count() == 1


def test_an_existing_contact_is_matched_by_any_email_and_only_blanks_are_filled(owner, fixtures):
    marcus = ContactFactory(
        owner=owner,
        full_name="Marcus C.",
        email="marcus@example.net",  # the second email on his card
        company="",
        title="",
        stands_for="Runs payments",
    )
    zoe = ContactFactory(
        owner=owner,
        full_name="Zoë",
        company="Nordlys",
        linkedin_url="https://www.linkedin.com/in/zoe-angstrom-fake",
    )
    zoe.photo.save("mine.png", ContentFile(_png()), save=True)
    zoe_photo = zoe.photo.name

    summary = vcard_import(owner, fixtures / VCF)

    assert dict(summary.counts["contacts"]) == {"created": 5, "updated": 2}
    assert Contact.objects.filter(owner=owner).count() == 7
    marcus.refresh_from_db()
    assert (marcus.full_name, marcus.email, marcus.stands_for) == (
        "Marcus C.",
        "marcus@example.net",
        "Runs payments",
    )
    assert (marcus.company, marcus.title) == ("Wayne Enterprises", "Engineering Manager, Payments")
    assert marcus.linkedin_url == "https://www.linkedin.com/in/marcus-chen-fake"
    assert [tag.name for tag in marcus.tags.all()] == ["Work"]
    zoe.refresh_from_db()
    assert (zoe.full_name, zoe.company, zoe.email) == (
        "Zoë",
        "Nordlys",
        "zoe.angstrom@example.com",
    )
    assert zoe.photo.name == zoe_photo  # a photo the owner chose is kept


def test_another_users_contacts_are_never_matched_or_changed(owner, other_user, fixtures):
    theirs = ContactFactory(
        owner=other_user,
        full_name="Marcus Chen",
        email="marcus.chen@example.com",
        linkedin_url="https://www.linkedin.com/in/marcus-chen-fake",
        company="",
        title="",
    )
    TagFactory(owner=other_user, name="Work")
    before = _state(other_user)

    summary = vcard_import(owner, fixtures / VCF)

    assert summary.counts["contacts"]["created"] == 7
    assert _state(other_user) == before
    theirs.refresh_from_db()
    assert theirs.company == ""
    assert Contact.objects.get(owner=owner, full_name="Marcus Chen").tags.get().owner == owner


ANDROID = """BEGIN:VCARD
VERSION:2.1
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=85str=C3=B6m;Zo=C3=AB;;;
TEL;HOME:+47 22 00 00 00
TEL;CELL:+47 900 00 000
EMAIL;INTERNET:Zoe.Android@Example.COM
ORG:Fjord Labs;
NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=B8tt p=C3=A5 Oslo Innovation Week.=0D=0ASnakket om fj=
=C3=B8rder.
PHOTO;ENCODING=BASE64;PNG:{photo}

X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Zo;1;;;;;;;;;;;;;
END:VCARD
BEGIN:VCARD
VERSION:2.1
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Bj=C3=B8rn =C3=98ster=
gaard
TEL;WORK;PREF:+45 33 00 00 00
TEL;CELL:+45 20 00 00 00
END:VCARD
BEGIN:VCARD
VERSION:2.1
N:;;;;
TEL;CELL:+1 555 0100
END:VCARD
"""


def test_a_vcard_21_file_from_android_is_read(owner, tmp_path):
    encoded = base64.b64encode(_png()).decode()
    photo = "\n ".join(encoded[i : i + 70] for i in range(0, len(encoded), 70))
    text = ANDROID.format(photo=photo)
    path = _write(tmp_path, text)
    nameless = text[: text.rindex("BEGIN:VCARD")].count("\n") + 1

    summary = vcard_import(owner, path)

    assert summary.counts["contacts"]["created"] == 2
    zoe = Contact.objects.get(owner=owner, full_name="Zoë Åström")
    assert (zoe.email, zoe.phone, zoe.company) == (
        "zoe.android@example.com",
        "+47 900 00 000",
        "Fjord Labs",
    )
    assert zoe.notes == "Møtt på Oslo Innovation Week.\nSnakket om fjørder."
    with zoe.photo.open("rb") as photo:  # the folded base64 PNG, redrawn
        assert Image.open(photo).size == (8, 8)
    bjorn = Contact.objects.get(owner=owner, full_name="Bjørn Østergaard")
    assert bjorn.phone == "+45 33 00 00 00"  # the preferred number wins over the mobile
    assert summary.skipped == [
        {"file": "cards.vcf", "line": nameless, "reason": "This card has no name (FN or N)."}
    ]


def test_a_windows_1252_file_is_read(owner, tmp_path):
    path = _write(
        tmp_path,
        "BEGIN:VCARD\nVERSION:3.0\nFN:José Müller\nORG:Café Crème\nTITLE:Directeur général\n"
        "EMAIL:jose@cafe.example\nEND:VCARD\n",
        encoding="cp1252",
    )

    vcard_import(owner, path)

    jose = Contact.objects.get(owner=owner)
    assert (jose.full_name, jose.company, jose.title) == (
        "José Müller",
        "Café Crème",
        "Directeur général",
    )


def test_photos_that_are_not_images_or_too_large_are_left_out(owner, tmp_path, monkeypatch):
    not_an_image = base64.b64encode(b"<?php echo 'hello'; ?>" * 10).decode()
    path = _write(
        tmp_path,
        f"BEGIN:VCARD\nVERSION:3.0\nFN:Text Photo\nPHOTO;ENCODING=b;TYPE=JPEG:{not_an_image}\n"
        "END:VCARD\n"
        "BEGIN:VCARD\nVERSION:4.0\nFN:Big Photo\n"
        f"PHOTO:data:image/png;base64,{base64.b64encode(_png(size=400)).decode()}\n"
        "END:VCARD\n",
    )
    monkeypatch.setattr(vcard, "MAX_PHOTO_BYTES", 200)

    summary = vcard_import(owner, path)

    assert summary.counts["contacts"]["created"] == 2
    assert not Contact.objects.filter(owner=owner).exclude(photo="").exists()
    assert [(note["line"], note["reason"][:38]) for note in summary.skipped] == [
        (1, "The photo of Text Photo was left out: "),
        (6, "The photo of Big Photo was left out: i"),
    ]


def test_a_cut_off_file_is_refused_and_changes_nothing(
    owner, fixtures, tmp_path, media, monkeypatch
):
    ContactFactory(owner=owner, full_name="Marcus Chen", email="marcus.chen@example.com")
    before = _state(owner)
    text = (fixtures / VCF).read_text(encoding="utf-8")
    path = tmp_path / "cut.vcf"
    path.write_text(text[: text.index("IMPP:")], encoding="utf-8")
    monkeypatch.setattr(vcard, "BATCH", 1)  # earlier cards, and Zoë's photo, are saved first

    with pytest.raises(ImportFileError, match=r"cut\.vcf, line 108: .*no END:VCARD"):
        vcard_import(owner, path)

    assert _state(owner) == before
    assert not Tag.objects.exists()
    assert _files(media) == []


def test_a_file_without_cards_is_refused(owner, tmp_path):
    path = _write(tmp_path, "First Name,Last Name\nMarcus,Chen\n", name="people.csv")

    with pytest.raises(
        ImportFileError, match=r"people\.csv holds no contact cards \(BEGIN:VCARD\)"
    ):
        vcard_import(owner, path)

    assert not Contact.objects.exists()


def test_a_second_card_before_the_first_ends_is_refused(owner, tmp_path):
    path = _write(
        tmp_path,
        "BEGIN:VCARD\nVERSION:3.0\nFN:One\nBEGIN:VCARD\nVERSION:3.0\nFN:Two\nEND:VCARD\n",
    )

    with pytest.raises(ImportFileError, match="line 1"):
        vcard_import(owner, path)

    assert not Contact.objects.exists()


def test_the_same_person_twice_in_a_file_is_one_contact(owner, tmp_path, monkeypatch):
    card = "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nEMAIL:ada@example.com\n{extra}END:VCARD\n"
    path = _write(
        tmp_path,
        card.format(extra="")
        + card.format(extra="URL;TYPE=linkedin:linkedin.com/in/ada\n")
        + card.format(extra="URL:https://www.linkedin.com/in/ada/\nCATEGORIES:Maths\n"),
    )
    monkeypatch.setattr(vcard, "BATCH", 2)

    summary = vcard_import(owner, path)

    assert dict(summary.counts["contacts"]) == {"created": 1, "updated": 2}
    ada = Contact.objects.get(owner=owner)
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada"
    assert [tag.name for tag in ada.tags.all()] == ["Maths"]


def test_a_namesake_with_another_profile_or_email_is_another_person(owner, tmp_path):
    david = ContactFactory(
        owner=owner,
        full_name="David Chen",
        company="Acme",
        linkedin_url="https://www.linkedin.com/in/david-chen-1",
        email="d1@example.org",
    )
    card = "BEGIN:VCARD\nVERSION:3.0\nFN:David Chen\nORG:Acme\n{extra}END:VCARD\n"
    path = _write(
        tmp_path,
        card.format(extra="URL;TYPE=linkedin:https://www.linkedin.com/in/david-chen-2\n")
        + card.format(extra="EMAIL:d3@example.org\n")
        + card.format(extra="EMAIL:D1@example.org\n"),
    )

    summary = vcard_import(owner, path)

    assert dict(summary.counts["contacts"]) == {"created": 2, "unchanged": 1}
    assert sorted(
        Contact.objects.filter(owner=owner).values_list("linkedin_url", "email")
    ) == sorted(
        [
            (david.linkedin_url, "d1@example.org"),
            ("https://www.linkedin.com/in/david-chen-2", ""),
            ("", "d3@example.org"),
        ]
    )


def test_tags_in_any_script_are_added_once(owner, tmp_path):
    TagFactory(owner=owner, name="ärzte")
    path = _write(
        tmp_path, "BEGIN:VCARD\nVERSION:3.0\nFN:Eva Braun\nCATEGORIES:Ärzte,Øst,同事\nEND:VCARD\n"
    )

    vcard_import(owner, path)
    summary = vcard_import(owner, path)

    assert dict(summary.counts["contacts"]) == {"unchanged": 1}
    eva = Contact.objects.get(owner=owner)
    assert sorted(tag.name for tag in eva.tags.all()) == ["Øst", "ärzte", "同事"]
    assert Tag.objects.filter(owner=owner).count() == 3


def test_the_import_costs_the_same_queries_for_ten_or_forty_cards(owner, tmp_path):
    def queries(count: int) -> int:
        cards = "".join(
            f"BEGIN:VCARD\nVERSION:3.0\nFN:Person {count} {i}\nEMAIL:p{count}.{i}@example.com\n"
            f"CATEGORIES:Batch {count}\nEND:VCARD\n"
            for i in range(count)
        )
        with CaptureQueriesContext(connection) as context:
            vcard_import(owner, _write(tmp_path, cards))
        return len(context.captured_queries)

    assert queries(10) == queries(40)


def test_progress_is_reported(owner, fixtures):
    seen = []

    vcard_import(owner, fixtures / VCF, progress=lambda stage, done: seen.append((stage, done)))

    assert seen == [("contacts", 8)]


# Export --------------------------------------------------------------------------------


def _unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_the_export_imports_into_an_empty_account_as_the_same_people(
    owner, other_user, fixtures, tmp_path
):
    vcard_import(owner, fixtures / VCF)
    hannah = Contact.objects.get(owner=owner, full_name="Hannah Schmidt")
    hannah.stands_for = "Product, not projects; ask her about Berlin"
    hannah.how_we_met = "Berlin Product Week"
    hannah.location = "Berlin, Germany"
    hannah.save()
    hannah.tags.add(TagFactory(owner=owner, name="Product, Berlin"))
    Contact.objects.get(owner=owner, full_name="Ravi Shankar").archive()
    path = tmp_path / "export.vcf"
    path.write_text(vcard_export(owner), encoding="utf-8", newline="")

    summary = vcard_import(other_user, path)

    assert summary.counts["contacts"]["created"] == 7
    assert _state(other_user) == _state(owner)
    assert dict(vcard_import(owner, path).counts["contacts"]) == {"unchanged": 7}


def test_the_export_folds_long_lines_escapes_and_embeds_the_photo(owner):
    contact = ContactFactory(
        owner=owner,
        full_name="Åsa Øvregård-Lindqvist",
        company="Smith, Jones; Partners",
        title="Director\\Founder",
        notes="Første linje.\n" + "Ærlig og ønskelig, på alle måter; " * 6,
        linkedin_url="https://www.linkedin.com/in/asa",
    )
    contact.photo.save("face.png", ContentFile(_png()), save=True)

    text = vcard_export(owner)

    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and text.endswith("END:VCARD\r\n")
    assert text.count("\n") == text.count("\r\n")
    for line in text.encode().split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # never cut inside a character
    lines = _unfolded(text)
    assert "N:Øvregård-Lindqvist;Åsa;;;" in lines
    assert "ORG:Smith\\, Jones\\; Partners" in lines
    assert "TITLE:Director\\\\Founder" in lines
    note = "Ærlig og ønskelig\\, på alle måter\\; " * 6
    assert f"NOTE:Første linje.\\n{note.strip()}\\n\\nStands for: Builds things that last" in lines
    assert "item1.URL:https://www.linkedin.com/in/asa" in lines
    # vobject writes property and parameter names in upper case, which every reader accepts.
    assert "item1.X-ABLABEL:LinkedIn" in lines
    assert "X-SOCIALPROFILE;TYPE=linkedin:https://www.linkedin.com/in/asa" in lines
    [photo] = [line for line in lines if line.startswith("PHOTO;ENCODING=b;TYPE=PNG:")]
    assert base64.b64decode(photo.partition(":")[2]) == _png()
    assert "CATEGORIES" not in text  # no tags, no empty property


def test_the_export_costs_two_queries_however_many_contacts(
    owner, other_user, django_assert_num_queries
):
    tag = TagFactory(owner=owner, name="Oslo")
    for _ in range(5):
        ContactFactory(owner=owner).tags.add(tag)
    ContactFactory(owner=other_user, full_name="Not Mine")

    with django_assert_num_queries(2):  # the contacts, their tags
        text = vcard_export(owner)

    assert text.count("BEGIN:VCARD") == 5
    assert "Not Mine" not in text


# Command -------------------------------------------------------------------------------


def test_the_command_prints_the_summary_and_fails_clearly(owner, fixtures, tmp_path):
    out = io.StringIO()
    call_command("import_vcard", "--user", "owner", str(fixtures / VCF), stdout=out)
    assert out.getvalue().splitlines()[:3] == [
        "contacts.vcf:",
        "  contacts: 7 created",
        "  skipped: 1",
    ]

    bad = _write(tmp_path, "not a contacts file\n", name="notes.txt")
    with pytest.raises(CommandError, match=r"notes\.txt holds no contact cards"):
        call_command("import_vcard", "--user", "owner", str(bad))
    with pytest.raises(CommandError, match="no user called “nobody”"):
        call_command("import_vcard", "--user", "nobody", str(fixtures / VCF))
    with pytest.raises(CommandError, match=r"missing\.vcf is not a file"):
        call_command("import_vcard", "--user", "owner", str(tmp_path / "missing.vcf"))
    assert Contact.objects.filter(owner=owner).count() == 7


# Limits and hostile values ------------------------------------------------------------


def test_a_note_too_long_for_any_address_book_is_refused_at_its_line(owner, tmp_path):
    note = "x" * (vcard.MAX_VALUE_CHARACTERS + 10)
    folded = "\n ".join(note[i : i + 74] for i in range(0, len(note), 74))
    path = _write(
        tmp_path,
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nEND:VCARD\n"
        f"BEGIN:VCARD\nVERSION:3.0\nFN:Bo Ek\nNOTE:{folded}\nEND:VCARD\n",
    )

    with pytest.raises(
        ImportFileError, match=r"cards\.vcf, line 8: this value is longer than 1 MB"
    ):
        vcard_import(owner, path)

    assert not Contact.objects.exists()


def test_a_card_with_more_text_than_any_person_has_is_refused(owner, tmp_path, monkeypatch):
    monkeypatch.setattr(vcard, "MAX_CARD_CHARACTERS", 1000)
    notes = "".join(f"NOTE:{'y' * 300}\n" for _ in range(4))
    path = _write(tmp_path, f"BEGIN:VCARD\nVERSION:3.0\nFN:Bo Ek\n{notes}END:VCARD\n")

    with pytest.raises(ImportFileError, match=r"cards\.vcf, line 1: this card holds more than"):
        vcard_import(owner, path)

    assert not Contact.objects.exists()


def test_a_photo_larger_than_kith_keeps_is_left_out_and_the_card_imported(
    owner, tmp_path, monkeypatch, media
):
    monkeypatch.setattr(vcard, "MAX_PHOTO_BYTES", 100)
    encoded = base64.b64encode(_png(size=300, colour="red") + b"\x00" * 5000).decode()
    folded = "\n ".join(encoded[i : i + 74] for i in range(0, len(encoded), 74))
    path = _write(
        tmp_path, f"BEGIN:VCARD\nVERSION:3.0\nFN:Bo Ek\nPHOTO;ENCODING=b:{folded}\nEND:VCARD\n"
    )

    vcard_import(owner, path)

    assert not Contact.objects.get(owner=owner).photo
    assert _files(media) == []


def test_a_photo_from_a_card_is_stored_as_a_picture_kith_drew(owner, tmp_path):
    # A GIF header followed by script is a GIF to Pillow and a script to a browser.
    gif = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(gif, format="GIF")
    polyglot = gif.getvalue() + b"/*\n*/alert(document.domain)//"
    path = _write(
        tmp_path,
        "BEGIN:VCARD\nVERSION:4.0\nFN:Eve\n"
        f"PHOTO:data:text/javascript;base64,{base64.b64encode(polyglot).decode()}\nEND:VCARD\n",
    )

    vcard_import(owner, path)

    eve = Contact.objects.get(owner=owner)
    assert eve.photo.name.endswith(".jpg")
    with eve.photo.open("rb") as photo:
        data = photo.read()
    assert b"alert" not in data and Image.open(io.BytesIO(data)).format == "JPEG"


def test_line_breaks_in_a_profile_address_or_note_never_add_a_card_to_the_export(
    owner, other_user, tmp_path
):
    injected = "\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Injected Person\r\nNOTE:"
    contact = ContactFactory(owner=owner, full_name="Ann Lee", notes=f"Hello{injected}bye")
    # The forms refuse such an address; an older full import let it in.
    Contact.objects.filter(pk=contact.pk).update(
        linkedin_url=f"https://www.linkedin.com/in/ann{injected}"
    )

    text = vcard_export(owner)

    lines = _unfolded(text)
    assert lines.count("BEGIN:VCARD") == 1
    assert "FN:Injected Person" not in lines
    path = tmp_path / "export.vcf"
    path.write_text(text, encoding="utf-8", newline="")
    vcard_import(other_user, path)
    [ann] = Contact.objects.filter(owner=other_user)
    assert ann.full_name == "Ann Lee"
    assert ann.notes.startswith("Hello\nEND:VCARD\nBEGIN:VCARD")
    assert ann.linkedin_url == ""


def test_a_google_export_with_apple_escapes_and_labels_reads_the_same(owner, tmp_path):
    path = _write(
        tmp_path,
        "BEGIN:VCARD\nVERSION:3.0\nN:Lee;Ann;;;\nFN:Ann Lee\n"
        "item1.URL:https\\://www.linkedin.com/in/ann-lee\nitem1.X-ABLabel:LinkedIn\n"
        'TEL;TYPE="cell,voice":+47 900 00 001\nTEL;TYPE=work,pref:+47 22 00 00 01\n'
        "CATEGORIES:Oslo\\, Norway,Friends\nEND:VCARD\n",
    )

    vcard_import(owner, path)

    ann = Contact.objects.get(owner=owner)
    assert (ann.linkedin_url, ann.phone) == (
        "https://www.linkedin.com/in/ann-lee",
        "+47 22 00 00 01",
    )
    assert sorted(tag.name for tag in ann.tags.all()) == ["Friends", "Oslo, Norway"]
