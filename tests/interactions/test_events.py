import datetime

from django.urls import reverse
from django.utils import timezone

from interactions.models import Interaction
from interactions.stats import contacts_refresh_interaction_stats
from tests.factories import ContactFactory, EventFactory, FollowUpFactory, InteractionFactory


def test_events_are_listed_newest_first_with_how_many_people_were_met(owner_client, owner):
    old = EventFactory(owner=owner, name="Old Meetup", date=datetime.date(2025, 3, 1))
    new = EventFactory(owner=owner, name="New Summit", date=datetime.date(2026, 3, 1))
    for contact in ContactFactory.create_batch(2, owner=owner):
        InteractionFactory(owner=owner, contact=contact, event=new)
    InteractionFactory(owner=owner, event=old)
    page = owner_client.get(reverse("interactions:event-list")).content.decode()
    assert page.index("New Summit") < page.index("Old Meetup")
    assert "2 people met" in page
    assert "1 person met" in page


def test_the_event_page_shows_who_was_met_and_follow_ups(owner_client, owner):
    event = EventFactory(owner=owner, name="Summit", notes="Great panel on storage")
    met = InteractionFactory(
        owner=owner, event=event, contact__full_name="Met Person", note="Talked batteries"
    )
    FollowUpFactory(owner=owner, contact=met.contact, interaction=met, note="Send the report")
    page = owner_client.get(reverse("interactions:event-detail", args=[event.pk])).content.decode()
    for text in (
        "Met Person",
        "Talked batteries",
        "Send the report",
        "Great panel on storage",
        "Who you met (1)",
    ):
        assert text in page
    assert f"{reverse('interactions:log-meeting')}?event={event.pk}" in page


def test_changing_an_event_date_moves_its_interactions(owner_client, owner):
    event = EventFactory(owner=owner, date=timezone.localdate() - datetime.timedelta(days=20))
    interaction = InteractionFactory(owner=owner, event=event, occurred_on=event.date)
    contacts_refresh_interaction_stats([interaction.contact_id])
    new_date = timezone.localdate() - datetime.timedelta(days=5)
    response = owner_client.post(
        reverse("interactions:event-edit", args=[event.pk]),
        {"name": "Renamed", "date": new_date.isoformat(), "place": "Bergen", "notes": ""},
    )
    assert response.status_code == 302
    interaction.refresh_from_db()
    interaction.contact.refresh_from_db()
    assert interaction.occurred_on == new_date
    assert interaction.contact.last_interaction_on == new_date


def test_an_event_cannot_move_to_the_future_or_lose_its_name(owner_client, owner):
    event = EventFactory(owner=owner, name="Kept")
    response = owner_client.post(
        reverse("interactions:event-edit", args=[event.pk]),
        {"name": "  ", "date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()},
    )
    page = response.content.decode()
    assert "This date is in the future" in page
    assert "This field is required." in page
    event.refresh_from_db()
    assert event.name == "Kept"
    assert not Interaction.objects.exists()
