"""Odd and hostile input gets a clear answer, never a server error, and changes nothing."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions.models import Event, FollowUp, Interaction
from network.models import Contact
from tests.factories import ContactFactory, EventFactory, FollowUpFactory, InteractionFactory

LOG_URL = reverse("interactions:log-meeting")
TODAY = timezone.localdate


def _log(client, rows, **meeting):
    data = {
        "event": "new",
        "name": "Summit",
        "date": TODAY().isoformat(),
        "batch": str(uuid.uuid4()),
        "row": [],
    }
    data.update(meeting)
    for index, row in enumerate(rows):
        token = f"{index:08x}"
        data["row"].append(token)
        data.update(
            {f"row-{token}-{key}": value for key, value in {"kind": "in_person", **row}.items()}
        )
    return client.post(LOG_URL, data)


@pytest.mark.parametrize("value", ["²", "9" * 5000, "-1", "1e3", " 7", "\x00"])
def test_odd_ids_never_cause_a_server_error(owner_client, owner, value):
    follow_up = FollowUpFactory(owner=owner)
    assert owner_client.get(LOG_URL, {"event": value}).status_code == 200
    assert owner_client.post(LOG_URL, {"add_contact": value}).status_code == 200
    assert owner_client.post(LOG_URL, {"reuse": f"abcdef12:{value}"}).status_code == 200
    assert owner_client.post(LOG_URL, {"different": value}).status_code == 200
    assert owner_client.post(reverse("interactions:log-undo"), {"batch": value}).status_code == 302
    assert owner_client.get(reverse("interactions:log-saved"), {"batch": value}).status_code == 302
    assert (
        owner_client.get(reverse("interactions:attendee-row"), {"name": value}).status_code == 200
    )
    assert (
        owner_client.get(reverse("interactions:attendee-row"), {"contact": value}).status_code
        == 404
    )
    response = owner_client.post(
        reverse("interactions:follow-up-snooze", args=[follow_up.pk]), {"days": value}
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.due_on == TODAY()


def test_a_tampered_checked_name_is_just_checked_again(owner_client, owner):
    ContactFactory(owner=owner, full_name="Lena Fjeld")
    response = _log(owner_client, [{"full_name": "Lena Fjeld", "checked": "x" * 5000}])
    assert "Someone like this is already in your network" in response.content.decode()
    assert not Interaction.objects.exists()


def test_a_nul_byte_in_the_search_is_harmless(owner_client, owner):
    ContactFactory(owner=owner, full_name="Ingrid")
    response = owner_client.get(reverse("interactions:attendee-suggestions"), {"q": "ing\x00rid"})
    assert response.status_code == 200
    assert owner_client.post(LOG_URL, {"q": "\x00", "search": "1"}).status_code == 200


def test_two_new_people_with_one_linkedin_profile_are_one_person(owner_client):
    response = _log(
        owner_client,
        [
            {"full_name": "Ana Lima", "linkedin_url": "linkedin.com/in/ana"},
            {"full_name": "Ana L.", "linkedin_url": "https://www.linkedin.com/in/Ana/"},
        ],
    )
    assert "This person is already in the list above." in response.content.decode()
    assert not Contact.objects.exists()


def test_a_linkedin_address_too_long_to_keep_is_explained(owner_client):
    response = _log(
        owner_client, [{"full_name": "Long", "linkedin_url": "linkedin.com/in/" + "x" * 284}]
    )
    assert "longer than 300 characters" in response.content.decode()
    assert not Contact.objects.exists()


def test_a_follow_up_far_in_the_future_is_refused(owner_client, owner):
    contact = ContactFactory(owner=owner)
    response = _log(
        owner_client, [{"contact": contact.pk, "follow_up": "date", "follow_up_on": "9999-12-31"}]
    )
    assert "within 10 years" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_an_existing_event_needs_no_date(owner_client, owner):
    event = EventFactory(owner=owner, date=TODAY() - datetime.timedelta(days=4))
    contact = ContactFactory(owner=owner)
    response = _log(owner_client, [{"contact": contact.pk}], event=str(event.pk), date="")
    assert response.status_code == 302
    assert Interaction.objects.get().occurred_on == event.date


def test_finding_and_adding_without_javascript_shows_no_errors_yet(owner_client, owner):
    ContactFactory(owner=owner, full_name="Ingrid Solberg")
    response = owner_client.post(LOG_URL, {"event": "new", "name": "", "q": "ingrid", "save": "1"})
    page = response.content.decode()
    assert "Ingrid Solberg" in page
    assert "Name the event" not in page
    assert "Add at least one person" not in page
    assert not Event.objects.exists()


def test_done_settles_its_own_follow_up_whatever_the_date(owner_client, owner):
    follow_up = FollowUpFactory(owner=owner)
    yesterday = (TODAY() - datetime.timedelta(days=1)).isoformat()
    owner_client.post(
        reverse("interactions:follow-up-done", args=[follow_up.pk]),
        {"kind": "call", "occurred_on": yesterday},
    )
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None


def test_moving_an_event_keeps_a_later_coffee_on_its_own_date(owner_client, owner):
    event = EventFactory(owner=owner, date=TODAY() - datetime.timedelta(days=20))
    at_event = InteractionFactory(owner=owner, event=event, occurred_on=event.date)
    later = InteractionFactory(
        owner=owner, event=event, occurred_on=TODAY() - datetime.timedelta(days=2)
    )
    owner_client.post(
        reverse("interactions:event-edit", args=[event.pk]),
        {
            "name": event.name,
            "date": (TODAY() - datetime.timedelta(days=19)).isoformat(),
            "place": "",
        },
    )
    at_event.refresh_from_db()
    later.refresh_from_db()
    assert at_event.occurred_on == TODAY() - datetime.timedelta(days=19)
    assert later.occurred_on == TODAY() - datetime.timedelta(days=2)


def test_undo_relinks_follow_ups(owner_client, owner):
    interaction = InteractionFactory(owner=owner)
    follow_up = FollowUpFactory(owner=owner, contact=interaction.contact, interaction=interaction)
    owner_client.post(reverse("interactions:interaction-delete", args=[interaction.pk]))
    owner_client.post(reverse("interactions:interaction-undo-delete"))
    follow_up.refresh_from_db()
    assert follow_up.interaction_id == interaction.pk


@pytest.mark.parametrize("name", ["network:contact-list", "insights:dashboard"])
def test_pages_with_fragments_vary_on_htmx(owner_client, name):
    assert "HX-Request" in owner_client.get(reverse(name))["Vary"]
