"""The confirmation after "Log a meeting": what was logged, the follow-ups set, and its undo."""

import datetime
import uuid

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interactions.models import Event, FollowUp, Interaction
from network.models import Contact
from tests.factories import ContactFactory, EventFactory, FollowUpFactory, InteractionFactory
from tests.interactions.test_log_meeting import _post

UNDO_URL = reverse("interactions:log-undo")
TODAY = timezone.localdate


def _log_at_a_new_event(client, owner):
    """Ingrid (known, follow-up in a week) and Mette (new) met at a new event."""
    ingrid = ContactFactory(owner=owner, full_name="Ingrid Solberg")
    response = _post(
        client,
        rows=[
            {"contact": ingrid.pk, "follow_up": "7", "note": "Send the storage report"},
            {"full_name": "Mette Kruse", "stands_for": "Cities should own their grids"},
        ],
    )
    batch = Interaction.objects.filter(owner=owner).values_list("batch", flat=True).first()
    return ingrid, response["Location"], batch


def test_the_confirmation_lists_the_follow_ups_set(owner_client, owner):
    _, confirmation, _ = _log_at_a_new_event(owner_client, owner)
    page = owner_client.get(confirmation).content.decode()
    follow_ups = page[page.index("Follow-ups set") :]
    due = TODAY() + datetime.timedelta(days=7)
    assert f'Ingrid Solberg <span class="muted">due {due.day} {due:%b %Y}</span>' in follow_ups
    assert "Mette Kruse" not in follow_ups
    assert "Undo this log" in page


def test_a_log_without_follow_ups_says_so(owner_client, owner):
    contact = ContactFactory(owner=owner)
    response = _post(owner_client, event="none", rows=[{"contact": contact.pk}])
    assert "No follow-ups set." in owner_client.get(response["Location"]).content.decode()


def test_undo_this_log_removes_the_whole_batch_and_nothing_else(owner_client, owner):
    ingrid, confirmation, batch = _log_at_a_new_event(owner_client, owner)
    earlier = InteractionFactory(
        owner=owner, contact=ingrid, occurred_on=TODAY() - datetime.timedelta(days=30)
    )
    ingrid.refresh_from_db()

    response = owner_client.post(UNDO_URL, {"batch": batch}, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("interactions:log-meeting")
    assert (
        "Undone: removed 2 interactions; 1 follow-up; the new person Mette Kruse; "
        "the event Nordic Innovation Summit." in page
    )
    assert list(Interaction.objects.filter(owner=owner)) == [earlier]
    assert not FollowUp.objects.exists()
    assert list(Contact.objects.filter(owner=owner)) == [ingrid]
    assert not Event.objects.exists()
    ingrid.refresh_from_db()
    assert (ingrid.last_interaction_on, ingrid.in_person_count) == (earlier.occurred_on, 1)
    # The confirmation of an undone log has nothing left to show.
    assert owner_client.get(confirmation)["Location"] == reverse("interactions:log-meeting")


def test_undo_keeps_follow_ups_the_log_settled_settled(owner_client, owner):
    """ "Restores nothing else": a follow-up closed by logging the meeting stays done."""
    contact = ContactFactory(owner=owner)
    older = FollowUpFactory(owner=owner, contact=contact)
    FollowUp.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    _post(owner_client, event="none", rows=[{"contact": contact.pk}])
    batch = Interaction.objects.get().batch
    older.refresh_from_db()
    assert older.done_at is not None

    owner_client.post(UNDO_URL, {"batch": batch})
    older.refresh_from_db()
    assert older.done_at is not None
    assert not Interaction.objects.exists()


def test_undo_keeps_a_new_person_who_has_something_else_since(owner_client, owner):
    _, _, batch = _log_at_a_new_event(owner_client, owner)
    mette = Contact.objects.get(owner=owner, full_name="Mette Kruse")
    owner_client.post(
        reverse("interactions:quick-log", args=[mette.pk]),
        {"kind": "call", "occurred_on": TODAY().isoformat()},
    )

    page = owner_client.post(UNDO_URL, {"batch": batch}, follow=True).content.decode()

    assert "Undone: removed 2 interactions; 1 follow-up; the event" in page
    mette.refresh_from_db()
    assert list(mette.interactions.values_list("kind", flat=True)) == ["call"]
    assert (mette.in_person_count, mette.other_interaction_count) == (0, 1)


def test_undo_leaves_an_existing_event_and_its_other_people(owner_client, owner):
    event = EventFactory(owner=owner)
    already = InteractionFactory(owner=owner, event=event, occurred_on=event.date)
    contact = ContactFactory(owner=owner)
    _post(owner_client, event=str(event.pk), rows=[{"contact": contact.pk}])
    batch = Interaction.objects.get(contact=contact).batch

    owner_client.post(UNDO_URL, {"batch": batch})

    assert list(Event.objects.all()) == [event]
    assert list(Interaction.objects.all()) == [already]


def test_undo_with_htmx_replaces_the_confirmation_in_place(owner_client, owner):
    _, _, batch = _log_at_a_new_event(owner_client, owner)
    response = owner_client.post(UNDO_URL, {"batch": batch}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="log-result"')
    assert "Log undone" in page
    assert "the new person Mette Kruse" in page
    assert "Undo this log" not in page
    assert not Interaction.objects.exists()


def test_a_second_undo_has_nothing_to_undo(owner_client, owner):
    _, _, batch = _log_at_a_new_event(owner_client, owner)
    owner_client.post(UNDO_URL, {"batch": batch})
    page = owner_client.post(UNDO_URL, {"batch": batch}, follow=True).content.decode()
    assert "There is nothing to undo: this log was already undone." in page


def test_a_malformed_batch_is_nothing_to_undo(owner_client, owner):
    for value in ("", "not-a-uuid", "\x00", str(uuid.uuid4())):
        page = owner_client.post(UNDO_URL, {"batch": value}, follow=True).content.decode()
        assert "There is nothing to undo" in page


def test_another_user_cannot_undo_my_log(owner_client, owner, other_user):
    _, _, batch = _log_at_a_new_event(owner_client, owner)
    intruder = Client()
    intruder.force_login(other_user)
    page = intruder.post(UNDO_URL, {"batch": batch}, follow=True).content.decode()
    assert "There is nothing to undo" in page
    assert Interaction.objects.filter(owner=owner).count() == 2
    assert Contact.objects.filter(owner=owner, full_name="Mette Kruse").exists()


def test_a_form_submitted_again_after_its_undo_logs_nothing(owner_client, owner):
    contact = ContactFactory(owner=owner)
    batch = uuid.uuid4()
    _post(owner_client, batch=batch, event="none", rows=[{"contact": contact.pk}])
    owner_client.post(UNDO_URL, {"batch": batch})
    response = _post(owner_client, batch=batch, event="none", rows=[{"contact": contact.pk}])
    assert response.status_code == 302
    assert not Interaction.objects.exists()


def test_undoing_thirty_people_costs_the_same_as_undoing_three(
    owner_client, owner, django_assert_num_queries
):
    def undo(count):
        known = ContactFactory.create_batch(count, owner=owner)
        rows = [{"contact": c.pk, "follow_up": "7"} for c in known] + [
            {"full_name": f"New {n}", "checked": f"New {n}"} for n in range(count)
        ]
        batch = uuid.uuid4()
        assert _post(owner_client, batch=batch, rows=rows).status_code == 302
        with django_assert_num_queries(QUERIES_TO_UNDO):
            owner_client.post(UNDO_URL, {"batch": batch})
        assert not Interaction.objects.filter(batch=batch).exists()

    undo(3)
    undo(30)


# 1 session, 2 user, savepoint 3 and release 29, 4 claim the undo, 5 the log, 6-7 its people
# and event, 8 its follow-ups, 9-11 its interactions (found, follow-ups unlinked, deleted),
# 12 the new people left alone, 13-23 their deletion (found, their interactions, tags, log
# links, follow-ups, invitations, introduction requests, recall cards, recall log, ties, the
# rows), 24-27 the event it created, now empty (named, found, unlinked, deleted), 28 the
# figures on Contact. (Ties are recomputed after the commit, outside this count.)
QUERIES_TO_UNDO = 29
