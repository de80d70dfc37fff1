"""The weekly review: pending invitations one at a time, verdict first, one key per decision."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from interactions.models import Interaction
from invitations.models import DEFAULT_DECLINE_TEXT, DeclineMessage, Invitation, Review
from network.models import Contact, OwnerSettings
from tests.factories import ContactFactory, InteractionFactory, InvitationFactory

HTMX = {"HX-Request": "true"}


def _days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _met(owner, name: str, **invitation) -> Invitation:
    """An invitation from someone met in person: it meets the default policy."""
    contact = ContactFactory(owner=owner, full_name=name, stands_for=f"{name} stands for this")
    InteractionFactory(owner=owner, contact=contact, kind=Interaction.Kind.IN_PERSON)
    return InvitationFactory(owner=owner, name=name, contact=contact, **invitation)


def _almost(owner, name: str, **invitation) -> Invitation:
    """Two messages where the policy asks for three: one short."""
    contact = ContactFactory(owner=owner, full_name=name)
    for days in (3, 10):
        InteractionFactory(
            owner=owner,
            contact=contact,
            kind=Interaction.Kind.MESSAGE,
            occurred_on=timezone.localdate() - datetime.timedelta(days=days),
        )
    return InvitationFactory(owner=owner, name=name, contact=contact, **invitation)


def _card_name(response) -> str | None:
    item = response.context["item"]
    return item.subject.name if item else None


def _decide(client, invitation, decision: str, **headers):
    return client.post(
        reverse("invitations:review-decide", args=[invitation.pk]),
        {"decision": decision},
        headers=headers,
    )


def _review(owner) -> Review:
    return Review.objects.get(owner=owner)


def test_walk_shows_meets_then_almost_then_does_not_oldest_first(owner_client, owner):
    InvitationFactory(owner=owner, name="Stranger New", sent_at=_days_ago(1))
    InvitationFactory(owner=owner, name="Stranger Old", sent_at=_days_ago(300))
    _almost(owner, "Almost Anna", sent_at=_days_ago(5))
    _met(owner, "Met Recently", sent_at=_days_ago(2))
    _met(owner, "Met Long Ago", sent_at=_days_ago(200))
    InvitationFactory(owner=owner, name="Outgoing", direction=Invitation.Direction.OUTGOING)
    InvitationFactory(
        owner=owner, name="Put off", deferred_until=timezone.localdate() + datetime.timedelta(3)
    )

    response = owner_client.get(reverse("invitations:review"))

    names = [item.subject.name for item in response.context["walk"].items]
    assert names == ["Met Long Ago", "Met Recently", "Almost Anna", "Stranger Old", "Stranger New"]
    assert [item.suggested.label for item in response.context["walk"].items] == [
        "Accept",
        "Accept",
        "Not yet",
        "Decline",
        "Decline",
    ]
    page = response.content.decode()
    assert "Met Long Ago" in page and "Meets your policy" in page
    assert "Met Long Ago stands for this" in page
    assert "5 left to decide" in page


def test_the_page_shows_only_one_card_at_a_time(owner_client, owner):
    _met(owner, "Ingrid Solberg")
    InvitationFactory(owner=owner, name="Lena Fjeld")

    page = owner_client.get(reverse("invitations:review")).content.decode()

    assert "Ingrid Solberg" in page
    assert "Lena Fjeld" not in page


def test_accept_makes_the_person_a_connected_contact_and_counts_it(owner_client, owner):
    invitation = _met(owner, "Ingrid Solberg")
    InvitationFactory(owner=owner, name="Lena Fjeld")

    response = _decide(owner_client, invitation, "accept", **HTMX)

    assert response.status_code == 200
    assert _card_name(response) == "Lena Fjeld"
    assert "Accepted Ingrid Solberg" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.contact.linkedin_status == Contact.LinkedInStatus.CONNECTED
    review = _review(owner)
    assert (review.accepted, review.declined, review.deferred, review.skipped) == (1, 0, 0, 0)


def test_decline_keeps_the_default_message_and_shows_it_ready_to_copy(owner_client, owner):
    invitation = InvitationFactory(owner=owner, name="Lena Fjeld")
    DeclineMessage.objects.create(owner=owner, title="Other", text="Not this one")
    DeclineMessage.objects.create(
        owner=owner, title="Kind", text="Let us meet first, then connect.", is_default=True
    )

    response = _decide(owner_client, invitation, "decline", **HTMX)

    page = response.content.decode()
    assert "Declined Lena Fjeld" in page
    assert 'id="review-message"' in page and "Let us meet first, then connect." in page
    assert "Copy message" in page
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert invitation.decline_message == "Let us meet first, then connect."
    assert _review(owner).declined == 1


def test_decline_without_saved_messages_uses_kiths_polite_default(owner_client, owner):
    invitation = InvitationFactory(owner=owner, name="Lena Fjeld")

    _decide(owner_client, invitation, "decline")

    invitation.refresh_from_db()
    assert invitation.decline_message == DEFAULT_DECLINE_TEXT


def test_not_yet_defers_to_the_next_review_day_in_the_owners_time_zone(owner_client, owner):
    settings = OwnerSettings.for_user(owner)
    settings.timezone = "Pacific/Kiritimati"  # UTC+14: often a day ahead of the server
    settings.save()
    invitation = _almost(owner, "Almost Anna")
    local_today = timezone.now().astimezone(datetime.UTC) + datetime.timedelta(hours=14)
    local_today = local_today.date()
    days = (settings.review_weekday - local_today.weekday() - 1) % 7 + 1

    response = _decide(owner_client, invitation, "defer", **HTMX)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.deferred_until == local_today + datetime.timedelta(days=days)
    assert invitation.deferred_until.weekday() == settings.review_weekday
    assert _card_name(response) is None
    assert _review(owner).deferred == 1


def test_skip_hides_the_item_for_this_review_only(owner_client, owner):
    skipped = _met(owner, "Ingrid Solberg")
    InvitationFactory(owner=owner, name="Lena Fjeld")

    response = _decide(owner_client, skipped, "skip", **HTMX)

    assert _card_name(response) == "Lena Fjeld"
    skipped.refresh_from_db()
    assert skipped.status == Invitation.Status.PENDING
    review = _review(owner)
    assert (review.skipped, review.skipped_items) == (1, [f"invitation:{skipped.pk}"])
    owner_client.post(reverse("invitations:review-finish"))
    assert _card_name(owner_client.get(reverse("invitations:review"))) == "Ingrid Solberg"


def test_undo_takes_back_the_last_decisions_one_by_one(owner_client, owner):
    first = _met(owner, "Ingrid Solberg")
    second = InvitationFactory(owner=owner, name="Lena Fjeld")
    _decide(owner_client, first, "accept", **HTMX)
    _decide(owner_client, second, "skip", **HTMX)

    response = owner_client.post(reverse("invitations:review-undo"), headers=HTMX)
    assert "Lena Fjeld is back in the review" in response.content.decode()
    review = _review(owner)
    assert (review.accepted, review.skipped, review.skipped_items) == (1, 0, [])

    response = owner_client.post(reverse("invitations:review-undo"), headers=HTMX)
    assert _card_name(response) == "Ingrid Solberg"
    first.refresh_from_db()
    assert first.status == Invitation.Status.PENDING
    assert _review(owner).accepted == 0

    response = owner_client.post(reverse("invitations:review-undo"), headers=HTMX)
    assert "Nothing to undo in this review." in response.content.decode()


def test_undo_takes_back_only_the_decision_its_button_names(owner_client, owner):
    """A double press, or a tab that has not seen a later decision, takes back nothing more."""
    first = _met(owner, "Ingrid Solberg")
    second = InvitationFactory(owner=owner, name="Lena Fjeld")
    _decide(owner_client, first, "accept", **HTMX)
    page = owner_client.get(reverse("invitations:review")).content.decode()
    assert f'name="item" value="invitation:{first.pk}"' in page
    _decide(owner_client, second, "accept", **HTMX)  # in another tab

    stale = {"item": f"invitation:{first.pk}"}
    response = owner_client.post(reverse("invitations:review-undo"), stale, headers=HTMX)
    assert "Nothing undone: that decision was already taken back" in response.content.decode()
    assert _review(owner).accepted == 2

    named = {"item": f"invitation:{second.pk}"}
    owner_client.post(reverse("invitations:review-undo"), named, headers=HTMX)
    owner_client.post(reverse("invitations:review-undo"), named, headers=HTMX)  # pressed twice
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Invitation.Status.ACCEPTED, Invitation.Status.PENDING)
    assert _review(owner).accepted == 1


def test_the_summary_counts_each_decision_and_finishing_is_shown_on_the_dashboard(
    owner_client, owner
):
    accept, decline, defer, skip = (
        _met(owner, "Ingrid Solberg"),
        InvitationFactory(owner=owner, name="Lena Fjeld"),
        _almost(owner, "Almost Anna"),
        InvitationFactory(owner=owner, name="Ravi Shankar"),
    )
    for invitation, decision in ((accept, "accept"), (decline, "decline")):
        _decide(owner_client, invitation, decision, **HTMX)
    _decide(owner_client, defer, "defer", **HTMX)
    response = _decide(owner_client, skip, "skip", **HTMX)

    page = response.content.decode()
    assert _card_name(response) is None
    assert "All decided" in page and "Finish review" in page
    assert response.context["walk"].review.accepted == 1

    response = owner_client.post(reverse("invitations:review-finish"), follow=True)

    page = response.content.decode()
    summary = (
        "1 accepted, 1 declined, 1 not yet, 1 skipped; 0 kept, 0 reconnected, 0 let go, 0 snoozed"
    )
    assert f"Review finished: {summary}." in page
    today = timezone.localdate()
    assert f"Last review done on {today.day} {today:%b %Y}: {summary}." in page
    assert "1 pending invitation" in page  # the skipped one waits; the deferred one is put off
    assert _review(owner).finished_at is not None


def test_a_second_tab_deciding_the_same_invitation_is_told_and_moves_on(owner, db):
    invitation = _met(owner, "Ingrid Solberg")
    InvitationFactory(owner=owner, name="Lena Fjeld")
    first_tab, second_tab = Client(), Client()
    first_tab.force_login(owner)
    second_tab.force_login(owner)

    _decide(first_tab, invitation, "accept", **HTMX)
    response = _decide(second_tab, invitation, "decline", **HTMX)

    assert response.status_code == 200
    assert "Already accepted in another tab: Ingrid Solberg." in response.content.decode()
    assert _card_name(response) == "Lena Fjeld"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    review = _review(owner)
    assert (review.accepted, review.declined) == (1, 0)


def test_every_decision_works_as_a_plain_post_without_htmx(owner_client, owner):
    invitation = InvitationFactory(owner=owner, name="Lena Fjeld")

    response = _decide(owner_client, invitation, "decline")

    assert response.status_code == 302
    assert response["Location"] == reverse("invitations:review")
    page = owner_client.get(response["Location"]).content.decode()
    assert "Declined Lena Fjeld" in page and escape(DEFAULT_DECLINE_TEXT) in page
    response = owner_client.post(reverse("invitations:review-undo"), follow=True)
    assert "Lena Fjeld is back in the review" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_an_unknown_decision_is_named_and_changes_nothing(owner_client, owner):
    invitation = InvitationFactory(owner=owner, name="Lena Fjeld")

    response = _decide(owner_client, invitation, "obliterate", **HTMX)

    assert response.status_code == 200
    assert "Choose Accept, Decline, Not yet or Skip." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert not Review.objects.exists()


def test_another_users_invitation_posted_to_the_review_is_a_404_and_changes_nothing(
    owner_client, owner, other_user
):
    theirs = InvitationFactory(owner=other_user, name="Not yours")

    for decision in ("accept", "decline", "defer", "skip"):
        assert _decide(owner_client, theirs, decision).status_code == 404

    theirs.refresh_from_db()
    assert (theirs.status, theirs.deferred_until) == (Invitation.Status.PENDING, None)
    assert not Review.objects.exists()


@pytest.mark.parametrize("size", [10, 2000])
def test_review_card_costs_the_same_queries_at_any_size(
    owner_client, owner, django_assert_num_queries, size
):
    OwnerSettings.for_user(owner)
    contacts = Contact.objects.bulk_create(
        Contact(owner=owner, full_name=f"Person {n:04}") for n in range(size)
    )
    today = timezone.localdate()
    Interaction.objects.bulk_create(
        Interaction(
            owner=owner,
            contact=contact,
            kind=Interaction.Kind.MESSAGE,
            occurred_on=today - datetime.timedelta(days=n),
        )
        for contact in contacts
        for n in range(3)
    )
    Invitation.objects.bulk_create(
        Invitation(owner=owner, name=f"Person {n:04}", contact=contacts[n] if n % 2 else None)
        for n in range(size)
    )
    Review.objects.create(owner=owner)
    # 1 session, 2 user, 3 owner settings, 4 the open review, 5 pending invitations with their
    # contacts, 6 the events where those contacts were last met and 7 their interaction figures
    # (the policy's two aggregates), 8 the flagged weak ties (the walk's second part; none
    # here), 9 the card's last interactions.
    with django_assert_num_queries(9):
        response = owner_client.get(reverse("invitations:review"))
    assert response.context["walk"].remaining == size


def test_the_database_keeps_one_open_review_per_owner(owner, other_user):
    from django.db import IntegrityError, transaction

    from invitations.review import review_start

    first = review_start(owner)
    assert review_start(owner) == first
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(owner=owner)  # what a second tab racing the first would do
    assert review_start(other_user) != first
    assert Review.objects.filter(owner=owner, finished_at__isnull=True).count() == 1
