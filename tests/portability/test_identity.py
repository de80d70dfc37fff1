"""Who is who in an import: a network of thousands has many namesakes, and merging two of them
is data loss. One person per profile address; names decide only when nothing else can."""

import csv
import datetime
import io
from collections import defaultdict

import pytest
from django.db.models import Count

from interactions.models import Interaction
from network.models import Contact
from portability.linkedin import linkedin_import
from portability.management.commands.benchmark_linkedin import (
    CONNECTIONS_HEADER,
    MESSAGES_HEADER,
    linkedin_export_generate,
)
from tests.factories import ContactFactory

OWNER_URL = "https://www.linkedin.com/in/the-owner"


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _homonym_export(tmp_path, connections: int = 1500):
    """benchmark_linkedin's export at a test's size: 600 names over 8 companies, so that many
    people share their name, and some their name and company, with others.

    Returns the export's zip and, per profile address, the days its person was messaged on."""
    path, talks = linkedin_export_generate(tmp_path, connections, messages=2 * connections)
    expected: dict[str, set[datetime.date]] = defaultdict(set)
    for _, url, day in talks:
        expected[url].add(day)
    return path, expected


def _messaged_days(owner) -> dict[str, set[datetime.date]]:
    days = defaultdict(set)
    for url, day in Interaction.objects.filter(owner=owner).values_list(
        "contact__linkedin_url", "occurred_on"
    ):
        days[url].add(day)
    return days


def test_every_connection_row_of_a_homonym_heavy_export_is_its_own_person(owner, tmp_path):
    export, expected = _homonym_export(tmp_path)
    summary = linkedin_import(owner, export)

    contacts = Contact.objects.filter(owner=owner)
    assert contacts.count() == 1500
    assert contacts.values("linkedin_url").distinct().count() == 1500
    shared = contacts.values("full_name", "company").annotate(n=Count("pk")).filter(n__gt=1)
    assert shared.count() > 50  # namesakes at one company, kept apart
    assert _messaged_days(owner) == expected
    assert summary.skipped_total == 0


def test_importing_the_homonym_heavy_export_again_changes_nothing(owner, tmp_path):
    export, _ = _homonym_export(tmp_path, connections=600)
    linkedin_import(owner, export)
    before = set(Contact.objects.filter(owner=owner).values_list("pk", "linkedin_url", "email"))
    interactions = Interaction.objects.filter(owner=owner).count()

    again = linkedin_import(owner, export)
    assert dict(again.counts["contacts"]) == {"unchanged": 600}
    assert set(again.counts["interactions"]) == {"unchanged"}
    assert set(Contact.objects.filter(owner=owner).values_list("pk", "linkedin_url", "email")) == (
        before
    )
    assert Interaction.objects.filter(owner=owner).count() == interactions


def _connections(tmp_path, *rows: list[str]):
    path = tmp_path / "Connections.csv"
    path.write_text(_csv([CONNECTIONS_HEADER, *rows]), encoding="utf-8")
    return path


def test_the_same_email_is_the_same_person_whatever_the_name(owner, tmp_path):
    ann = ContactFactory(owner=owner, full_name="Ann Lee", email="ann@example.org")
    path = _connections(
        tmp_path,
        ["Annie", "Lee-Park", "linkedin.com/in/annie", "ANN@example.org", "", "", "02 Mar 2026"],
    )
    linkedin_import(owner, path)
    ann.refresh_from_db()
    assert Contact.objects.filter(owner=owner).count() == 1
    assert ann.linkedin_url == "https://www.linkedin.com/in/annie"


def test_the_same_email_with_another_profile_is_another_person(owner, tmp_path):
    ContactFactory(
        owner=owner,
        full_name="David Chen",
        company="Acme",
        email="team@acme.example",
        linkedin_url="https://www.linkedin.com/in/david-chen-1",
    )
    path = _connections(
        tmp_path,
        [
            "David",
            "Chen",
            "linkedin.com/in/david-chen-2",
            "team@acme.example",
            "Acme",
            "",
            "02 Mar 2026",
        ],
    )
    summary = linkedin_import(owner, path)
    assert summary.counts["contacts"]["created"] == 1
    assert sorted(Contact.objects.filter(owner=owner).values_list("linkedin_url", flat=True)) == [
        "https://www.linkedin.com/in/david-chen-1",
        "https://www.linkedin.com/in/david-chen-2",
    ]


def test_two_rows_with_the_same_name_and_company_but_two_profiles_stay_two_people(owner, tmp_path):
    path = _connections(
        tmp_path,
        ["Wei", "Chen", "linkedin.com/in/wei-1", "", "Acme", "CTO", "02 Mar 2026"],
        ["Wei", "Chen", "linkedin.com/in/wei-2", "", "Acme", "Intern", "03 Mar 2026"],
    )
    linkedin_import(owner, path)
    assert sorted(Contact.objects.filter(owner=owner).values_list("title", flat=True)) == [
        "CTO",
        "Intern",
    ]


def test_a_name_only_one_contact_has_fills_in_that_contact(owner, tmp_path):
    lena = ContactFactory(owner=owner, full_name="Lena Fjeld", company="")
    path = _connections(
        tmp_path, ["Lena", "Fjeld", "linkedin.com/in/lena", "", "Fjord AS", "", "02 Mar 2026"]
    )
    linkedin_import(owner, path)
    lena.refresh_from_db()
    assert Contact.objects.filter(owner=owner).count() == 1
    assert (lena.linkedin_url, lena.company) == ("https://www.linkedin.com/in/lena", "Fjord AS")


def test_a_name_two_contacts_share_is_never_guessed(owner, tmp_path):
    ContactFactory(owner=owner, full_name="Maria Garcia", company="")
    ContactFactory(owner=owner, full_name="Maria Garcia", company="")
    path = _connections(
        tmp_path, ["Maria", "Garcia", "linkedin.com/in/maria", "", "", "", "02 Mar 2026"]
    )
    summary = linkedin_import(owner, path)
    assert summary.counts["contacts"]["created"] == 1
    marias = Contact.objects.filter(owner=owner, full_name="Maria Garcia")
    assert sorted(marias.values_list("linkedin_url", flat=True)) == [
        "",
        "",
        "https://www.linkedin.com/in/maria",
    ]


@pytest.mark.parametrize(
    ("existing", "row"),
    [
        ({"company": "Acme"}, {"company": "Globex"}),
        ({"email": "ola@one.example"}, {"email": "ola@two.example"}),
        ({"linkedin_url": "https://www.linkedin.com/in/ola-1"}, {"url": "linkedin.com/in/ola-2"}),
    ],
    ids=["other-company", "other-email", "other-profile"],
)
def test_a_namesake_with_something_conflicting_is_another_person(owner, tmp_path, existing, row):
    ContactFactory(owner=owner, full_name="Ola Nord", **existing)
    values = {"url": "", "email": "", "company": "", **row}
    path = _connections(
        tmp_path,
        ["Ola", "Nord", values["url"], values["email"], values["company"], "", "02 Mar 2026"],
    )
    linkedin_import(owner, path)
    assert Contact.objects.filter(owner=owner, full_name="Ola Nord").count() == 2


def test_a_message_lands_on_the_namesake_whose_profile_sent_it(owner, tmp_path):
    first = ContactFactory(
        owner=owner, full_name="Sam Okafor", linkedin_url="https://www.linkedin.com/in/sam-1"
    )
    second = ContactFactory(
        owner=owner, full_name="Sam Okafor", linkedin_url="https://www.linkedin.com/in/sam-2"
    )
    sam = "https://www.linkedin.com/in/sam-2"
    sam_writes = ["c1", "", "Sam Okafor", sam, "Owner", OWNER_URL]
    owner_writes = ["c1", "", "Owner", OWNER_URL, "Sam Okafor", sam]
    path = tmp_path / "messages.csv"
    path.write_text(
        _csv(
            [
                MESSAGES_HEADER,
                [*sam_writes, "2026-02-01 10:00:00 UTC", "", "Hi", "INBOX", ""],
                [*owner_writes, "2026-02-01 11:00:00 UTC", "", "Hello", "INBOX", ""],
            ]
        ),
        encoding="utf-8",
    )
    linkedin_import(owner, path)
    assert not first.interactions.exists()
    assert second.interactions.get().initiated_by == Interaction.Initiator.THEM


def test_a_message_by_name_alone_is_not_given_to_one_of_two_namesakes(owner, tmp_path):
    ContactFactory(owner=owner, full_name="Marcus Chen", company="Wayne")
    ContactFactory(owner=owner, full_name="Marcus Chen", company="Hooli")
    path = tmp_path / "Messages.csv"
    path.write_text(
        "From,To,Date,Subject,Content,Direction,Folder\n"
        'Marcus Chen,Jordan Avery,"7/2/18, 9:05 AM",Intro,Hi,INCOMING,INBOX\n',
        encoding="utf-8",
    )
    summary = linkedin_import(owner, path)
    assert not Interaction.objects.filter(owner=owner).exists()
    assert summary.skipped[0]["reason"].startswith("2 of your contacts are called Marcus Chen")
