"""Log a meeting notices people already in the network before it adds a second copy of them."""

import datetime
import re
import uuid

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interactions.models import Interaction
from network.models import Contact
from tests.factories import ContactFactory, InteractionFactory
from tests.interactions.test_log_meeting import LOG_URL, _post

ROW_URL = reverse("interactions:attendee-row")
TOKEN = "00000000"  # the first row's token in _post


def _lena(owner, **fields):
    lena = ContactFactory(
        owner=owner,
        full_name="Lena Fjeld",
        company="Statkraft",
        title="Grid planner",
        stands_for="Batteries belong in every substation",
        **fields,
    )
    InteractionFactory(owner=owner, contact=lena, occurred_on=datetime.date(2026, 3, 4))
    Contact.objects.filter(pk=lena.pk).update(last_interaction_on=datetime.date(2026, 3, 4))
    return lena


def test_adding_a_new_person_named_like_someone_you_have_shows_who_is_there(owner_client, owner):
    lena = _lena(owner)
    page = owner_client.get(ROW_URL, {"name": "Léna  Fjeld"}).content.decode()
    assert "Is this someone you already have?" in page
    assert f'href="{lena.get_absolute_url()}"' in page
    for shown in (
        "Statkraft",
        "Batteries belong in every substation",
        "Last interaction 4 Mar 2026",
    ):
        assert shown in page, shown
    assert 'name="reuse" value="' in page and f":{lena.pk}" in page
    assert "Add as a different person" in page


def test_a_close_spelling_is_noticed_too(owner_client, owner):
    _lena(owner)
    page = owner_client.get(ROW_URL, {"name": "Lena Fjelde"}).content.decode()
    assert "Similar name (Lena Fjelde ~ Lena Fjeld)" in page


def test_a_name_nobody_has_adds_a_plain_new_row(owner_client, owner):
    _lena(owner)
    page = owner_client.get(ROW_URL, {"name": "Mette Kruse"}).content.decode()
    assert "Is this someone you already have?" not in page
    assert re.search(r'name="row-[0-9a-f]{8}-checked" value="Mette Kruse"', page)


def test_saving_a_second_lena_waits_for_the_owner_to_decide(owner_client, owner):
    _lena(owner)
    response = _post(owner_client, rows=[{"full_name": "Lena Fjeld"}])
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone like this is already in your network" in page
    assert "Same name" in page
    assert not Interaction.objects.filter(batch__isnull=False).exists()
    assert Contact.objects.filter(owner=owner, full_name="Lena Fjeld").count() == 1


def test_add_as_a_different_person_keeps_two_lenas(owner_client, owner):
    _lena(owner)
    base = {
        "event": "none",
        "date": timezone.localdate().isoformat(),
        "batch": str(uuid.uuid4()),
        "row": [TOKEN],
        f"row-{TOKEN}-full_name": "Lena Fjeld",
        f"row-{TOKEN}-stands_for": "Ferries on batteries",
        f"row-{TOKEN}-kind": "in_person",
    }
    # Without JavaScript, the button posts the form and it comes back with the row confirmed.
    draft = owner_client.post(LOG_URL, {**base, "different": TOKEN})
    row = draft.context["log"].rows[0]
    assert row.initial["checked"] == "Lena Fjeld"
    assert row.initial["stands_for"] == "Ferries on batteries"

    saved = owner_client.post(LOG_URL, {**base, f"row-{TOKEN}-checked": "Lena Fjeld", "save": "1"})
    assert saved.status_code == 302
    lenas = Contact.objects.filter(owner=owner, full_name="Lena Fjeld")
    assert sorted(lenas.values_list("stands_for", flat=True)) == [
        "Batteries belong in every substation",
        "Ferries on batteries",
    ]


def test_a_name_changed_after_its_check_is_checked_again(owner_client, owner):
    _lena(owner)
    response = _post(owner_client, rows=[{"full_name": "Lena Fjeld", "checked": "Lena Fjel"}])
    assert "Someone like this is already in your network" in response.content.decode()


def test_use_them_swaps_the_row_to_the_existing_person(owner_client, owner):
    lena = _lena(owner)
    # With htmx, the row is replaced by hers.
    page = owner_client.get(ROW_URL, {"contact": lena.pk, "token": TOKEN}).content.decode()
    assert f'id="row-{TOKEN}"' in page
    assert f'data-contact="{lena.pk}"' in page
    # Without JavaScript, the same button posts the form.
    draft = owner_client.post(
        LOG_URL,
        {
            "event": "none",
            "date": timezone.localdate().isoformat(),
            "batch": str(uuid.uuid4()),
            "row": [TOKEN],
            f"row-{TOKEN}-full_name": "Lena Fjeld",
            "reuse": f"{TOKEN}:{lena.pk}",
        },
    )
    assert [row.existing for row in draft.context["log"].rows] == [lena]


def test_an_email_already_used_is_refused_with_a_link_to_its_person(owner_client, owner):
    lena = _lena(owner, email="lena@statkraft.no")
    response = _post(
        owner_client,
        rows=[{"full_name": "L. Fjeld", "email": "LENA@statkraft.no", "checked": "L. Fjeld"}],
    )
    page = response.content.decode()
    assert "Lena Fjeld is already in your network with this email or profile." in page
    assert "Already in your network" in page
    assert f'href="{lena.get_absolute_url()}"' in page
    assert "Add as a different person" not in page
    assert Contact.objects.filter(owner=owner).count() == 1


def test_a_linkedin_profile_already_used_is_refused(owner_client, owner):
    _lena(owner, linkedin_url="https://www.linkedin.com/in/lenafjeld")
    response = _post(
        owner_client,
        rows=[{"full_name": "Someone Else", "linkedin_url": "linkedin.com/in/LenaFjeld/"}],
    )
    page = response.content.decode()
    assert "Same LinkedIn profile" in page
    assert "Add as a different person" not in page
    assert Contact.objects.filter(owner=owner).count() == 1


def test_the_same_email_with_another_linkedin_profile_is_a_namesake_to_confirm(owner_client, owner):
    """Different profiles are different people: shown, not refused."""
    _lena(owner, email="lena@example.org", linkedin_url="https://www.linkedin.com/in/lena-1")
    row = {
        "full_name": "Lena Fjeld",
        "email": "lena@example.org",
        "linkedin_url": "https://www.linkedin.com/in/lena-2",
    }
    page = _post(owner_client, rows=[row]).content.decode()
    assert "Same email, but a different LinkedIn profile" in page
    assert "Add as a different person" in page

    assert _post(owner_client, rows=[{**row, "checked": "Lena Fjeld"}]).status_code == 302
    assert Contact.objects.filter(owner=owner, full_name="Lena Fjeld").count() == 2


def test_another_users_people_are_never_offered(owner_client, other_user):
    _lena(other_user)
    page = owner_client.get(ROW_URL, {"name": "Lena Fjeld"}).content.decode()
    assert "Statkraft" not in page
    assert _post(owner_client, rows=[{"full_name": "Lena Fjeld"}]).status_code == 302


def test_without_javascript_a_new_person_added_by_name_shows_who_is_there(owner_client, owner):
    _lena(owner)
    page = owner_client.post(
        LOG_URL,
        {"event": "none", "date": timezone.localdate().isoformat(), "add_new": "Lena Fjeld"},
    ).content.decode()
    assert "Is this someone you already have?" in page
    assert "Add as a different person" in page


def test_another_user_cannot_swap_in_my_contact(owner, other_user):
    lena = _lena(owner)
    intruder = Client()
    intruder.force_login(other_user)
    assert intruder.get(ROW_URL, {"contact": lena.pk, "token": TOKEN}).status_code == 404
