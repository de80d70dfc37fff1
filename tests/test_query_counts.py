"""Page cost must not grow with the network: the same queries at 10 and at 500 contacts."""

import datetime
import uuid

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from insights.compute import recompute_owner
from insights.models import RecallSnapshot, Tie
from interactions.models import Event, FollowUp, Interaction
from interactions.stats import contacts_refresh_interaction_stats
from invitations.models import Invitation
from network.models import Contact, OwnerSettings, Tag
from portability.models import ImportRun

SIZES = [10, 500]


def _network(owner, size: int) -> Contact:
    """size contacts, each tagged, with three interactions (one at an event), an invitation and a
    follow-up due; returns the busiest."""
    today = timezone.localdate()
    contacts = Contact.objects.bulk_create(
        Contact(owner=owner, full_name=f"Person {n:04}", company="Acme", stands_for="Cares")
        for n in range(size)
    )
    tags = Tag.objects.bulk_create(Tag(owner=owner, name=f"tag {n}") for n in range(3))
    Contact.tags.through.objects.bulk_create(
        Contact.tags.through(contact=contact, tag=tag) for contact in contacts for tag in tags
    )
    event = Event.objects.create(owner=owner, name="Summit", date=today)
    Interaction.objects.bulk_create(
        Interaction(
            owner=owner,
            contact=contact,
            event=event if n == 0 else None,
            kind=Interaction.Kind.IN_PERSON if n == 0 else Interaction.Kind.MESSAGE,
            occurred_on=today - datetime.timedelta(days=n * 30),
        )
        for contact in contacts
        for n in range(3)
    )
    # The busiest contact's timeline grows with the network too.
    Interaction.objects.bulk_create(
        Interaction(
            owner=owner, contact=contacts[0], occurred_on=today - datetime.timedelta(days=n)
        )
        for n in range(size)
    )
    Invitation.objects.bulk_create(
        Invitation(owner=owner, name=f"Inviter {n}", contact=contacts[n % size])
        for n in range(size)
    )
    FollowUp.objects.bulk_create(FollowUp(owner=owner, contact=c, due_on=today) for c in contacts)
    contacts_refresh_interaction_stats(Contact.objects.filter(owner=owner))
    return contacts[0]


@pytest.mark.parametrize("size", SIZES)
def test_contact_list_costs_six_queries(owner_client, owner, django_assert_num_queries, size):
    _network(owner, size)
    # 1 session, 2 user, 3 count for the paginator, 4 the page of contacts,
    # 5 their tags (prefetch), 6 the owner's tags for the filter menu.
    with django_assert_num_queries(6):
        response = owner_client.get(reverse("network:contact-list"), {"sort": "recent"})
    assert len(response.context["page"].object_list) == min(size, 50)


@pytest.mark.parametrize("size", SIZES)
def test_live_search_costs_five_queries(owner_client, owner, django_assert_num_queries, size):
    _network(owner, size)
    # 1 session, 2 user, 3 count, 4 page, 5 tags of the page's contacts.
    with django_assert_num_queries(5):
        owner_client.get(
            reverse("network:contact-list"), {"q": "person tag"}, headers={"HX-Request": "true"}
        )


@pytest.mark.parametrize("size", [10, 2000])
def test_contact_page_costs_eight_queries(owner_client, owner, django_assert_num_queries, size):
    contact = _network(owner, size)
    recompute_owner(owner)
    # 1 session, 2 user, 3 contact with its tie and recall card, 4 its tags, 5 timeline count,
    # 6 timeline page with events, 7 introduction requests asked by or of the contact, with
    # both people, 8 its next open follow-up.
    with django_assert_num_queries(8):
        response = owner_client.get(contact.get_absolute_url())
    assert len(response.context["page"].object_list) == min(size + 3, 25)
    assert response.context["tie"] is not None and response.context["recall_card"] is not None


def _insights(owner) -> None:
    """Ties and recall cards for the whole network, every tie weaker than a month ago, and half
    a year of weekly recall snapshots."""
    recompute_owner(owner)
    Tie.objects.filter(owner=owner).update(score_month_ago=F("score") + 10)
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    RecallSnapshot.objects.bulk_create(
        RecallSnapshot(owner=owner, week=monday - datetime.timedelta(weeks=n), total=9, recalled=n)
        for n in range(1, 27)
    )


@pytest.mark.parametrize("size", [10, 2000])
def test_dashboard_costs_fourteen_queries(owner_client, owner, django_assert_num_queries, size):
    _network(owner, size)
    _insights(owner)
    OwnerSettings.for_user(owner)
    # 1 session, 2 user, 3 owner settings, 4 today's first recall checks (the daily limit),
    # 5 follow-ups due with their contacts, 6 every number and the layers' health and the
    # tie-strength bands (one aggregate over the contacts), 7 interactions per month by kind,
    # 8 the weekly recall snapshots, 9 the five ties that weakened most with their open
    # follow-up, 10 pending invitations, 11 their interaction figures and 12 events last met
    # at (the policy's two), 13 the last finished review, 14 recent interactions with
    # contacts and events.
    with django_assert_num_queries(14):
        response = owner_client.get(reverse("insights:dashboard"))
    assert response.context["network"]["total"] == size
    assert len(response.context["weakened"]) == 5


@pytest.mark.parametrize("size", SIZES)
def test_review_card_costs_nine_queries(owner_client, owner, django_assert_num_queries, size):
    _network(owner, size)
    OwnerSettings.for_user(owner)
    # 1 session, 2 user, 3 owner settings, 4 the open review, 5 pending invitations with their
    # contacts, 6 events last met at and 7 interaction figures (the policy's two), 8 the flagged
    # weak ties (the review's second part), 9 the card's last interactions.
    # tests/invitations/test_review.py pins it at 2,000 invitations too, and
    # tests/insights/test_weak_review.py the weak-tie card.
    with django_assert_num_queries(9):
        response = owner_client.get(reverse("invitations:review"))
    assert response.context["walk"].remaining == size


@pytest.mark.parametrize("size", SIZES)
def test_event_list_costs_four_queries(owner_client, owner, django_assert_num_queries, size):
    _network(owner, size)
    Event.objects.bulk_create(Event(owner=owner, name=f"Event {n}") for n in range(size))
    # 1 session, 2 user, 3 count, 4 the page of events with how many people were met.
    with django_assert_num_queries(4):
        response = owner_client.get(reverse("interactions:event-list"))
    assert len(response.context["page"].object_list) == min(size + 1, 30)


@pytest.mark.parametrize("size", SIZES)
def test_event_page_costs_five_queries(owner_client, owner, django_assert_num_queries, size):
    _network(owner, size)
    event = Event.objects.get(owner=owner, name="Summit")
    # 1 session, 2 user, 3 event, 4 the people met with their contacts, 5 follow-ups.
    with django_assert_num_queries(5):
        response = owner_client.get(reverse("interactions:event-detail", args=[event.pk]))
    assert f"Who you met ({size})" in response.content.decode()


@pytest.mark.parametrize("size", SIZES)
def test_log_page_and_suggestions_cost_the_same_at_any_size(
    owner_client, owner, django_assert_num_queries, size
):
    _network(owner, size)
    # 1 session, 2 user, 3 the recent events to choose from.
    with django_assert_num_queries(3):
        owner_client.get(reverse("interactions:log-meeting"))
    # 1 session, 2 user, 3 at most eight matching contacts.
    with django_assert_num_queries(3):
        owner_client.get(reverse("interactions:attendee-suggestions"), {"q": "person 00"})


@pytest.mark.parametrize("size", SIZES)
def test_log_confirmation_costs_three_queries(owner_client, owner, django_assert_num_queries, size):
    _network(owner, size)
    batch = uuid.uuid4()
    Interaction.objects.filter(owner=owner, event__isnull=False).update(batch=batch)
    # 1 session, 2 user, 3 the interactions of this save with their contacts and event.
    with django_assert_num_queries(3):
        response = owner_client.get(reverse("interactions:log-saved"), {"batch": batch})
    assert f"Logged {size} people" in response.content.decode()


@pytest.mark.parametrize("size", SIZES)
def test_import_page_costs_three_queries(owner_client, owner, django_assert_num_queries, size):
    ImportRun.objects.bulk_create(
        ImportRun(owner=owner, kind="vcard", original_name=f"{n}.vcf") for n in range(size)
    )
    # 1 session, 2 user, 3 the ten most recent imports.
    with django_assert_num_queries(3):
        owner_client.get(reverse("portability:import"))


@pytest.mark.parametrize("size", SIZES)
def test_duplicates_page_costs_four_queries(owner_client, owner, django_assert_num_queries, size):
    _network(owner, size)
    Contact.objects.bulk_create(
        Contact(owner=owner, full_name=f"Person {n:04}", email=f"p{n}@example.org")
        for n in range(size)
    )
    # 1 session, 2 user, 3 every contact's name, company, email and profile, 4 the pairs shown.
    with django_assert_num_queries(4):
        response = owner_client.get(reverse("portability:duplicates"))
    assert response.context["pairs"]
