import datetime
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from interactions.models import Interaction
from invitations.models import Invitation
from network.models import Contact
from portability.importing import ImportFileError
from portability.linkedin import linkedin_import
from tests.factories import ContactFactory, InvitationFactory

ZIP = "linkedin/Complete_LinkedInDataExport_03-14-2026.zip"


def _state(owner) -> tuple:
    return (
        sorted(
            Contact.objects.filter(owner=owner).values_list(
                "full_name",
                "company",
                "title",
                "email",
                "linkedin_url",
                "connected_on",
                "linkedin_status",
            )
        ),
        sorted(Invitation.objects.filter(owner=owner).values_list("name", "status", "direction")),
        sorted(
            Interaction.objects.filter(owner=owner).values_list(
                "contact__full_name", "occurred_on", "kind", "initiated_by"
            )
        ),
    )


def test_the_shared_export_brings_in_contacts_invitations_and_message_history(owner, fixtures):
    summary = linkedin_import(owner, fixtures / ZIP)

    assert summary.counts["contacts"]["created"] == 24
    assert summary.counts["invitations"]["created"] == 10
    zoe = Contact.objects.get(owner=owner, full_name="Zoë Ångström")
    assert (zoe.company, zoe.title, zoe.linkedin_status, zoe.connected_on) == (
        "Nordlys Analytics AB",
        "Head of Data",
        "connected",
        datetime.date(2026, 3, 2),
    )
    assert (
        Contact.objects.get(
            owner=owner, linkedin_url="https://www.linkedin.com/in/jose-nunez-fake-4b1a"
        ).email
        == "jose.nunez@example.com"
    )
    assert Contact.objects.filter(
        owner=owner, full_name='Robert "Bobby" Tables', company="Initech"
    ).exists()
    assert Contact.objects.filter(
        owner=owner, full_name="Mei Tanaka"
    ).exists()  # trailing space trimmed
    assert Contact.objects.get(owner=owner, full_name="Kwame Mensah").connected_on == datetime.date(
        2019, 2, 14
    )

    # Invitations: accepted when the person is a connection, pending otherwise.
    assert Invitation.objects.get(owner=owner, name="Zoë Ångström").status == "accepted"
    lukas = Invitation.objects.get(owner=owner, name="Lukas Becker")
    assert (lukas.status, lukas.direction, lukas.contact) == ("pending", "outgoing", None)
    assert "Future of Work" in lukas.message
    assert (
        Invitation.objects.get(owner=owner, name="Sam 🚀 Okafor").contact.full_name
        == "Sam 🚀 Okafor"
    )

    # Messages: one interaction per conversation, day and person; who wrote first that day.
    zoe_days = dict(
        Interaction.objects.filter(contact=zoe).values_list("occurred_on", "initiated_by")
    )
    assert zoe_days == {
        datetime.date(2026, 3, 2): "me",
        datetime.date(2026, 3, 9): "me",
        datetime.date(2026, 3, 10): "them",
    }
    group = Interaction.objects.filter(owner=owner, kind="group")
    assert sorted(group.values_list("contact__full_name", flat=True)) == [
        "Marcus Chen",
        "Marcus Chen",
        "Priya Raman, MBA",
        "Priya Raman, MBA",
    ]
    zoe.refresh_from_db()
    assert (zoe.last_interaction_on, zoe.other_interaction_count) == (datetime.date(2026, 3, 10), 3)

    reasons = [skip["reason"] for skip in summary.skipped]
    assert any("empty row" in reason for reason in reasons)
    assert any("spam" in reason for reason in reasons)
    assert sum("LinkedIn Member" in reason for reason in reasons) == 2
    assert all(skip["line"] for skip in summary.skipped)


def test_importing_the_same_export_again_changes_nothing(owner, fixtures):
    linkedin_import(owner, fixtures / ZIP)
    before = _state(owner)
    summary = linkedin_import(owner, fixtures / ZIP)
    assert _state(owner) == before
    for entity in ("contacts", "invitations", "interactions"):
        assert set(summary.counts[entity]) == {"unchanged"}, entity


def test_loose_csv_files_import_like_the_zip(owner, other_user, fixtures):
    linkedin_import(other_user, fixtures / ZIP)
    for name in ("Connections.csv", "Invitations.csv", "messages.csv"):
        linkedin_import(owner, fixtures / "linkedin" / name)
    assert _state(owner) == _state(other_user)


def test_a_newer_export_updates_jobs_and_accepts_pending_invitations(owner, tmp_path, fixtures):
    linkedin_import(owner, fixtures / ZIP)
    declined = Invitation.objects.get(owner=owner, name="Oluwaseun Bakare")
    declined.status = "declined"
    declined.save()
    newer = tmp_path / "Connections.csv"
    newer.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Zoë,Ångström,https://www.linkedin.com/in/zoe-angstrom-fake,,Fjord Data,Chief Data Officer,02 Mar 2026\n"
        "Lukas,Becker,https://www.linkedin.com/in/lukas-becker-fake,,Example GmbH,CTO,20 Mar 2026\n"
        "Oluwaseun,Bakare,https://www.linkedin.com/in/oluwaseun-bakare-fake,,,,21 Mar 2026\n",
        encoding="utf-8",
    )
    summary = linkedin_import(owner, newer)
    assert summary.counts["contacts"] == {"updated": 1, "created": 2}
    assert Contact.objects.get(owner=owner, full_name="Zoë Ångström").company == "Fjord Data"

    linkedin_import(owner, fixtures / "linkedin" / "Invitations.csv")
    assert Invitation.objects.get(owner=owner, name="Lukas Becker").status == "accepted"
    # The owner's own decision stands.
    assert Invitation.objects.get(owner=owner, name="Oluwaseun Bakare").status == "declined"
    assert Invitation.objects.filter(owner=owner).count() == 10


def test_an_existing_contact_is_matched_not_duplicated(owner, fixtures):
    by_url = ContactFactory(
        owner=owner,
        full_name="Z. Angstrom",
        linkedin_url="https://www.linkedin.com/in/zoe-angstrom-fake",
        company="",
    )
    by_email = ContactFactory(owner=owner, full_name="Pepe", email="jose.nunez@example.com")
    by_name = ContactFactory(owner=owner, full_name="Marcus Chen", company="Wayne Enterprises")
    linkedin_import(owner, fixtures / "linkedin" / "Connections.csv")
    assert Contact.objects.filter(owner=owner).count() == 24
    by_url.refresh_from_db()
    by_email.refresh_from_db()
    by_name.refresh_from_db()
    assert (by_url.full_name, by_url.company, by_url.linkedin_status) == (
        "Z. Angstrom",
        "Nordlys Analytics AB",
        "connected",
    )
    assert by_email.linkedin_url == "https://www.linkedin.com/in/jose-nunez-fake-4b1a"
    assert by_name.linkedin_url == "https://www.linkedin.com/in/marcus-chen-fake"


def test_another_users_network_is_never_touched(owner, other_user, fixtures):
    theirs = ContactFactory(
        owner=other_user,
        full_name="Zoë Ångström",
        linkedin_url="https://www.linkedin.com/in/zoe-angstrom-fake",
    )
    InvitationFactory(owner=other_user)
    linkedin_import(owner, fixtures / ZIP)
    theirs.refresh_from_db()
    assert theirs.linkedin_status == "not_connected"
    assert Contact.objects.filter(owner=other_user).count() == 1
    assert not Interaction.objects.filter(owner=other_user).exists()


CONNECTIONS_2018 = (
    "First Name,Last Name,Email Address,Company,Position,Connected On\n"
    '"Ann","Old","ann@example.org","Acme, Inc.","CEO","6/30/18, 2:07 PM"\n'
    "Bob,Older,,,,1/2/18\n"
)


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (CONNECTIONS_2018, "utf-8"),  # 2018: no preamble, no URL column, US dates with a time
        ("\ufeff" + CONNECTIONS_2018.replace("\n", "\r\n"), "utf-8"),  # Excel: BOM and CRLF
        (
            CONNECTIONS_2018.replace("Ann", "Änn").replace("6/30/18, 2:07 PM", "30-Jun-18"),
            "cp1252",
        ),  # Excel, Windows
    ],
    ids=["2018", "excel-bom-crlf", "excel-cp1252"],
)
def test_older_and_re_saved_connection_files(owner, tmp_path, content, encoding):
    path = tmp_path / "Connections.csv"
    path.write_bytes(content.encode(encoding))
    summary = linkedin_import(owner, path)
    assert summary.counts["contacts"]["created"] == 2
    ann = Contact.objects.get(owner=owner, email="ann@example.org")
    assert ann.full_name in {"Ann Old", "Änn Old"}
    assert (ann.company, ann.connected_on) == ("Acme, Inc.", datetime.date(2018, 6, 30))


def test_invitations_with_a_bare_profile_address_count_it_as_missing(owner, tmp_path):
    path = tmp_path / "Invitations.csv"
    path.write_text(
        "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n"
        'Kim Lee,Me Myself,"3/1/26, 4:12 PM",,INCOMING,https://www.linkedin.com/in,https://www.linkedin.com/in\n'
        'Kim Lee,Me Myself,"3/1/26, 4:12 PM",,SIDEWAYS,,\n',
        encoding="utf-8",
    )
    summary = linkedin_import(owner, path)
    invitation = Invitation.objects.get(owner=owner)
    assert (invitation.name, invitation.profile_url, invitation.sent_at.date()) == (
        "Kim Lee",
        "",
        datetime.date(2026, 3, 1),
    )
    assert summary.skipped[0]["line"] == 3
    assert "SIDEWAYS" in summary.skipped[0]["reason"]


def test_messages_from_an_older_export_without_profile_columns(owner, tmp_path):
    ContactFactory(owner=owner, full_name="Ann Old")
    path = tmp_path / "Messages.csv"
    path.write_text(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,TO,DATE,SUBJECT,CONTENT,FOLDER\n"
        "c1,,Ann Old,Me Myself,2019-05-02 10:00:00 UTC,,Hi,INBOX\n"
        "c1,,Me Myself,Ann Old,2019-05-02 09:00:00 UTC,,Hello,INBOX\n"
        "c1,,Me Myself,Ann Old,2019-05-03 09:00:00 UTC,,Draft,DRAFT\n",
        encoding="utf-8",
    )
    summary = linkedin_import(owner, path)
    interaction = Interaction.objects.get(owner=owner)
    assert (interaction.occurred_on, interaction.kind) == (datetime.date(2019, 5, 2), "message")
    assert summary.skipped[0]["reason"] == "A draft, never sent."


def _zip(tmp_path, members: dict[str, bytes], name="export.zip"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def test_a_zip_with_the_files_in_a_subfolder_and_capitalised_messages(owner, tmp_path, fixtures):
    data = {
        name: (fixtures / "linkedin" / name).read_bytes()
        for name in ("Connections.csv", "Invitations.csv", "messages.csv")
    }
    path = _zip(
        tmp_path,
        {
            "Basic_LinkedInDataExport_01-02-2026/Connections.csv": data["Connections.csv"],
            "Basic_LinkedInDataExport_01-02-2026/Invitations.csv": data["Invitations.csv"],
            "Basic_LinkedInDataExport_01-02-2026/Messages.csv": data["messages.csv"],
            "Basic_LinkedInDataExport_01-02-2026/Profile.csv": b"whatever",
        },
    )
    summary = linkedin_import(owner, path)
    assert summary.counts["interactions"]["created"] == 21


def _refused(owner, path, *words):
    with pytest.raises(ImportFileError) as error:
        linkedin_import(owner, path)
    for word in words:
        assert word in str(error.value), str(error.value)
    assert not Contact.objects.filter(owner=owner).exists()
    assert not Invitation.objects.filter(owner=owner).exists()


def test_bad_files_are_refused_with_a_reason_and_change_nothing(owner, tmp_path, fixtures):
    not_zip = tmp_path / "export.zip"
    not_zip.write_bytes(b"this is not a zip")
    _refused(owner, not_zip, "export.zip", "not a complete zip")

    truncated = tmp_path / "cut.zip"
    truncated.write_bytes((fixtures / ZIP).read_bytes()[:2000])
    _refused(owner, truncated, "cut.zip")

    _refused(
        owner, _zip(tmp_path, {"Profile.csv": b"a,b\n"}, "other.zip"), "holds none of the files"
    )
    _refused(
        owner,
        _zip(tmp_path, {"../../etc/Connections.csv": b"x"}, "evil.zip"),
        "tries to leave the archive",
    )

    odd = tmp_path / "Connections.csv"
    odd.write_text("Name,Company\nAnn,Acme\n", encoding="utf-8")
    _refused(owner, odd, "Connections.csv", "First Name")

    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    _refused(owner, binary, "photo.csv")


def test_a_zip_bomb_is_refused(owner, tmp_path, monkeypatch):
    monkeypatch.setattr("portability.linkedin.MAX_UNZIPPED_BYTES", 1_000_000)
    header = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    _refused(
        owner,
        _zip(
            tmp_path, {"Connections.csv": header + b"A,B,,,,,02 Mar 2026\n" * 100_000}, "bomb.zip"
        ),
        "expands to more",
    )


def test_a_file_that_fails_half_way_leaves_everything_as_it_was(owner, tmp_path, fixtures):
    good = (fixtures / "linkedin" / "Connections.csv").read_bytes()
    broken_messages = b'"CONVERSATION ID","CONVERSATION TITLE","FROM","SENDER PROFILE URL","TO","RECIPIENT PROFILE URLS","DATE","SUBJECT","CONTENT","FOLDER"\n"c1","","A","","B","","2026-01-01 10:00:00 UTC","","unterminated'
    path = _zip(tmp_path, {"Connections.csv": good, "messages.csv": broken_messages})
    with pytest.raises(ImportFileError, match=r"messages\.csv"):
        linkedin_import(owner, path)
    assert not Contact.objects.filter(owner=owner).exists()


def test_the_command_prints_a_summary_and_fails_clearly(owner, fixtures, tmp_path):
    out = io.StringIO()
    call_command("import_linkedin", "--user", owner.username, str(fixtures / ZIP), stdout=out)
    assert "contacts: 24 created" in out.getvalue()
    assert "skipped: 5" in out.getvalue()

    bad = tmp_path / "bad.csv"
    bad.write_text("nothing useful\n")
    with pytest.raises(CommandError, match=r"bad\.csv"):
        call_command("import_linkedin", "--user", owner.username, str(bad))
    with pytest.raises(CommandError, match="no user"):
        call_command("import_linkedin", "--user", "nobody", str(bad))


def _days(owner) -> list[tuple[str, datetime.date, str]]:
    return sorted(
        Interaction.objects.filter(owner=owner).values_list(
            "contact__full_name", "occurred_on", "initiated_by"
        )
    )


def test_the_2018_messages_file_lands_on_people_by_name_per_day(owner, fixtures):
    linkedin_import(owner, fixtures / "linkedin" / "Connections.csv")
    summary = linkedin_import(owner, fixtures / "linkedin" / "messages_2018.csv")
    assert _days(owner) == [
        ("José Núñez", datetime.date(2018, 12, 24), "me"),
        ("Liam O'Connor", datetime.date(2018, 7, 3), "them"),
        ("Marcus Chen", datetime.date(2018, 7, 2), "them"),
        ("Marcus Chen", datetime.date(2018, 7, 3), "me"),
        ("Zoë Ångström", datetime.date(2018, 6, 30), "me"),
    ]
    assert summary.skipped[0]["line"] == 8
    assert summary.skipped[0]["reason"] == "Recruiter Bot is not in your contacts."


def test_the_early_2020_messages_file_with_upper_case_columns_and_iso_dates(owner, fixtures):
    linkedin_import(owner, fixtures / "linkedin" / "Connections.csv")
    linkedin_import(owner, fixtures / "linkedin" / "messages_2020.csv")
    assert _days(owner) == [
        ("Hannah Schmidt", datetime.date(2019, 11, 6), "me"),
        ("Kwame Mensah", datetime.date(2019, 12, 1), "them"),
        ("Kwame Mensah", datetime.date(2019, 12, 3), "me"),
    ]


def test_a_one_to_one_chat_named_without_recipient_urls_is_not_a_group(owner, tmp_path):
    ContactFactory(
        owner=owner, full_name="Grace Hopper", linkedin_url="https://www.linkedin.com/in/grace-h"
    )
    messages = tmp_path / "messages.csv"
    messages.write_text(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,"
        "FOLDER\n"
        "2-abc,,Grace Hopper,https://www.linkedin.com/in/grace-h,Erin Owner,"
        "2020-06-30 14:10:00 UTC,,Hello &amp; welcome,INBOX\n"
        "2-abc,,Erin Owner,https://www.linkedin.com/in/erin-owner,Grace Hopper,"
        "2020-06-30 15:10:00 UTC,,Thanks,SENT\n"
    )

    linkedin_import(owner, messages)

    interaction = Interaction.objects.get(owner=owner)
    assert (interaction.contact.full_name, interaction.kind) == ("Grace Hopper", "message")
    assert interaction.initiated_by == "them"


def test_a_2018_export_zip_imports_and_imports_again_unchanged(owner, tmp_path, fixtures):
    path = _zip(
        tmp_path,
        {
            "Connections.csv": (fixtures / "linkedin" / "Connections.csv").read_bytes(),
            "Messages.csv": (fixtures / "linkedin" / "messages_2018.csv").read_bytes(),
        },
    )
    linkedin_import(owner, path)
    before = _state(owner)
    again = linkedin_import(owner, path)
    assert _state(owner) == before
    assert set(again.counts["interactions"]) == {"unchanged"}
    assert len(before[2]) == 5
