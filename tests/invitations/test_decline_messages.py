"""Decline messages: kind words kept in the settings, offered ready to copy when declining."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from invitations.models import DEFAULT_DECLINE_TEXT, DeclineMessage, Invitation
from tests.factories import InvitationFactory

LIST = reverse("invitations:decline-message-list")


def _message(owner, title="Met first", text="Let us meet first, then connect.", **extra):
    return DeclineMessage.objects.create(owner=owner, title=title, text=text, **extra)


def test_the_kind_default_is_written_on_first_use(owner_client, owner):
    page = owner_client.get(LIST).content.decode()

    default = DeclineMessage.objects.get(owner=owner)
    assert default.is_default and default.text == DEFAULT_DECLINE_TEXT
    assert "met or worked with" in default.text
    assert "a group, at an event, or you send me a message" in default.text
    assert "(default)" in page and "I keep my network to people I have met" in page


def test_the_default_is_written_once_however_often_the_page_is_opened(owner_client, owner):
    owner_client.get(LIST)
    owner_client.get(LIST)

    assert DeclineMessage.objects.filter(owner=owner).count() == 1


def test_adding_a_message_lists_it(owner_client, owner):
    response = owner_client.post(
        LIST, {"title": "Met first", "text": "Let us meet first, then connect."}, follow=True
    )

    page = response.content.decode()
    assert "Saved the message “Met first”." in page
    assert "Let us meet first, then connect." in page
    added = DeclineMessage.objects.get(owner=owner, title="Met first")
    assert not added.is_default


def test_a_message_without_text_is_refused_and_nothing_saved(owner_client, owner):
    response = owner_client.post(LIST, {"title": "Empty", "text": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not DeclineMessage.objects.filter(title="Empty").exists()


def test_editing_a_message_changes_its_text(owner_client, owner):
    decline = _message(owner)

    response = owner_client.post(
        reverse("invitations:decline-message-edit", args=[decline.pk]),
        {"title": "Met first", "text": "Perhaps after we have met."},
        follow=True,
    )

    assert "Perhaps after we have met." in response.content.decode()
    decline.refresh_from_db()
    assert decline.text == "Perhaps after we have met."


def test_deleting_a_message_removes_it(owner_client, owner):
    decline = _message(owner)

    response = owner_client.post(
        reverse("invitations:decline-message-delete", args=[decline.pk]), follow=True
    )

    assert "Deleted the message “Met first”." in response.content.decode()
    assert not DeclineMessage.objects.filter(pk=decline.pk).exists()


def test_making_a_message_the_default_leaves_exactly_one_default(owner_client, owner):
    first = DeclineMessage.default_for(owner)
    other = _message(owner)

    response = owner_client.post(
        reverse("invitations:decline-message-default", args=[other.pk]), follow=True
    )

    assert "“Met first” is now the message offered first." in response.content.decode()
    assert list(DeclineMessage.objects.filter(owner=owner, is_default=True)) == [other]
    first.refresh_from_db()
    assert not first.is_default


def test_the_database_refuses_a_second_default(owner):
    DeclineMessage.default_for(owner)

    with pytest.raises(IntegrityError), transaction.atomic():
        _message(owner, is_default=True)

    assert DeclineMessage.objects.filter(owner=owner, is_default=True).count() == 1


def test_each_owner_has_a_default_of_their_own(owner, other_user):
    mine = DeclineMessage.default_for(owner)
    theirs = DeclineMessage.default_for(other_user)

    assert mine.pk != theirs.pk and mine.is_default and theirs.is_default


def test_the_decline_step_shows_the_default_ready_to_copy(owner_client, owner):
    invitation = InvitationFactory(owner=owner, name="Lena Fjeld")

    page = owner_client.get(
        reverse("invitations:invitation-decline", args=[invitation.pk])
    ).content.decode()

    assert '<p id="decline-text" class="copy-source">' in page
    assert 'data-copy="#decline-text"' in page
    assert "js/copy.js" in page
    assert "I keep my network to people I have met" in page


def test_the_decline_step_shows_the_chosen_message_and_stores_it(owner_client, owner):
    invitation = InvitationFactory(owner=owner, name="Lena Fjeld")
    DeclineMessage.default_for(owner)
    chosen = _message(owner)
    step = reverse("invitations:invitation-decline", args=[invitation.pk])

    page = owner_client.get(step, {"message": chosen.pk}).content.decode()

    assert '<p id="decline-text" class="copy-source">Let us meet first, then connect.</p>' in page
    assert '<input type="hidden" name="message" value="Let us meet first, then connect.">' in page
    response = owner_client.post(
        reverse("invitations:invitation-decide", args=[invitation.pk]),
        {"action": "decline", "message": chosen.text},
        follow=True,
    )
    assert "Declined Lena Fjeld." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert invitation.decline_message == "Let us meet first, then connect."


def test_the_decline_step_never_shows_another_users_message(owner_client, owner, other_user):
    invitation = InvitationFactory(owner=owner, name="Lena Fjeld")
    theirs = _message(other_user, text="Secret words of someone else")

    page = owner_client.get(
        reverse("invitations:invitation-decline", args=[invitation.pk]), {"message": theirs.pk}
    ).content.decode()

    assert "Secret words of someone else" not in page
    assert "I keep my network to people I have met" in page


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("invitations:decline-message-edit", "get"),
        ("invitations:decline-message-edit", "post"),
        ("invitations:decline-message-delete", "post"),
        ("invitations:decline-message-default", "post"),
    ],
)
def test_another_users_message_is_not_found_and_stays_as_it_was(
    owner_client, other_user, name, method
):
    theirs = _message(other_user, text="Their words")

    response = getattr(owner_client, method)(
        reverse(name, args=[theirs.pk]), {"title": "Mine now", "text": "Changed"}
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.title, theirs.text, theirs.is_default) == ("Met first", "Their words", False)
