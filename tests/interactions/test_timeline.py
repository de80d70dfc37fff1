import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interactions.models import Interaction
from interactions.stats import contacts_refresh_interaction_stats
from tests.factories import ContactFactory, EventFactory, FollowUpFactory, InteractionFactory

TODAY = timezone.localdate


def test_quick_log_adds_to_the_timeline_and_settles_follow_ups(owner_client, owner):
    contact = ContactFactory(owner=owner, full_name="Quick Person")
    follow_up = FollowUpFactory(owner=owner, contact=contact)
    response = owner_client.post(
        reverse("interactions:quick-log", args=[contact.pk]),
        {"kind": "call", "occurred_on": TODAY().isoformat(), "note": "Talked hydrogen"},
        follow=True,
    )
    page = response.content.decode()
    assert "Logged: call with Quick Person." in page
    assert "Talked hydrogen" in page
    contact.refresh_from_db()
    follow_up.refresh_from_db()
    assert (contact.last_interaction_on, contact.other_interaction_count) == (TODAY(), 1)
    assert follow_up.done_at is not None


def test_htmx_quick_log_answers_with_a_fresh_form_and_tells_the_timeline(owner_client, owner):
    contact = ContactFactory(owner=owner)
    response = owner_client.post(
        reverse("interactions:quick-log", args=[contact.pk]),
        {"kind": "video", "occurred_on": TODAY().isoformat()},
        headers={"HX-Request": "true"},
    )
    assert "interaction-logged" in response["HX-Trigger"]
    assert "Logged: video call on" in response.content.decode()
    timeline = owner_client.get(
        contact.get_absolute_url(), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="history"' in timeline
    assert "Video call" in timeline
    assert "<html" not in timeline


def test_quick_log_refuses_a_future_date_and_an_unknown_kind(owner_client, owner):
    contact = ContactFactory(owner=owner)
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = owner_client.post(
        reverse("interactions:quick-log", args=[contact.pk]),
        {"kind": "telepathy", "occurred_on": tomorrow},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This date is in the future" in page
    assert "Select a valid choice. telepathy is not one of the available choices." in page
    assert not Interaction.objects.exists()
    assert "HX-Trigger" not in response


def test_editing_an_interaction_keeps_the_contacts_figures_right(owner_client, owner):
    interaction = InteractionFactory(
        owner=owner, kind="in_person", occurred_on=TODAY() - datetime.timedelta(days=9)
    )
    contacts_refresh_interaction_stats([interaction.contact_id])
    response = owner_client.post(
        reverse("interactions:interaction-edit", args=[interaction.pk]),
        {
            "occurred_on": (TODAY() - datetime.timedelta(days=1)).isoformat(),
            "kind": "email",
            "initiated_by": "them",
            "note": "Replied",
        },
    )
    assert response.status_code == 302
    contact = interaction.contact
    contact.refresh_from_db()
    assert (
        contact.last_interaction_on,
        contact.in_person_count,
        contact.other_interaction_count,
    ) == (
        TODAY() - datetime.timedelta(days=1),
        0,
        1,
    )


def test_an_interaction_cannot_be_moved_to_another_users_event(owner_client, owner, other_user):
    interaction = InteractionFactory(owner=owner)
    theirs = EventFactory(owner=other_user)
    response = owner_client.post(
        reverse("interactions:interaction-edit", args=[interaction.pk]),
        {
            "occurred_on": interaction.occurred_on.isoformat(),
            "kind": "call",
            "initiated_by": "me",
            "event": theirs.pk,
        },
    )
    assert "Select a valid choice." in response.content.decode()
    interaction.refresh_from_db()
    assert interaction.event is None


def test_delete_then_undo_restores_the_interaction(owner_client, owner):
    event = EventFactory(owner=owner)
    interaction = InteractionFactory(owner=owner, event=event, note="Worth keeping")
    contact = interaction.contact
    contacts_refresh_interaction_stats([contact.pk])

    response = owner_client.post(
        reverse("interactions:interaction-delete", args=[interaction.pk]), follow=True
    )
    page = response.content.decode()
    assert "Deleted the in person with" in page
    assert reverse("interactions:interaction-undo-delete") in page
    contact.refresh_from_db()
    assert (contact.last_interaction_on, contact.in_person_count) == (None, 0)

    response = owner_client.post(reverse("interactions:interaction-undo-delete"), follow=True)
    restored = Interaction.objects.get(pk=interaction.pk)
    assert (restored.note, restored.event, restored.contact) == ("Worth keeping", event, contact)
    assert "Restored." in response.content.decode()
    contact.refresh_from_db()
    assert contact.in_person_count == 1

    # A second undo has nothing left to restore.
    response = owner_client.post(reverse("interactions:interaction-undo-delete"), follow=True)
    assert "There is nothing to undo." in response.content.decode()
    assert Interaction.objects.count() == 1


def test_undo_belongs_to_the_session_that_deleted(owner_client, owner, other_user):
    interaction = InteractionFactory(owner=owner)
    owner_client.post(reverse("interactions:interaction-delete", args=[interaction.pk]))
    intruder = Client()
    intruder.force_login(other_user)
    response = intruder.post(reverse("interactions:interaction-undo-delete"), follow=True)
    assert "There is nothing to undo." in response.content.decode()
    assert not Interaction.objects.exists()


def test_the_contact_list_offers_a_quick_log(owner_client, owner):
    contact = ContactFactory(owner=owner)
    page = owner_client.get(reverse("network:contact-list")).content.decode()
    assert reverse("interactions:quick-log", args=[contact.pk]) in page
