"""Introduction requests: recorded between two of the owner's contacts, judged with evidence of
how well the owner knows each side, decided with a drafted text, undone, shown on both pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions.models import Interaction
from interactions.stats import contacts_refresh_interaction_stats
from invitations.models import IntroductionRequest
from network.models import Contact
from tests.factories import (
    ContactFactory,
    EventFactory,
    InteractionFactory,
    IntroductionRequestFactory,
)

Status = IntroductionRequest.Status


@pytest.fixture
def ravi(owner):
    return ContactFactory(
        owner=owner,
        full_name="Ravi Shankar",
        title="Founder",
        company="Loom Labs",
        stands_for="Makes hiring humane",
    )


@pytest.fixture
def lena(owner):
    return ContactFactory(
        owner=owner, full_name="Lena Fjeld", title="CTO", company="Fjord", stands_for=""
    )


@pytest.fixture
def introduction(owner, ravi, lena):
    return IntroductionRequestFactory(
        owner=owner, requester=ravi, target=lena, reason="wants advice on hiring a first engineer"
    )


def _detail(client, introduction) -> str:
    response = client.get(reverse("invitations:introduction-detail", args=[introduction.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _decide(client, introduction, decision: str):
    return client.post(
        reverse("invitations:introduction-decide", args=[introduction.pk]),
        {"decision": decision},
        follow=True,
    )


def test_a_request_between_two_contacts_is_recorded_with_its_reason(owner_client, ravi, lena):
    response = owner_client.post(
        reverse("invitations:introduction-create"),
        {"requester": ravi.pk, "target": lena.pk, "reason": "Hiring advice"},
        follow=True,
    )

    introduction = IntroductionRequest.objects.get()
    assert (introduction.requester, introduction.target) == (ravi, lena)
    assert introduction.reason == "Hiring advice"
    assert introduction.status == Status.OPEN
    assert "Request recorded: Ravi Shankar asks to meet Lena Fjeld." in response.content.decode()


def test_a_double_submit_records_one_waiting_request(owner_client, ravi, lena):
    data = {"requester": ravi.pk, "target": lena.pk, "reason": "Hiring advice"}
    url = reverse("invitations:introduction-create")
    first = owner_client.post(url, data)
    second = owner_client.post(url, data, follow=True)

    introduction = IntroductionRequest.objects.get()
    assert first["Location"] == second.redirect_chain[-1][0]
    assert "This request is already waiting: Ravi Shankar asks to meet Lena Fjeld." in (
        second.content.decode()
    )
    _decide(owner_client, introduction, "declined")
    owner_client.post(url, data)  # asked again after a decline: a new request
    assert IntroductionRequest.objects.count() == 2


def test_someone_cannot_be_introduced_to_themselves(owner_client, ravi):
    response = owner_client.post(
        reverse("invitations:introduction-create"), {"requester": ravi.pk, "target": ravi.pk}
    )

    assert response.status_code == 200
    assert "cannot be introduced to themselves" in response.content.decode()
    assert not IntroductionRequest.objects.exists()


def test_a_person_of_another_network_cannot_be_chosen(owner_client, other_user, ravi):
    stranger = ContactFactory(owner=other_user, full_name="Secret Stranger")

    response = owner_client.post(
        reverse("invitations:introduction-create"), {"requester": ravi.pk, "target": stranger.pk}
    )

    assert "Choose whom they would meet among your contacts." in response.content.decode()
    assert "Secret Stranger" not in response.content.decode()
    assert not IntroductionRequest.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"requester": "abc", "target": "1; DROP TABLE"},
        {"requester": "999999", "target": ""},
        {"requester": "9" * 20, "target": "²"},
    ],
)
def test_missing_or_garbage_choices_get_a_message_and_record_nothing(owner_client, data):
    response = owner_client.post(reverse("invitations:introduction-create"), data)

    assert response.status_code == 200
    assert "Choose" in response.content.decode()
    assert not IntroductionRequest.objects.exists()


def test_the_search_field_suggests_the_owners_matching_contacts(owner_client, other_user, ravi):
    ContactFactory(owner=other_user, full_name="Ravi Other")

    response = owner_client.get(
        reverse("invitations:introduction-people"),
        {"side": "target", "target_q": "ravi"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert 'name="target"' in body and f'value="{ravi.pk}"' in body
    assert "Ravi Other" not in body
    assert "<html" not in body


def test_a_search_with_an_id_that_cannot_be_one_still_suggests(owner_client, ravi):
    response = owner_client.get(
        reverse("invitations:introduction-people"),
        {"side": "requester", "requester": "9" * 20, "requester_q": "ravi"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert f'value="{ravi.pk}"' in response.content.decode()


def test_a_new_search_keeps_the_person_already_chosen(owner_client, ravi):
    response = owner_client.get(
        reverse("invitations:introduction-people"),
        {"side": "requester", "requester": ravi.pk, "requester_q": "nobody matches this"},
        headers={"HX-Request": "true"},
    )

    assert f'name="requester" value="{ravi.pk}" checked' in response.content.decode()


def test_without_javascript_find_lists_the_matches_and_keeps_the_other_choice(
    owner_client, ravi, lena
):
    response = owner_client.post(
        reverse("invitations:introduction-create"),
        {"requester": ravi.pk, "target_q": "fjeld", "find": "target", "reason": "Hiring"},
    )

    body = response.content.decode()
    assert f'name="requester" value="{ravi.pk}" checked' in body
    assert f'name="target" value="{lena.pk}"' in body
    assert "Hiring" in body
    assert not IntroductionRequest.objects.exists()


def test_the_detail_says_in_words_how_well_the_owner_knows_each_side(
    owner_client, owner, introduction, ravi
):
    event = EventFactory(owner=owner, name="Nordic Innovation Summit")
    met_on = timezone.localdate() - datetime.timedelta(days=10)
    InteractionFactory(owner=owner, contact=ravi, event=event, occurred_on=met_on)
    contacts_refresh_interaction_stats(Contact.objects.filter(owner=owner))

    body = _detail(owner_client, introduction)

    assert f"Last interaction on {met_on:%-d %b %Y}" in body
    assert "Met in person once" in body
    assert "Stands for: Makes hiring humane" in body
    assert "No interaction logged with Lena Fjeld" in body
    assert "Never met in person" in body
    assert "You have not noted what Lena stands for" in body
    assert "Meets your policy" in body
    assert "Does not meet your policy" in body


def test_introducing_drafts_a_text_naming_both_and_the_reason(owner_client, introduction):
    body = _detail(owner_client, introduction)

    assert "Hi Ravi, hi Lena," in body
    assert "Ravi Shankar (Founder at Loom Labs), who asked me for this introduction." in body
    assert "Wants advice on hiring a first engineer." in body

    response = _decide(owner_client, introduction, Status.INTRODUCED)

    introduction.refresh_from_db()
    assert introduction.status == Status.INTRODUCED
    assert introduction.decided_at is not None
    assert "Marked as introduced" in response.content.decode()


def test_asking_the_target_first_drafts_a_question_to_the_target(owner_client, introduction):
    body = _detail(owner_client, introduction)
    assert "Hi Lena," in body
    assert "Would you like me to make the introduction?" in body

    _decide(owner_client, introduction, Status.ASKED_TARGET)
    introduction.refresh_from_db()
    assert introduction.status == Status.ASKED_TARGET

    # The target said yes: the introduction still follows.
    _decide(owner_client, introduction, Status.INTRODUCED)
    introduction.refresh_from_db()
    assert introduction.status == Status.INTRODUCED


def test_declining_drafts_a_kind_reply_honest_about_not_knowing_the_target(
    owner_client, introduction
):
    body = _detail(owner_client, introduction)
    assert "Thank you for asking me to introduce you to Lena Fjeld." in body
    assert "I don&#x27;t know Lena well enough to make a good introduction" in body

    response = _decide(owner_client, introduction, Status.DECLINED)

    introduction.refresh_from_db()
    assert introduction.status == Status.DECLINED
    assert "Copy the kind reply and send it to Ravi Shankar" in response.content.decode()


def test_every_decision_can_be_undone_back_to_open(owner_client, introduction):
    for decision in (Status.INTRODUCED, Status.ASKED_TARGET, Status.DECLINED):
        _decide(owner_client, introduction, decision)
        response = owner_client.post(
            reverse("invitations:introduction-undo", args=[introduction.pk]), follow=True
        )
        introduction.refresh_from_db()
        assert introduction.status == Status.OPEN
        assert introduction.decided_at is None
        assert "waits for your decision again" in response.content.decode()


def test_a_decision_made_in_another_tab_wins_and_the_second_is_told(owner_client, introduction):
    _decide(owner_client, introduction, Status.DECLINED)

    response = _decide(owner_client, introduction, Status.INTRODUCED)

    introduction.refresh_from_db()
    assert introduction.status == Status.DECLINED
    assert "already marked “Declined”" in response.content.decode()


def test_an_unknown_decision_changes_nothing(owner_client, introduction):
    response = _decide(owner_client, introduction, "delete_everything")

    introduction.refresh_from_db()
    assert introduction.status == Status.OPEN
    assert "Choose introduce, ask first or decline." in response.content.decode()


def test_the_outcome_note_is_kept_and_a_too_long_one_changes_nothing(owner_client, introduction):
    url = reverse("invitations:introduction-outcome", args=[introduction.pk])
    owner_client.post(url, {"outcome": "They met for coffee; Ravi hired through Lena."})
    response = owner_client.post(url, {"outcome": "x" * 2001}, follow=True)

    introduction.refresh_from_db()
    assert introduction.outcome == "They met for coffee; Ravi hired through Lena."
    assert "The note is too long" in response.content.decode()


def test_both_contact_pages_show_the_request(owner_client, introduction, ravi, lena):
    ravi_page = owner_client.get(ravi.get_absolute_url()).content.decode()
    lena_page = owner_client.get(lena.get_absolute_url()).content.decode()

    assert "Asked you to introduce them to Lena Fjeld" in ravi_page
    assert "Ravi Shankar asked to be introduced to them" in lena_page
    detail_url = reverse("invitations:introduction-detail", args=[introduction.pk])
    assert detail_url in ravi_page and detail_url in lena_page


def test_the_list_shows_waiting_requests_before_decided_ones(owner_client, owner, introduction):
    decided = IntroductionRequestFactory(owner=owner, status=Status.DECLINED)
    IntroductionRequest.objects.filter(pk=decided.pk).update(
        created_at=timezone.now() + datetime.timedelta(days=1)
    )

    response = owner_client.get(reverse("invitations:introduction-list"))

    listed = list(response.context["page"].object_list)
    assert listed == [introduction, decided]
    assert "Waiting for your decision" in response.content.decode()


def test_another_user_gets_404_for_the_request_and_its_decisions(client, other_user, introduction):
    client.force_login(other_user)

    assert (
        client.get(reverse("invitations:introduction-detail", args=[introduction.pk])).status_code
        == 404
    )
    response = client.post(
        reverse("invitations:introduction-decide", args=[introduction.pk]),
        {"decision": Status.INTRODUCED},
    )
    assert response.status_code == 404
    introduction.refresh_from_db()
    assert introduction.status == Status.OPEN
    assert client.get(reverse("invitations:introduction-list")).context["page"].paginator.count == 0


@pytest.mark.parametrize("size", [10, 2000])
def test_the_list_costs_four_queries_at_any_size(
    owner_client, owner, django_assert_num_queries, size
):
    people = Contact.objects.bulk_create(
        Contact(owner=owner, full_name=f"Person {n:04}") for n in range(size + 1)
    )
    IntroductionRequest.objects.bulk_create(
        IntroductionRequest(owner=owner, requester=people[n], target=people[n + 1], reason="Why")
        for n in range(size)
    )
    # 1 session, 2 user, 3 count for the paginator, 4 the page with both people of each request.
    with django_assert_num_queries(4):
        response = owner_client.get(reverse("invitations:introduction-list"))
    assert len(response.context["page"].object_list) == min(size, 50)


@pytest.mark.parametrize("size", [10, 2000])
def test_the_detail_costs_the_same_however_many_interactions(
    owner_client, owner, introduction, ravi, lena, django_assert_num_queries, size
):
    today = timezone.localdate()
    Interaction.objects.bulk_create(
        Interaction(
            owner=owner,
            contact=person,
            kind=Interaction.Kind.MESSAGE,
            occurred_on=today - datetime.timedelta(days=n % 700),
        )
        for person in (ravi, lena)
        for n in range(size)
    )
    contacts_refresh_interaction_stats(Contact.objects.filter(owner=owner))
    # 1 session, 2 user, 3 the request with both people, 4 the owner's policy settings,
    # 5 to 7 the policy's facts for both people (names, in-person events, one aggregate).
    with django_assert_num_queries(7):
        owner_client.get(reverse("invitations:introduction-detail", args=[introduction.pk]))
