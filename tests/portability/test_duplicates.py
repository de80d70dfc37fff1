import datetime
import io
import json
import random
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from interactions.models import FollowUp, Interaction
from interactions.stats import contacts_refresh_interaction_stats
from invitations.models import Invitation
from network.models import Contact, Tag
from portability.duplicates import contacts_merge, duplicate_pairs
from portability.full_export import data_export_chunks, data_import
from portability.linkedin import linkedin_import
from portability.vcard import vcard_import
from tests.factories import (
    ContactFactory,
    FollowUpFactory,
    InteractionFactory,
    InvitationFactory,
    TagFactory,
    UserFactory,
)


def _names(pairs) -> list[tuple[str, str]]:
    return [(pair.first.full_name, pair.second.full_name) for pair in pairs]


def _png(name: str = "face.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# Finding pairs


def test_the_same_email_in_any_case_is_a_pair(owner):
    ana = ContactFactory(owner=owner, full_name="Ana Lima", email="Ana@Example.org")
    work = ContactFactory(owner=owner, full_name="A. Lima-Souza", email="ana@example.org ")

    [pair] = duplicate_pairs(owner)

    assert (pair.first, pair.second) == (ana, work)
    assert pair.reason == "Same email: ana@example.org"


def test_similar_names_at_the_same_company_are_a_pair_with_the_reason_in_words(owner):
    ContactFactory(owner=owner, full_name="Jon Smith", company="Acme")
    ContactFactory(owner=owner, full_name="John Smith", company="acme")

    [pair] = duplicate_pairs(owner)

    assert pair.reason == "Similar names: “Jon Smith” and “John Smith” (95% alike), both at Acme"


def test_the_same_name_written_differently_is_a_pair(owner):
    ContactFactory(owner=owner, full_name="Ana Lima", company="")
    ContactFactory(owner=owner, full_name="LIMA, Ana", company="Acme")
    ContactFactory(owner=owner, full_name="José Álvarez", company="")
    ContactFactory(owner=owner, full_name="Jose Alvarez", company="")

    reasons = sorted(pair.reason for pair in duplicate_pairs(owner))

    assert reasons == [
        "Similar names: “Ana Lima” and “LIMA, Ana” (100% alike)",
        "Similar names: “José Álvarez” and “Jose Alvarez” (100% alike)",
    ]


def test_an_exact_same_name_is_a_pair_even_at_different_companies(owner):
    ContactFactory(owner=owner, full_name="Ana Lima", company="Acme")
    ContactFactory(owner=owner, full_name="ana  lima", company="Globex")

    [pair] = duplicate_pairs(owner)

    assert pair.reason == "Same name: “Ana Lima”, at Acme and at Globex"


def test_similar_names_at_different_companies_are_not_a_pair(owner):
    ContactFactory(owner=owner, full_name="Jon Smith", company="Acme")
    ContactFactory(owner=owner, full_name="John Smith", company="Globex")
    ContactFactory(owner=owner, full_name="Maria Berg", company="")
    ContactFactory(owner=owner, full_name="Mario Borg", company="")

    assert duplicate_pairs(owner) == []


def test_namesakes_with_different_linkedin_profiles_are_never_a_pair(owner):
    ContactFactory(
        owner=owner,
        full_name="David Chen",
        company="Acme",
        email="david@acme.example",
        linkedin_url="https://www.linkedin.com/in/david-chen-1",
    )
    ContactFactory(
        owner=owner,
        full_name="David Chen",
        company="Acme",
        email="david@acme.example",
        linkedin_url="https://www.linkedin.com/in/david-chen-2",
    )
    no_profile = ContactFactory(owner=owner, full_name="David Chen", company="Acme")

    pairs = duplicate_pairs(owner)

    assert len(pairs) == 2
    assert all(no_profile in (pair.first, pair.second) for pair in pairs)


def test_pairs_come_strongest_first_and_each_once(owner):
    # Same email and similar names: one pair, for the email.
    ContactFactory(owner=owner, full_name="Kari Nordmann", email="kari@example.org")
    ContactFactory(owner=owner, full_name="Kari Nordman", email="kari@example.org")
    # Three people sharing an email: three pairs, not six.
    for name in ("Team Desk", "Help Desk", "Office"):
        ContactFactory(owner=owner, full_name=name, email="desk@example.org")
    ContactFactory(owner=owner, full_name="Jon Smith", company="")
    ContactFactory(owner=owner, full_name="John Smith", company="")
    ContactFactory(owner=owner, full_name="Per Hansen", company="Acme")
    ContactFactory(owner=owner, full_name="Per Hanssen", company="Acme")
    ContactFactory(owner=owner, full_name="Old Archived", email="old@example.org", is_archived=True)
    ContactFactory(owner=owner, full_name="Old Active", email="old@example.org")

    pairs = duplicate_pairs(owner)

    assert _names(pairs) == [
        ("Kari Nordmann", "Kari Nordman"),
        ("Team Desk", "Help Desk"),
        ("Team Desk", "Office"),
        ("Help Desk", "Office"),
        ("Old Archived", "Old Active"),
        ("Per Hansen", "Per Hanssen"),  # 95% alike plus the same company
        ("Jon Smith", "John Smith"),  # 95% alike, companies unknown
    ]
    assert len({frozenset((p.first.pk, p.second.pk)) for p in pairs}) == len(pairs)
    assert _names(duplicate_pairs(owner, limit=2)) == _names(pairs)[:2]


def test_a_dismissed_pair_is_not_shown_again(owner):
    jon = ContactFactory(owner=owner, full_name="Jon Smith")
    john = ContactFactory(owner=owner, full_name="John Smith")
    ContactFactory(owner=owner, full_name="Per Hansen")
    ContactFactory(owner=owner, full_name="Per Hanssen")

    pairs = duplicate_pairs(owner, dismissed={frozenset((john.pk, jon.pk))})

    assert _names(pairs) == [("Per Hansen", "Per Hanssen")]


def test_another_users_contacts_are_never_paired_with_the_owners(owner, other_user):
    ContactFactory(owner=owner, full_name="Jon Smith", email="jon@example.org")
    ContactFactory(
        owner=other_user,
        full_name="Jon Smith",
        email="jon@example.org",
        linkedin_url="https://www.linkedin.com/in/jon-smith",
    )
    ContactFactory(owner=other_user, full_name="John Smith", email="jon@example.org")

    assert duplicate_pairs(owner) == []
    assert len(duplicate_pairs(other_user)) == 1


def test_two_thousand_contacts_take_a_fixed_number_of_queries(owner, django_assert_max_num_queries):
    rng = random.Random(7)
    first = ["Ana", "Per", "Kari", "Jon", "Maria", "Liam", "Noor", "Sven", "Ines", "Omar"]
    last = ["Lima", "Hansen", "Berg", "Smith", "Costa", "Haddad", "Kowalski", "Tanaka"]
    Contact.objects.bulk_create(
        Contact(
            owner=owner,
            full_name=f"{rng.choice(first)} {rng.choice(last)}{n:04}",
            company=f"Company {n % 40}",
            email=f"person{n}@example.org",
        )
        for n in range(2000)
    )
    twin = Contact.objects.filter(owner=owner).order_by("pk")[500]
    ContactFactory(owner=owner, full_name=twin.full_name.upper(), company=twin.company)

    # One for the contacts' names, companies and addresses, one for the contacts shown.
    with django_assert_max_num_queries(2):
        pairs = duplicate_pairs(owner)

    assert (pairs[0].first, pairs[0].reason) == (
        twin,
        f"Same name: “{twin.full_name}”, both at {twin.company}",
    )


# Merging


def test_a_merge_keeps_every_interaction_invitation_follow_up_and_tag(owner):
    keep = ContactFactory(owner=owner, full_name="Jon Smith")
    other = ContactFactory(owner=owner, full_name="John Smith")
    shared_tag, keep_tag, other_tag = TagFactory.create_batch(3, owner=owner)
    keep.tags.add(shared_tag, keep_tag)
    other.tags.add(shared_tag, other_tag)
    interactions = [
        InteractionFactory(owner=owner, contact=keep),
        *InteractionFactory.create_batch(
            2,
            owner=owner,
            contact=other,
            kind=Interaction.Kind.CALL,
            occurred_on=datetime.date(2020, 1, 1),
        ),
        InteractionFactory(owner=owner, contact=other, batch=uuid.uuid4()),
    ]
    invitations = [
        InvitationFactory(owner=owner, contact=keep),
        InvitationFactory(owner=owner, contact=other),
    ]
    follow_ups = [
        FollowUpFactory(owner=owner, contact=keep),
        FollowUpFactory(owner=owner, contact=other, interaction=interactions[1]),
    ]

    merged = contacts_merge(owner, keep, other)

    assert merged.pk == keep.pk
    assert not Contact.objects.filter(pk=other.pk).exists()
    assert set(merged.interactions.all()) == set(interactions)
    assert set(merged.invitations.all()) == set(invitations)
    assert set(merged.follow_ups.all()) == set(follow_ups)
    assert FollowUp.objects.get(pk=follow_ups[1].pk).interaction == interactions[1]
    assert set(merged.tags.all()) == {shared_tag, keep_tag, other_tag}
    assert Tag.objects.filter(owner=owner).count() == 3
    assert (merged.in_person_count, merged.other_interaction_count) == (2, 2)
    assert merged.last_interaction_on == interactions[0].occurred_on


def test_a_merge_fills_blanks_joins_notes_and_keeps_the_strongest_status(owner):
    keep = ContactFactory(
        owner=owner,
        full_name="Jon Smith",
        company="",
        title="CTO",
        notes="Likes sailing.",
        is_archived=True,
        linkedin_status=Contact.LinkedInStatus.INVITED,
    )
    other = ContactFactory(
        owner=owner,
        full_name="John Smith",
        company="Acme",
        title="Engineer",
        email="john@example.org",
        phone="+47 400 00 000",
        location="Oslo",
        how_we_met="Met at PyCon",
        notes="Two kids.",
        closeness=Contact.Closeness.FRIENDLY,
        connected_on=datetime.date(2021, 5, 4),
        linkedin_status=Contact.LinkedInStatus.CONNECTED,
        linkedin_url="https://www.linkedin.com/in/john-smith",
    )

    merged = contacts_merge(owner, keep, other)

    assert merged.full_name == "Jon Smith"
    assert (merged.company, merged.title, merged.email, merged.phone) == (
        "Acme",
        "CTO",
        "john@example.org",
        "+47 400 00 000",
    )
    assert (merged.location, merged.how_we_met) == ("Oslo", "Met at PyCon")
    assert merged.closeness == Contact.Closeness.FRIENDLY
    assert merged.connected_on == datetime.date(2021, 5, 4)
    assert merged.linkedin_url == "https://www.linkedin.com/in/john-smith"
    assert merged.linkedin_status == Contact.LinkedInStatus.CONNECTED
    assert merged.notes == "Likes sailing.\n\nTwo kids."
    assert merged.is_archived is False


def test_a_merge_keeps_the_other_contact_details_it_cannot_fill_in_the_notes(owner):
    keep = ContactFactory(
        owner=owner,
        full_name="Jon Smith",
        email="jon@work.example",
        linkedin_url="https://www.linkedin.com/in/jon-smith",
        linkedin_status=Contact.LinkedInStatus.CONNECTED,
    )
    other = ContactFactory(
        owner=owner,
        full_name="John Smith",
        email="john@home.example",
        linkedin_url="https://www.linkedin.com/in/john-smith-2",
        linkedin_status=Contact.LinkedInStatus.REMOVED,
    )

    merged = contacts_merge(owner, keep, other)

    assert merged.email == "jon@work.example"
    assert merged.linkedin_url == "https://www.linkedin.com/in/jon-smith"
    assert merged.linkedin_status == Contact.LinkedInStatus.CONNECTED
    assert merged.notes == (
        "Also had, as “John Smith”: email john@home.example, "
        "LinkedIn https://www.linkedin.com/in/john-smith-2"
    )


def test_a_merge_moves_the_photo_and_removes_the_other_photo_once_saved(
    owner, django_capture_on_commit_callbacks
):
    keep = ContactFactory(owner=owner, full_name="Jon Smith")
    other = ContactFactory(owner=owner, full_name="John Smith", photo=_png())
    moved = other.photo.name

    merged = contacts_merge(owner, keep, other)

    assert merged.photo.name == moved
    assert merged.photo.storage.exists(moved)

    third = ContactFactory(owner=owner, full_name="J. Smith", photo=_png("other.png"))
    dropped = third.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        merged = contacts_merge(owner, merged, third)

    assert merged.photo.name == moved
    assert not merged.photo.storage.exists(dropped)
    merged.delete()


def test_interactions_of_the_same_logged_meeting_are_not_doubled(owner):
    batch = uuid.uuid4()
    keep = ContactFactory(owner=owner, full_name="Jon Smith")
    other = ContactFactory(owner=owner, full_name="John Smith")
    kept = InteractionFactory(owner=owner, contact=keep, batch=batch, note="Talked about boats.")
    duplicate = InteractionFactory(owner=owner, contact=other, batch=batch, note="Has two kids.")
    follow_up = FollowUpFactory(owner=owner, contact=other, interaction=duplicate)
    elsewhere = InteractionFactory(owner=owner, contact=other, batch=uuid.uuid4())

    merged = contacts_merge(owner, keep, other)

    assert set(merged.interactions.all()) == {kept, elsewhere}
    assert not Interaction.objects.filter(pk=duplicate.pk).exists()
    kept.refresh_from_db()
    assert kept.note == "Talked about boats.\n\nHas two kids."
    follow_up.refresh_from_db()
    assert (follow_up.contact, follow_up.interaction) == (merged, kept)
    assert merged.in_person_count == 2


def _everything(owner) -> tuple:
    return (
        sorted(Contact.objects.filter(owner=owner).values_list("pk", "full_name", "email")),
        sorted(Interaction.objects.filter(owner=owner).values_list("pk", "contact")),
        sorted(Invitation.objects.filter(owner=owner).values_list("pk", "contact")),
        sorted(FollowUp.objects.filter(owner=owner).values_list("pk", "contact")),
        sorted(Contact.tags.through.objects.values_list("contact", "tag")),
    )


def test_a_contact_is_not_merged_with_itself_or_with_another_users(owner, other_user):
    contact = ContactFactory(owner=owner, full_name="Jon Smith")
    contact.tags.add(TagFactory(owner=owner))
    InteractionFactory(owner=owner, contact=contact)
    InvitationFactory(owner=owner, contact=contact)
    theirs = ContactFactory(owner=other_user, full_name="John Smith", email="j@example.org")
    InteractionFactory(owner=other_user, contact=theirs)
    before = _everything(owner), _everything(other_user)

    with pytest.raises(ValueError, match="itself"):
        contacts_merge(owner, contact, contact)
    with pytest.raises(ValueError, match="your own"):
        contacts_merge(owner, contact, theirs)
    with pytest.raises(ValueError, match="your own"):
        contacts_merge(owner, theirs, contact)
    with pytest.raises(ValueError, match="your own"):
        contacts_merge(other_user, contact, theirs)

    assert (_everything(owner), _everything(other_user)) == before


# The duplicates page


def test_the_page_shows_both_records_side_by_side_with_what_differs_highlighted(
    owner_client, owner
):
    first = ContactFactory(
        owner=owner, full_name="Nora Solberg", company="Equinor", email="nora@example.org"
    )
    second = ContactFactory(
        owner=owner,
        full_name="Nora Solberg",
        company="Statkraft",
        email="",
        source=Contact.Source.LINKEDIN,
    )
    InteractionFactory(owner=owner, contact=second, occurred_on=datetime.date(2026, 3, 12))
    InteractionFactory(owner=owner, contact=second, occurred_on=datetime.date(2026, 2, 1))
    contacts_refresh_interaction_stats([first.pk, second.pk])

    response = owner_client.get(reverse("portability:duplicates"))
    page = response.content.decode()
    [pair] = response.context["pairs"]
    rows = {row.name: row for row in pair.comparisons()}

    assert (rows["company"].first, rows["company"].second) == ("Equinor", "Statkraft")
    assert rows["company"].differs and rows["company"].is_choice
    assert rows["email"].differs and not rows["email"].is_choice  # a blank is simply filled
    assert not rows["full_name"].differs
    assert (rows["source"].first, rows["source"].second) == ("Added by hand", "LinkedIn import")
    assert (rows["interaction_count"].first, rows["interaction_count"].second) == ("0", "2")
    assert rows["last_interaction_on"].second == "12 Mar 2026"
    assert page.count('class="field-differs"') == 5  # company, email, source, count, last
    assert 'name="pick_company" value="other"' in page
    assert "Keep Nora Solberg" not in page
    assert "style=" not in page


def test_the_owner_picks_field_by_field_which_value_is_kept(owner_client, owner):
    first = ContactFactory(
        owner=owner,
        full_name="Jon Smith",
        company="Acme",
        title="CTO",
        email="jon@work.example",
        linkedin_status=Contact.LinkedInStatus.CONNECTED,
    )
    second = ContactFactory(
        owner=owner,
        full_name="John Smith",
        company="Globex",
        title="Engineer",
        email="john@home.example",
        linkedin_status=Contact.LinkedInStatus.INVITED,
    )
    response = owner_client.post(
        reverse("portability:duplicates-merge"),
        {
            "keep": first.pk,
            "other": second.pk,
            "pick_full_name": "other",
            "pick_company": "other",
            "pick_title": "keep",
            "pick_email": "other",
            "pick_linkedin_status": "other",
            "pick_notes": "other",
        },
        follow=True,
    )

    merged = Contact.objects.get(owner=owner)
    assert merged.pk == first.pk
    assert (merged.full_name, merged.company, merged.title) == ("John Smith", "Globex", "CTO")
    assert merged.email == "john@home.example"
    assert merged.linkedin_status == Contact.LinkedInStatus.INVITED
    assert merged.notes == "Also had, as “Jon Smith”: email jon@work.example"
    assert "Jon Smith and John Smith are now one person, John Smith" in response.content.decode()


def test_the_stronger_linkedin_status_wins_only_when_the_owner_did_not_choose(owner):
    first = ContactFactory(
        owner=owner, full_name="Jon Smith", linkedin_status=Contact.LinkedInStatus.INVITED
    )
    second = ContactFactory(
        owner=owner, full_name="John Smith", linkedin_status=Contact.LinkedInStatus.CONNECTED
    )
    merged = contacts_merge(owner, first, second, take_from_other=set())
    assert (merged.full_name, merged.linkedin_status) == ("Jon Smith", "invited")
    third = ContactFactory(
        owner=owner, full_name="J. Smith", linkedin_status=Contact.LinkedInStatus.CONNECTED
    )
    assert contacts_merge(owner, merged, third).linkedin_status == "connected"


def test_each_import_records_where_its_people_came_from(owner, other_user, fixtures):
    linkedin_import(owner, fixtures / "linkedin/Complete_LinkedInDataExport_03-14-2026.zip")
    vcard_import(other_user, fixtures / "contacts/contacts.vcf")
    hand = ContactFactory(owner=owner, full_name="Added Here")
    document = json.loads("".join(data_export_chunks(other_user)))
    for item in document["contacts"][:2]:
        del item["source"]  # a document from before Kith kept where people came from
    third = UserFactory(username="third")
    data_import(third, document)

    assert set(
        Contact.objects.filter(owner=owner).exclude(pk=hand.pk).values_list("source", flat=True)
    ) == {"linkedin"}
    assert hand.source == "hand"
    assert set(Contact.objects.filter(owner=other_user).values_list("source", flat=True)) == {
        "vcard"
    }
    assert sorted(Contact.objects.filter(owner=third).values_list("source", flat=True)) == [
        "json",
        "json",
        *["vcard"] * 5,
    ]
    assert "name_key" not in document["contacts"][0]
