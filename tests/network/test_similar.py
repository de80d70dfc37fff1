import datetime

from django.utils import timezone

from network.models import Contact
from network.similar import name_words, similar_contacts
from tests.factories import ContactFactory, UserFactory


def _reasons(owner, **query) -> list[tuple[str, str, bool]]:
    return [
        (similar.contact.full_name, similar.reason, similar.is_clash)
        for similar in similar_contacts(owner, **query)
    ]


def test_a_slightly_different_spelling_is_offered_with_both_names(owner):
    ContactFactory(owner=owner, full_name="Lena Fjeldt", company="Statkraft")
    ContactFactory(owner=owner, full_name="Ola Nordmann")
    assert _reasons(owner, full_name="Lena Fjeld") == [
        ("Lena Fjeldt", "similar name (Lena Fjeld ~ Lena Fjeldt)", False)
    ]


def test_accents_case_spacing_and_word_order_make_the_same_name(owner):
    ContactFactory(owner=owner, full_name="Søren Ødegård")
    ContactFactory(owner=owner, full_name="José García")
    assert _reasons(owner, full_name="  soren   odegard ") == [
        ("Søren Ødegård", "same name", False)
    ]
    assert _reasons(owner, full_name="GARCIA, José") == [("José García", "same name", False)]


def test_the_same_linkedin_profile_is_a_clash_whatever_the_name(owner):
    ContactFactory(
        owner=owner, full_name="Nora Solberg", linkedin_url="https://www.linkedin.com/in/nora"
    )
    assert _reasons(owner, full_name="N. S.", linkedin_url="linkedin.com/in/Nora/?trk=x") == [
        ("Nora Solberg", "same LinkedIn profile", True)
    ]


def test_the_same_email_in_another_case_is_a_clash(owner):
    ContactFactory(owner=owner, full_name="Nora Solberg", email="nora@example.org")
    assert _reasons(owner, full_name="Someone Else", email=" Nora@Example.ORG ") == [
        ("Nora Solberg", "same email", True)
    ]


def test_two_people_with_different_linkedin_profiles_are_never_flagged_by_name(owner):
    ContactFactory(
        owner=owner, full_name="David Chen", linkedin_url="https://www.linkedin.com/in/david-chen-1"
    )
    assert (
        _reasons(
            owner, full_name="David Chen", linkedin_url="https://www.linkedin.com/in/david-chen-2"
        )
        == []
    )


def test_a_shared_email_with_different_profiles_is_shown_but_not_refused(owner):
    ContactFactory(
        owner=owner,
        full_name="David Chen",
        email="team@example.org",
        linkedin_url="https://www.linkedin.com/in/david-chen-1",
    )
    assert _reasons(
        owner,
        full_name="Mei Chen",
        email="team@example.org",
        linkedin_url="https://www.linkedin.com/in/mei-chen",
    ) == [("David Chen", "same email, but a different LinkedIn profile", False)]


def test_strongest_reason_first_and_at_most_the_limit(owner):
    ContactFactory(owner=owner, full_name="Lena Fjeldt")
    ContactFactory(owner=owner, full_name="Lena Fjeld")
    ContactFactory(owner=owner, full_name="Nora Solberg", email="lena@example.org")
    found = _reasons(owner, full_name="Lena Fjeld", email="lena@example.org")
    assert [name for name, _, _ in found] == ["Nora Solberg", "Lena Fjeld", "Lena Fjeldt"]
    assert len(similar_contacts(owner, full_name="Lena Fjeld", limit=1)) == 1


def test_the_person_being_edited_is_not_their_own_duplicate(owner):
    contact = ContactFactory(owner=owner, full_name="Lena Fjeld", email="lena@example.org")
    assert (
        similar_contacts(
            owner, full_name="Lena Fjeld", email="lena@example.org", exclude_pk=contact.pk
        )
        == []
    )


def test_unrelated_names_and_other_owners_contacts_are_not_offered(owner):
    ContactFactory(owner=UserFactory(username="someone"), full_name="Lena Fjeld")
    ContactFactory(owner=owner, full_name="Lars Fjellheim")
    ContactFactory(owner=owner, full_name="Helena Berg")
    assert _reasons(owner, full_name="Lena Fjeld") == []


def test_an_invalid_profile_address_or_an_empty_name_finds_nothing(owner):
    ContactFactory(owner=owner, full_name="Lena Fjeld")
    assert _reasons(owner, full_name="", linkedin_url="http://[::1") == []
    assert _reasons(owner, full_name="?!", email="") == []


def test_what_the_form_shows_is_loaded_in_one_query(owner, django_assert_num_queries):
    Contact.objects.bulk_create(
        Contact(owner=owner, full_name=f"Lena Fjeld{'t' * (n % 3)}", company=f"Company {n}")
        for n in range(300)
    )
    Contact.objects.filter(owner=owner).update(
        stands_for="Wind power", last_interaction_on=timezone.localdate() - datetime.timedelta(1)
    )
    with django_assert_num_queries(1):
        found = similar_contacts(owner, full_name="Lena Fjeld", limit=5)
        shown = [
            (s.contact.company, s.contact.stands_for, s.contact.last_interaction_on) for s in found
        ]
    assert len(shown) == 5
    assert all(similar.reason == "same name" for similar in found)


def test_name_words_fold_what_people_type_differently():
    assert name_words("  Léna  FJELD-Ørn ") == ["lena", "fjeld", "orn"]
    assert name_words("Straße") == ["strasse"]


def test_people_imported_in_bulk_or_renamed_are_found_by_their_new_name(owner):
    Contact.objects.bulk_create([Contact(owner=owner, full_name="Åse Ødegård")])
    imported = Contact.objects.get(owner=owner)
    assert _reasons(owner, full_name="Ase Odegard") == [("Åse Ødegård", "same name", False)]
    imported.full_name = "Åse Lie"
    Contact.objects.bulk_update([imported], ["full_name"])
    assert _reasons(owner, full_name="Ase Lie") == [("Åse Lie", "same name", False)]
    imported.full_name = "Åse Berg"
    imported.save(update_fields=["full_name"])
    assert _reasons(owner, full_name="ase berg") == [("Åse Berg", "same name", False)]
