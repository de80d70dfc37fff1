import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions.models import Interaction
from interactions.stats import contacts_refresh_interaction_stats
from network.models import Contact, Tag
from tests.factories import ContactFactory, InteractionFactory, TagFactory


def _listed(client, **params) -> list[str]:
    response = client.get(reverse("network:contact-list"), params)
    return [contact.full_name for contact in response.context["page"].object_list]


def _create(client, **data):
    return client.post(
        reverse("network:contact-create"), {"linkedin_status": "not_connected", **data}
    )


def test_adding_a_contact_shows_their_page(owner_client, owner):
    response = _create(
        owner_client,
        full_name="  Ada   Lovelace ",
        stands_for="Thinks machines can compose music",
        company="Analytical Engines",
        email="Ada@Example.ORG",
        linkedin_url="linkedin.com/in/Ada-Lovelace/?trk=abc",
        tag_names="math, Math , poetry",
    )
    contact = Contact.objects.get(owner=owner)
    assert response.status_code == 302
    assert response["Location"] == contact.get_absolute_url()
    assert contact.full_name == "Ada Lovelace"
    assert contact.email == "ada@example.org"
    assert contact.linkedin_url == "https://www.linkedin.com/in/ada-lovelace"
    assert sorted(contact.tags.values_list("name", flat=True)) == ["math", "poetry"]
    page = owner_client.get(contact.get_absolute_url()).content.decode()
    assert "Thinks machines can compose music" in page
    assert "Nothing logged with Ada Lovelace yet." in page


def test_htmx_form_redirects_the_browser_to_the_new_contact(owner_client, owner):
    response = owner_client.post(
        reverse("network:contact-create"),
        {"full_name": "Grace Hopper", "linkedin_status": "connected"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == Contact.objects.get(owner=owner).get_absolute_url()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"full_name": "   "}, "full_name", "Enter the person&#x27;s name."),
        ({"full_name": "X", "email": "not-an-email"}, "email", "Enter a valid email address."),
        (
            {"full_name": "X", "linkedin_url": "https://example.com/in/x"},
            "linkedin_url",
            "Enter a LinkedIn profile address",
        ),
        (
            {"full_name": "X", "linkedin_url": "https://www.linkedin.com/in"},
            "linkedin_url",
            "does not point at a person",
        ),
        (
            {"full_name": "X", "connected_on": "2999-01-01"},
            "connected_on",
            "cannot be in the future",
        ),
        ({"full_name": "X", "connected_on": "yesterday"}, "connected_on", "Enter a valid date."),
        ({"full_name": "X", "tag_names": "a" * 60}, "tag_names", "too long for a tag"),
    ],
)
def test_bad_input_is_explained_beside_the_field_and_saves_nothing(
    owner_client, data, field, message
):
    response = _create(owner_client, **data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert message in page
    assert not Contact.objects.exists()


def test_a_linkedin_profile_belongs_to_one_contact_per_owner(owner_client, owner, other_user):
    ContactFactory(owner=owner, full_name="Linus", linkedin_url="https://www.linkedin.com/in/linus")
    ContactFactory(
        owner=other_user,
        full_name="Other's Linus",
        linkedin_url="https://www.linkedin.com/in/taken",
    )

    response = _create(
        owner_client, full_name="Duplicate", linkedin_url="http://de.linkedin.com/in/Linus/"
    )
    assert "Linus already has this LinkedIn profile." in response.content.decode()
    assert Contact.objects.filter(owner=owner).count() == 1

    # Another user's contacts do not count.
    assert (
        _create(owner_client, full_name="Mine", linkedin_url="linkedin.com/in/taken").status_code
        == 302
    )


def test_editing_keeps_the_profile_and_replaces_the_tags(owner_client, owner):
    contact = ContactFactory(owner=owner, linkedin_url="https://www.linkedin.com/in/me")
    contact.tags.add(TagFactory(owner=owner, name="old"))
    response = owner_client.post(
        reverse("network:contact-edit", args=[contact.pk]),
        {
            "full_name": "New Name",
            "linkedin_url": contact.linkedin_url,
            "linkedin_status": "connected",
            "tag_names": "new",
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.full_name == "New Name"
    assert list(contact.tags.values_list("name", flat=True)) == ["new"]
    assert Tag.objects.filter(owner=owner, name="old").exists()


def test_archived_contacts_leave_the_list_and_come_back(owner_client, owner):
    contact = ContactFactory(owner=owner, full_name="Archie")
    response = owner_client.post(reverse("network:contact-archive", args=[contact.pk]), follow=True)
    assert "Archie is archived" in response.content.decode()
    assert _listed(owner_client) == []
    assert _listed(owner_client, archived="on") == ["Archie"]

    owner_client.post(reverse("network:contact-unarchive", args=[contact.pk]))
    assert _listed(owner_client) == ["Archie"]


def test_delete_asks_first_then_removes_the_contact_and_their_history(owner_client, owner):
    interaction = InteractionFactory(owner=owner)
    contact = interaction.contact
    contacts_refresh_interaction_stats([contact.pk])
    url = reverse("network:contact-delete", args=[contact.pk])

    confirmation = owner_client.get(url).content.decode()
    assert "1 logged interaction" in confirmation
    assert Contact.objects.filter(pk=contact.pk).exists()

    response = owner_client.post(url, follow=True)
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not Interaction.objects.exists()
    assert "and everything logged with them are deleted" in response.content.decode()


def test_search_matches_name_company_title_and_tags(owner_client, owner):
    ContactFactory(owner=owner, full_name="Ingrid Berg", company="Statkraft", title="Analyst")
    tagged = ContactFactory(owner=owner, full_name="Lars Holm", company="Other", title="Other")
    tagged.tags.add(TagFactory(owner=owner, name="hydrogen"))
    ContactFactory(owner=owner, full_name="Nobody Else", company="Nothing", title="None")

    def names(q):
        return _listed(owner_client, q=q)

    assert names("ingrid") == ["Ingrid Berg"]
    assert names("statk") == ["Ingrid Berg"]
    assert names("analyst") == ["Ingrid Berg"]
    assert names("HYDRO") == ["Lars Holm"]
    assert names("lars hydrogen") == ["Lars Holm"]
    assert names("zzz") == []


def test_htmx_search_answers_with_only_the_results(owner_client, owner):
    ContactFactory(owner=owner, full_name="Ingrid Berg")
    page = owner_client.get(
        reverse("network:contact-list"), {"q": "ingrid"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="contact-results"' in page
    assert "<html" not in page


def test_filters_by_tag_and_linkedin_status_and_sorts_by_last_interaction(owner_client, owner):
    today = timezone.localdate()
    recent = ContactFactory(owner=owner, full_name="Zed Recent", linkedin_status="connected")
    older = ContactFactory(owner=owner, full_name="Amy Older", linkedin_status="connected")
    ContactFactory(owner=owner, full_name="Bo Never", linkedin_status="invited")
    InteractionFactory(owner=owner, contact=recent, occurred_on=today)
    InteractionFactory(owner=owner, contact=older, occurred_on=today - datetime.timedelta(days=90))
    contacts_refresh_interaction_stats(Contact.objects.all())
    older.tags.add(TagFactory(owner=owner, name="oslo"))

    def names(**params):
        return _listed(owner_client, **params)

    assert names() == ["Amy Older", "Bo Never", "Zed Recent"]
    assert names(sort="recent") == ["Zed Recent", "Amy Older", "Bo Never"]
    assert names(sort="quiet") == ["Bo Never", "Amy Older", "Zed Recent"]
    assert names(tag="oslo") == ["Amy Older"]
    assert names(status="invited") == ["Bo Never"]


def test_unknown_filters_are_reported_not_a_server_error(owner_client, owner):
    ContactFactory(owner=owner, full_name="Still Listed")
    response = owner_client.get(
        reverse("network:contact-list"), {"tag": "nope", "sort": "x' OR 1=1", "page": "abc"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Some filters were not understood" in page
    assert "Still Listed" in page


def test_list_paginates(owner_client, owner):
    Contact.objects.bulk_create(
        Contact(owner=owner, full_name=f"Person {n:03}") for n in range(120)
    )
    response = owner_client.get(reverse("network:contact-list"), {"page": 3})
    assert response.context["page"].number == 3
    assert "Page 3 of 3" in response.content.decode()
    assert "Person 100" in response.content.decode()


def test_contact_page_shows_the_timeline_newest_first(owner_client, owner):
    contact = ContactFactory(owner=owner, full_name="Tim Line")
    InteractionFactory(
        owner=owner,
        contact=contact,
        kind="call",
        note="First call",
        occurred_on=datetime.date(2025, 1, 5),
    )
    InteractionFactory(
        owner=owner,
        contact=contact,
        kind="in_person",
        note="Coffee",
        occurred_on=datetime.date(2026, 3, 1),
    )
    contacts_refresh_interaction_stats([contact.pk])

    page = owner_client.get(contact.get_absolute_url()).content.decode()
    assert page.index("Coffee") < page.index("First call")
    assert "1 in person, 1 other" in page
    assert "1 Mar 2026" in page


def test_tags_match_whatever_the_case_in_any_script(owner_client, owner):
    first = ContactFactory(owner=owner)
    second = ContactFactory(owner=owner)
    for contact, tags in ((first, "Ärzte, Oslo"), (second, "ärzte, OSLO")):
        owner_client.post(
            reverse("network:contact-edit", args=[contact.pk]),
            {"full_name": contact.full_name, "linkedin_status": "not_connected", "tag_names": tags},
        )
    assert sorted(Tag.objects.filter(owner=owner).values_list("name", flat=True)) == [
        "Oslo",
        "Ärzte",
    ]
    assert second.tags.count() == 2


def test_adding_someone_already_there_shows_them_and_saves_nothing(owner_client, owner):
    InteractionFactory(
        owner=owner,
        contact=ContactFactory(
            owner=owner, full_name="Nora Solberg", company="Equinor", stands_for="Offshore wind"
        ),
        occurred_on=datetime.date(2026, 3, 12),
    )
    contacts_refresh_interaction_stats(Contact.objects.filter(owner=owner))
    nora = Contact.objects.get(owner=owner)

    response = _create(owner_client, full_name="nora  solberg", company="Statkraft")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Is this someone you already have?" in page
    assert "Same name" in page
    assert "Equinor" in page and "Offshore wind" in page
    assert "Last interaction 12 Mar 2026" in page
    assert f'href="{nora.get_absolute_url()}">Use them</a>' in page
    assert 'name="different_person"' in page
    assert Contact.objects.filter(owner=owner).count() == 1


def test_add_as_a_different_person_saves_the_second_one(owner_client, owner):
    ContactFactory(owner=owner, full_name="Lena Fjeldt")
    response = _create(owner_client, full_name="Lena Fjeld", different_person="on")
    assert response.status_code == 302
    assert sorted(Contact.objects.filter(owner=owner).values_list("full_name", flat=True)) == [
        "Lena Fjeld",
        "Lena Fjeldt",
    ]
    added = Contact.objects.get(owner=owner, full_name="Lena Fjeld")
    assert added.source == Contact.Source.HAND


def test_a_close_spelling_is_shown_with_both_names(owner_client, owner):
    ContactFactory(owner=owner, full_name="Lena Fjeldt")
    page = _create(owner_client, full_name="Lena Fjeld").content.decode()
    assert "Similar name (Lena Fjeld ~ Lena Fjeldt)" in page
    assert not Contact.objects.filter(full_name="Lena Fjeld").exists()


def test_an_email_already_used_is_refused_with_a_link_to_its_owner(owner_client, owner):
    nora = ContactFactory(owner=owner, full_name="Nora Solberg", email="nora@example.org")
    response = _create(
        owner_client, full_name="N. Solberg", email="Nora@Example.org", different_person="on"
    )
    page = response.content.decode()
    assert "Nora Solberg already has this email address." in page
    assert f'href="{nora.get_absolute_url()}">Use them</a>' in page
    assert 'name="different_person"' not in page
    assert Contact.objects.filter(owner=owner).count() == 1


def test_the_htmx_form_shows_who_is_there_in_the_fragment(owner_client, owner):
    ContactFactory(owner=owner, full_name="Nora Solberg")
    response = owner_client.post(
        reverse("network:contact-create"),
        {"full_name": "Nora Solberg", "linkedin_status": "not_connected"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "Is this someone you already have?" in page
    assert "HX-Redirect" not in response


def test_editing_a_person_does_not_warn_about_themselves_or_a_shared_email(owner_client, owner):
    nora = ContactFactory(owner=owner, full_name="Nora Solberg", email="team@example.org")
    ContactFactory(owner=owner, full_name="Nora Solberg", email="team@example.org")
    response = owner_client.post(
        reverse("network:contact-edit", args=[nora.pk]),
        {
            "full_name": "Nora Solberg",
            "email": "team@example.org",
            "stands_for": "Offshore wind",
            "linkedin_status": "not_connected",
        },
    )
    assert response.status_code == 302
    nora.refresh_from_db()
    assert nora.stands_for == "Offshore wind"
