"""Insights attacked as a hostile or careless user would: double submits, stale tabs, people
archived mid-session. Each test here failed before the fix named in its commit."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insights.models import RecallCard, RecallLog, Tie
from interactions.models import FollowUp
from invitations.models import Review
from network.models import Contact
from tests.factories import ContactFactory, UserFactory

HTMX = {"HX-Request": "true"}


def _due_now(owner, *names: str) -> list[Contact]:
    people = [ContactFactory(owner=owner, full_name=name) for name in names]
    RecallCard.objects.bulk_create(
        RecallCard(
            contact=person,
            owner=owner,
            state=1,
            step=0,
            due=timezone.now() - datetime.timedelta(hours=1),
        )
        for person in people
    )
    return people


def _answer(client, contact: Contact, rating: str = "3"):
    return client.post(
        reverse("insights:recall-answer", args=[contact.pk]), {"rating": rating, "reviews": "0"}
    )


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Recall: the undo button takes back the answer it names ------------------------------------------


def test_undo_from_a_stale_tab_takes_back_the_answer_its_button_names(owner_client, owner):
    ana, bo = _due_now(owner, "Ana Lima", "Bo Berg")
    _answer(owner_client, ana, "3")
    stale = owner_client.get(reverse("insights:recall-reveal", args=[ana.pk]))
    assert "Undo Yes for Ana Lima" in stale.content.decode()
    _answer(owner_client, bo, "1")  # another tab, meanwhile

    ana_log = RecallLog.objects.get(contact=ana)
    response = owner_client.post(reverse("insights:recall-undo"), {"log": ana_log.pk}, follow=True)

    assert _messages(response) == ["Undone: Yes for Ana Lima. Answer again."]
    assert RecallLog.objects.get(contact=ana).undone_at is not None
    assert RecallLog.objects.get(contact=bo).undone_at is None
    assert RecallCard.objects.get(pk=bo.pk).reviews == 1


def test_pressing_undo_twice_takes_back_one_answer(owner_client, owner):
    ana, bo = _due_now(owner, "Ana Lima", "Bo Berg")
    _answer(owner_client, ana, "3")
    _answer(owner_client, bo, "1")
    page = owner_client.get(reverse("insights:recall-reveal", args=[bo.pk]))
    assert "Undo No idea for Bo Berg" in page.content.decode()
    bo_log = RecallLog.objects.get(contact=bo)

    owner_client.post(reverse("insights:recall-undo"), {"log": bo_log.pk})
    response = owner_client.post(reverse("insights:recall-undo"), {"log": bo_log.pk}, follow=True)

    assert _messages(response)[-1] == (
        "Nothing undone: that answer was already taken back, or is not from today."
    )
    assert RecallLog.objects.get(contact=ana).undone_at is None
    assert RecallCard.objects.get(pk=ana.pk).reviews == 1


def test_undo_naming_another_owners_answer_changes_nothing_of_theirs(
    owner_client, owner, other_user
):
    (theirs,) = _due_now(other_user, "Ana Lima")
    intruder = Client()
    intruder.force_login(other_user)
    _answer(intruder, theirs)
    their_log = RecallLog.objects.get(owner=other_user)

    response = owner_client.post(
        reverse("insights:recall-undo"), {"log": their_log.pk}, follow=True
    )

    assert _messages(response) == [
        "Nothing undone: that answer was already taken back, or is not from today."
    ]
    their_log.refresh_from_db()
    assert their_log.undone_at is None
    assert RecallCard.objects.get(pk=theirs.pk).reviews == 1


# Recall: someone archived while their check is on screen -----------------------------------------


def test_a_check_answered_after_the_person_was_archived_is_refused_and_says_why(
    owner_client, owner
):
    ana, bo = _due_now(owner, "Ana Lima", "Bo Berg")
    never_carded = ContactFactory(owner=owner, full_name="Cy Dahl")
    for person in (ana, never_carded):
        Contact.objects.filter(pk=person.pk).update(is_archived=True)  # in another tab

    for person in (ana, never_carded):
        response = owner_client.post(
            reverse("insights:recall-answer", args=[person.pk]),
            {"rating": "3", "reviews": "0"},
            follow=True,
        )
        assert _messages(response) == [f"{person.full_name} was archived: no check for them."]
    assert not RecallLog.objects.exists()
    assert RecallCard.objects.get(pk=ana.pk).reviews == 0
    assert response.context["contact"] == bo  # the session goes on with the next check


# Weak-tie review: two tabs deciding the same tie at the same instant ----------------------------


def _flagged(owner, name: str) -> Tie:
    contact = ContactFactory(owner=owner, full_name=name)
    return Tie.objects.create(
        contact=contact,
        owner=owner,
        score=12,
        explanation="last met 8 months ago",
        layer=3,
        cadence_days=90,
        health=Tie.Health.FLAGGED,
        weak_reason="silence_cadence",
        weak_text="silent for 8 months; ties in your closest 50 are in touch every few months",
        flagged_on=timezone.localdate() - datetime.timedelta(days=1),
    )


def _at_once(owner, posts: list[tuple[str, dict]]) -> list:
    """Each post from its own thread and database connection, released together."""
    clients = [Client() for _ in posts]
    for client in clients:
        client.force_login(owner)
    barrier, statuses = threading.Barrier(len(posts)), [None] * len(posts)

    def post(index: int) -> None:
        try:
            barrier.wait()
            url, data = posts[index]
            statuses[index] = clients[index].post(url, data, headers=HTMX).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(index,)) for index in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.django_db(transaction=True)
def test_two_tabs_reconnecting_at_the_same_instant_make_one_follow_up_and_count_once():
    """On PostgreSQL the decision's UPDATE went through "pk IN (SELECT ... JOIN contact)", which
    is not re-checked on the row the other tab had just changed: both tabs decided."""
    owner = UserFactory(username="owner")
    Review.objects.create(owner=owner)
    today = timezone.localdate().isoformat()
    for round_ in range(4):
        tie = _flagged(owner, f"Ana Lima {round_}")
        url = reverse("insights:review-tie-decide", args=[tie.pk])
        data = {"decision": "reconnect", "follow_up_on": today}

        assert _at_once(owner, [(url, data), (url, data)]) == [200, 200]

        assert FollowUp.objects.filter(contact_id=tie.pk).count() == 1
    assert Review.objects.get(owner=owner).reconnected == 4


@pytest.mark.django_db(transaction=True)
def test_two_tabs_letting_go_at_the_same_instant_count_once():
    owner = UserFactory(username="owner")
    Review.objects.create(owner=owner)
    for round_ in range(4):
        tie = _flagged(owner, f"Bo Berg {round_}")
        url = reverse("insights:review-tie-decide", args=[tie.pk])
        keep, let_go = {"decision": "keep"}, {"decision": "let_go", "archive": "1"}

        assert _at_once(owner, [(url, keep), (url, let_go)]) == [200, 200]

        tie.refresh_from_db()
        tie.contact.refresh_from_db()
        # One decision stands, whole: kept (quiet, active), or let go (and archived).
        assert (tie.quiet_until is None) == (tie.let_go_on is not None)
        assert tie.contact.is_archived == (tie.let_go_on is not None)
    review = Review.objects.get(owner=owner)
    assert review.kept + review.let_go == 4


# Weak-tie review: a decided tie reads as decided at once, not after the nightly run -------------


@pytest.mark.parametrize("decision", ["keep", "reconnect", "let_go"])
def test_a_decided_tie_is_no_longer_shown_flagged_nor_waiting_and_undo_flags_it_again(
    owner_client, owner, decision
):
    tie = _flagged(owner, "Ana Lima")
    Contact.objects.filter(pk=tie.pk).update(
        last_interaction_on=timezone.localdate() - datetime.timedelta(days=240)
    )
    owner_client.post(
        reverse("insights:review-tie-decide", args=[tie.pk]),
        {"decision": decision, "follow_up_on": timezone.localdate().isoformat()},
    )

    counts = owner_client.get(reverse("insights:dashboard")).context["counts"]
    assert (counts["flagged"], counts["layer_3_flagged"], counts["layer_3_drifting"]) == (0, 0, 1)
    page = owner_client.get(tie.contact.get_absolute_url()).content.decode()
    assert "waiting for a weekly review" not in page
    assert "badge health-flagged" not in page

    owner_client.post(reverse("invitations:review-undo"))

    counts = owner_client.get(reverse("insights:dashboard")).context["counts"]
    assert (counts["flagged"], counts["layer_3_flagged"], counts["layer_3_drifting"]) == (1, 1, 0)
    assert "Flagged for the weekly review since" in (
        owner_client.get(tie.contact.get_absolute_url()).content.decode()
    )
