"""Accept, decline, not yet, withdraw and undo: each one conditional update, so of two tabs
deciding the same invitation exactly one wins and the other is told."""

import datetime
import threading

import pytest
from django.db import connections

from invitations.models import Invitation
from network.models import Contact
from tests.factories import ContactFactory, InteractionFactory, InvitationFactory

TODAY = datetime.date(2026, 4, 20)


def _incoming(owner, **kwargs) -> Invitation:
    return InvitationFactory(owner=owner, direction=Invitation.Direction.INCOMING, **kwargs)


def test_accepting_a_stranger_makes_them_a_connected_contact(owner):
    invitation = _incoming(
        owner,
        name="Lena  Fjeld",
        headline="Climate data at Nordlys",
        profile_url="https://linkedin.com/in/lena-fjeld-3a9b1c/",
        source=Invitation.Source.LINKEDIN,
    )

    assert invitation.accept(today=TODAY)

    contact = Contact.objects.owned_by(owner).get()
    assert (contact.full_name, contact.title) == ("Lena Fjeld", "Climate data at Nordlys")
    assert contact.linkedin_url == "https://www.linkedin.com/in/lena-fjeld-3a9b1c"
    assert contact.source == Contact.Source.LINKEDIN
    assert (contact.linkedin_status, contact.connected_on) == ("connected", TODAY)
    assert invitation.status == "accepted" and invitation.contact == contact
    assert invitation.decided_at is not None


def test_accepting_someone_already_known_by_profile_keeps_one_person(owner):
    known = ContactFactory(owner=owner, linkedin_url="https://www.linkedin.com/in/ravi-shankar")
    invitation = _incoming(owner, profile_url="https://www.linkedin.com/in/ravi-shankar/")

    assert invitation.accept(today=TODAY)

    assert Contact.objects.owned_by(owner).count() == 1
    known.refresh_from_db()
    assert (known.linkedin_status, known.connected_on) == ("connected", TODAY)
    assert invitation.contact == known


def test_undoing_an_acceptance_removes_the_contact_it_created(owner):
    invitation = _incoming(owner, name="Lena Fjeld")
    invitation.accept(today=TODAY)

    assert invitation.undo()

    assert not Contact.objects.owned_by(owner).exists()
    assert (invitation.status, invitation.decided_at, invitation.contact) == ("pending", None, None)
    assert invitation.undo_state == {}


def test_undoing_an_acceptance_keeps_a_created_contact_with_a_meeting_logged(owner):
    invitation = _incoming(owner, name="Lena Fjeld")
    invitation.accept(today=TODAY)
    InteractionFactory(owner=owner, contact=invitation.contact)

    assert invitation.undo()

    contact = Contact.objects.owned_by(owner).get()
    assert (contact.linkedin_status, contact.connected_on) == ("not_connected", None)


def test_undoing_an_acceptance_restores_the_contacts_earlier_linkedin_state(owner):
    contact = ContactFactory(
        owner=owner, linkedin_status="removed", connected_on=datetime.date(2020, 1, 2)
    )
    invitation = _incoming(owner, contact=contact)
    invitation.accept(today=TODAY)

    assert invitation.undo()

    contact.refresh_from_db()
    assert (contact.linkedin_status, contact.connected_on) == ("removed", datetime.date(2020, 1, 2))
    assert invitation.contact == contact and invitation.status == "pending"


def test_decline_keeps_the_message_and_undo_clears_it(owner):
    invitation = _incoming(owner)

    assert invitation.decline(message="I connect with people I have met.")
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert invitation.decline_message == "I connect with people I have met."

    assert invitation.undo()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.decline_message) == ("pending", "")


def test_not_yet_hides_the_invitation_until_the_date_and_undo_brings_it_back(owner):
    invitation = _incoming(owner)

    assert invitation.defer(TODAY + datetime.timedelta(days=14))
    pending = Invitation.objects.owned_by(owner).pending_incoming
    assert not pending(TODAY).exists()
    assert pending(TODAY + datetime.timedelta(days=14)).get() == invitation

    assert invitation.undo()
    assert pending(TODAY).get().deferred_until is None


def test_withdraw_is_for_outgoing_invitations_only(owner):
    outgoing = InvitationFactory(owner=owner, direction=Invitation.Direction.OUTGOING)
    incoming = _incoming(owner)

    assert outgoing.withdraw() and outgoing.status == "withdrawn"
    assert not incoming.withdraw() and incoming.status == "pending"
    assert not outgoing.accept()
    assert outgoing.undo() and outgoing.status == "pending"
    assert Invitation.objects.owned_by(owner).pending_outgoing().get() == outgoing


def test_a_second_tab_deciding_late_is_refused_and_sees_the_first_decision(owner):
    invitation = _incoming(owner)
    other_tab = Invitation.objects.get(pk=invitation.pk)

    assert invitation.decline()
    assert not other_tab.accept(today=TODAY)

    assert other_tab.status == "declined"
    assert not Contact.objects.owned_by(owner).exists()


def test_undo_twice_from_two_tabs_undoes_once(owner):
    invitation = _incoming(owner)
    invitation.decline()
    other_tab = Invitation.objects.get(pk=invitation.pk)

    assert invitation.undo()
    assert not other_tab.undo()
    assert other_tab.status == "pending"


def test_an_undecided_invitation_has_nothing_to_undo(owner):
    assert not _incoming(owner).undo()


@pytest.mark.django_db(transaction=True)
def test_two_clients_deciding_at_once_exactly_one_wins(owner):
    """Real concurrency: two threads, two connections, one invitation. On SQLite the database
    lock serialises them; on PostgreSQL the row lock does, and the loser's WHERE no longer
    matches."""
    invitation = _incoming(owner, name="Lena Fjeld")
    barrier = threading.Barrier(2)
    results: dict[str, bool] = {}

    def decide(how: str) -> None:
        mine = Invitation.objects.get(pk=invitation.pk)
        barrier.wait()
        try:
            results[how] = mine.accept(today=TODAY) if how == "accept" else mine.decline()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(how,)) for how in ("accept", "decline")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results.values()) == [False, True]
    invitation.refresh_from_db()
    winner = "accepted" if results["accept"] else "declined"
    assert invitation.status == winner
    assert Contact.objects.owned_by(owner).count() == (1 if winner == "accepted" else 0)
