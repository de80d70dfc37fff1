"""Adding an invitation by hand: paste a profile address, Kith fills in the rest it can."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from invitations.forms import name_from_profile_url
from invitations.models import Invitation
from tests.factories import InvitationFactory

ADD = reverse("invitations:invitation-add")


def _add(client, **data):
    return client.post(ADD, {"direction": "incoming", "name": "", **data}, follow=True)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.linkedin.com/in/lena-fjeld-3a9b1c", "Lena Fjeld"),
        ("https://www.linkedin.com/in/ravi-shankar/", "Ravi Shankar"),
        ("https://www.linkedin.com/in/anne-marie-olsen-12345", "Anne Marie Olsen"),
        ("https://www.linkedin.com/in/3a9b1c", ""),
    ],
)
def test_the_name_is_read_from_the_profile_slug(url, name):
    assert name_from_profile_url(url) == name


def test_pasting_a_profile_address_alone_adds_an_incoming_invitation_named_from_it(
    owner_client, owner
):
    response = _add(owner_client, profile_url="linkedin.com/in/Lena-Fjeld-3a9b1c")

    assert "Added the invitation of Lena Fjeld." in response.content.decode()
    invitation = Invitation.objects.get(owner=owner)
    assert invitation.name == "Lena Fjeld"
    assert invitation.profile_url == "https://www.linkedin.com/in/lena-fjeld-3a9b1c"
    assert invitation.direction == Invitation.Direction.INCOMING
    assert invitation.source == Invitation.Source.MANUAL
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.sent_at.date() == timezone.localdate()


def test_an_outgoing_invitation_with_headline_message_and_date(owner_client, owner):
    day = timezone.localdate() - datetime.timedelta(days=10)

    _add(
        owner_client,
        direction="outgoing",
        profile_url="https://www.linkedin.com/in/ravi-shankar",
        name="  Ravi   Shankar ",
        headline="Head of Product",
        message="We met at Oslo Innovation Week",
        sent_on=day.isoformat(),
    )

    invitation = Invitation.objects.get(owner=owner)
    assert invitation.direction == Invitation.Direction.OUTGOING
    assert invitation.name == "Ravi Shankar"
    assert invitation.headline == "Head of Product"
    assert invitation.message == "We met at Oslo Innovation Week"
    assert timezone.localtime(invitation.sent_at).date() == day


def test_a_name_typed_in_wins_over_the_slug(owner_client, owner):
    _add(owner_client, profile_url="https://www.linkedin.com/in/lfjeld", name="Lena Fjeld")

    assert Invitation.objects.get(owner=owner).name == "Lena Fjeld"


def test_a_name_without_a_profile_address_is_enough(owner_client, owner):
    _add(owner_client, name="Met at the summit")

    invitation = Invitation.objects.get(owner=owner)
    assert invitation.name == "Met at the summit" and invitation.profile_url == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"profile_url": "https://example.com/in/lena-fjeld"},
            "Enter a LinkedIn profile address",
        ),
        (
            {"profile_url": "https://www.linkedin.com/company/acme"},
            "does not point at a person",
        ),
        (
            {"profile_url": "https://www.linkedin.com/in/3a9b1c"},
            "Enter the person&#x27;s name: the profile address does not spell it out.",
        ),
        ({}, "Enter the person&#x27;s name"),
        (
            {"name": "Lena Fjeld", "direction": "sideways"},
            "Select a valid choice",
        ),
    ],
    ids=["not-linkedin", "not-a-profile", "id-only-slug", "nothing", "bad-direction"],
)
def test_bad_input_is_named_and_saves_nothing(owner_client, owner, data, message):
    response = _add(owner_client, **data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_date_in_the_future_is_refused(owner_client, owner):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = _add(owner_client, name="Lena Fjeld", sent_on=tomorrow.isoformat())

    assert "The invitation date cannot be in the future." in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "url", ["http://[::1", "https://[::1]:99999/in/x", "https://www.linkedin.com/in/a\nb", "::"]
)
def test_unreadable_addresses_get_a_message_never_a_500(owner_client, owner, url):
    response = _add(owner_client, profile_url=url, name="Lena Fjeld")

    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert not Invitation.objects.exists()


def test_adding_leaves_another_users_invitations_alone(owner_client, owner, other_user):
    theirs = InvitationFactory(
        owner=other_user, name="Lena Fjeld", profile_url="https://www.linkedin.com/in/lena-fjeld"
    )

    _add(owner_client, profile_url="https://www.linkedin.com/in/lena-fjeld")

    mine = Invitation.objects.get(owner=owner)
    assert mine.pk != theirs.pk and mine.name == "Lena Fjeld"
    theirs.refresh_from_db()
    assert theirs.owner == other_user and theirs.status == Invitation.Status.PENDING
    assert list(Invitation.objects.filter(owner=other_user)) == [theirs]
