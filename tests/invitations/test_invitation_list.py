import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from invitations.models import Invitation
from tests.factories import ImportRunFactory, InvitationFactory

LIST = reverse("invitations:invitation-list")


def _decide(client, invitation, action, htmx=False, **data):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("invitations:invitation-decide", args=[invitation.pk]),
        {"action": action, **data},
        follow=not htmx,
        **headers,
    )


def test_the_page_shows_pending_incoming_outgoing_and_history(owner_client, owner):
    InvitationFactory(owner=owner, name="Lena Fjeld")
    InvitationFactory(
        owner=owner,
        name="Ravi Shankar",
        direction=Invitation.Direction.OUTGOING,
        sent_at=timezone.now() - datetime.timedelta(weeks=4),
    )
    InvitationFactory(owner=owner, name="Old Declined", status=Invitation.Status.DECLINED)

    page = owner_client.get(LIST).content.decode()

    assert "Lena Fjeld" in page and "Ravi Shankar" in page and "Old Declined" in page
    assert "Suggested for withdrawal" in page
    assert "https://www.linkedin.com/mynetwork/invitation-manager/" in page
    assert "You have not imported invitations from LinkedIn yet" in page


def test_the_page_says_when_invitations_were_last_imported(owner_client, owner):
    ImportRunFactory(
        owner=owner,
        kind="linkedin",
        original_name="Basic_LinkedInDataExport.zip",
        finished_at=timezone.now(),
    )

    page = owner_client.get(LIST).content.decode()

    assert "Invitations last imported on" in page and "Basic_LinkedInDataExport.zip" in page


def test_history_filters_by_decision(owner_client, owner):
    InvitationFactory(
        owner=owner, name="Declined One", status="declined", decided_at=timezone.now()
    )
    InvitationFactory(
        owner=owner, name="Accepted One", status="accepted", decided_at=timezone.now()
    )

    page = owner_client.get(LIST, {"decision": "declined"}).content.decode()

    assert "Declined One" in page and "Accepted One" not in page


def test_accepting_by_plain_post_says_so(owner_client, owner):
    invitation = InvitationFactory(owner=owner, name="Lena Fjeld")

    response = _decide(owner_client, invitation, "accept")

    assert "Accepted Lena Fjeld" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


def test_a_card_decided_in_another_tab_says_so_instead_of_failing(owner_client, owner):
    invitation = InvitationFactory(owner=owner, name="Lena Fjeld")
    invitation.decline()

    response = _decide(owner_client, invitation, "accept", htmx=True)

    assert response.status_code == 200
    assert "Already declined in another tab" in response.content.decode()
    assert "invitations-changed" in response.headers["HX-Trigger"]


def test_not_yet_without_a_date_asks_for_one_and_changes_nothing(owner_client, owner):
    invitation = InvitationFactory(owner=owner)

    response = _decide(owner_client, invitation, "defer", htmx=True)

    assert "Choose the day to see this invitation again" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "pending" and invitation.deferred_until is None


def test_undo_from_the_card_brings_the_invitation_back(owner_client, owner):
    invitation = InvitationFactory(owner=owner, name="Lena Fjeld")
    _decide(owner_client, invitation, "decline", htmx=True, message="No, thanks")

    response = _decide(owner_client, invitation, "undo", htmx=True)

    assert "Undone" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_withdrawing_an_outgoing_invitation(owner_client, owner):
    invitation = InvitationFactory(owner=owner, direction="outgoing", name="Ravi Shankar")

    response = _decide(owner_client, invitation, "withdraw")

    assert "Withdrew the invitation to Ravi Shankar" in response.content.decode()


def test_someone_elses_invitation_is_not_found(owner_client, other_user):
    invitation = InvitationFactory(owner=other_user)

    assert _decide(owner_client, invitation, "accept", htmx=True).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def _add_invitations(owner, count):
    Invitation.objects.bulk_create(
        [Invitation(owner=owner, name=f"Person {n}") for n in range(count)]
        + [Invitation(owner=owner, name=f"Out {n}", direction="outgoing") for n in range(count)]
        + [
            Invitation(owner=owner, name=f"Done {n}", status="declined", decided_at=timezone.now())
            for n in range(count)
        ]
    )


def _queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_page_makes_as_many_queries_for_2000_pending_as_for_10(owner_client, owner):
    _add_invitations(owner, 10)
    at_ten = _queries(owner_client)
    _add_invitations(owner, 1990)

    assert _queries(owner_client) == at_ten
    # session, user, pending incoming, the policy's verdict queries (settings, interactions...),
    # outgoing count + page, history count + page, declined-now-meeting, last LinkedIn import:
    # a fixed number whatever the size.
    assert at_ten == 11


def test_inviting_back_someone_once_declined_records_one_outgoing_invitation(owner_client, owner):
    declined = InvitationFactory(
        owner=owner, name="Ravi Shankar", direction="incoming", status="declined"
    )
    pending = InvitationFactory(owner=owner, name="Lena Fjeld", direction="incoming")
    url = reverse("invitations:invitation-invite", args=[declined.pk])

    response = owner_client.post(url, follow=True)

    assert "Recorded your invitation to Ravi Shankar" in response.content.decode()
    assert Invitation.objects.filter(owner=owner, direction="outgoing").count() == 1
    # Only a declined invitation can be answered with one of the owner's own.
    pending_url = reverse("invitations:invitation-invite", args=[pending.pk])
    assert owner_client.post(pending_url).status_code == 404
    assert Invitation.objects.filter(owner=owner, direction="outgoing").count() == 1
