"""The lists behind the dashboard's numbers: who is in them, in what order, why, a page at a
time, at the same cost for any network."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from insights.models import Rating, RecallCard, Tie
from insights.people import PEOPLE_LISTS
from network.models import Contact, OwnerSettings
from network.templatetags.kith import day
from tests.factories import ContactFactory


def _tied(owner, size: int) -> list[Contact]:
    """size people, ranked 1..size, each tie a little weaker than a month ago."""
    contacts = Contact.objects.bulk_create(
        Contact(
            owner=owner,
            full_name=f"Person {n:04}",
            last_interaction_on=timezone.localdate() - datetime.timedelta(days=n),
            other_interaction_count=2,
        )
        for n in range(size)
    )
    Tie.objects.bulk_create(
        Tie(
            owner=owner,
            contact=contact,
            score=90 - n * 80 / size,
            score_month_ago=91 - n * 80 / size + n % 7,
            rank=n + 1,
            layer=4,
            health=Tie.Health.ON_CADENCE,
            explanation=f"last talked {n} days ago",
        )
        for n, contact in enumerate(contacts)
    )
    RecallCard.objects.bulk_create(
        RecallCard(
            owner=owner,
            contact=contact,
            due=timezone.now(),
            reviews=1,
            last_rating=Rating.YES,
            last_review=timezone.now(),
        )
        for contact in contacts
    )
    return contacts


@pytest.mark.parametrize("size", [10, 2000])
def test_a_list_costs_six_queries_at_any_size(owner_client, owner, django_assert_num_queries, size):
    _tied(owner, size)
    OwnerSettings.for_user(owner)
    for slug in ("layer-4", "weakened", "due-today", "recalled"):
        # 1 session, 2 user, 3 owner settings, 4 today's first recall checks (the daily limit),
        # 5 count for the paginator, 6 the page of people with their ties and recall cards.
        with django_assert_num_queries(6):
            response = owner_client.get(PEOPLE_LISTS[slug].url)
        assert response.context["page"].paginator.count == size
        assert len(response.context["rows"]) == min(size, 50)


def test_a_list_comes_fifty_people_a_page(owner_client, owner):
    _tied(owner, 120)
    url = PEOPLE_LISTS["layer-4"].url

    first = owner_client.get(url)
    last = owner_client.get(url, {"page": 3})

    assert [c.full_name for c, _ in first.context["rows"]][:2] == ["Person 0000", "Person 0001"]
    assert [c.full_name for c, _ in last.context["rows"]][-1] == "Person 0119"
    assert len(last.context["rows"]) == 20
    assert "Page 1 of 3" in first.content.decode()
    assert owner_client.get(url, {"page": "<x>"}).status_code == 200


def test_the_weakened_list_has_the_largest_drop_first_and_says_by_how_much(owner_client, owner):
    _tied(owner, 10)
    response = owner_client.get(PEOPLE_LISTS["weakened"].url)

    drops = [c.tie.score_month_ago - c.tie.score for c, _ in response.context["rows"]]
    assert drops == sorted(drops, reverse=True)
    contact, reason = response.context["rows"][0]
    tie = contact.tie
    assert reason == (
        f"Strength {tie.score_month_ago:.0f} a month ago, {tie.score:.0f} now: {tie.explanation}"
    )


def test_the_reasons_say_why_each_person_is_in_the_list(owner_client, owner):
    today = timezone.localdate()
    connected = ContactFactory(
        owner=owner,
        full_name="Dan Moreau",
        linkedin_status=Contact.LinkedInStatus.CONNECTED,
        connected_on=datetime.date(2019, 5, 1),
    )
    flagged = ContactFactory(owner=owner, full_name="Ben Okafor", last_interaction_on=today)
    Tie.objects.create(
        owner=owner,
        contact=flagged,
        rank=3,
        layer=1,
        score=30,
        weak_reason="silence_gap",
        weak_text="silent for 9 months; you usually talk every 3 weeks",
        flagged_on=today,
    )

    never_met = owner_client.get(PEOPLE_LISTS["never-met"].url).context["rows"]
    in_review = owner_client.get(PEOPLE_LISTS["flagged"].url).context["rows"]

    assert never_met == [
        (connected, "Connected on LinkedIn on 1 May 2019; no meeting, call or message logged")
    ]
    assert in_review == [
        (
            flagged,
            "Silent for 9 months; you usually talk every 3 weeks "
            f"(in the weekly review since {day(today)})",
        )
    ]


def test_a_layer_list_names_its_layer_and_ranks(owner_client, owner):
    response = owner_client.get(PEOPLE_LISTS["layer-3"].url)
    page = response.content.decode()
    assert "<h1>Layer 3: Friends 50</h1>" in page
    assert "Your strongest ties ranked 16 to 50, in touch every 90 days." in page
    assert "Nobody is in this list." in page

    response = owner_client.get(PEOPLE_LISTS["layer-3"].url, {"health": "drifting"})
    assert "<h1>Layer 3: Friends 50: drifting</h1>" in response.content.decode()


def test_the_next_page_comes_as_a_fragment_for_htmx(owner_client, owner):
    _tied(owner, 60)
    response = owner_client.get(
        PEOPLE_LISTS["recalled"].url, {"page": 2}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="people-results"')
    assert "Person 00" in page and "<h1>" not in page
    assert "HX-Request" in response["Vary"]


def test_archived_people_are_in_no_list(owner_client, owner):
    contacts = _tied(owner, 3)
    contacts[0].archive()
    for slug in ("layer-4", "recalled", "weakened"):
        assert owner_client.get(PEOPLE_LISTS[slug].url).context["page"].paginator.count == 2
    assert owner_client.get(reverse("insights:dashboard")).context["counts"]["layer_4"] == 2


def test_a_strength_band_holds_the_scores_as_shown(owner_client, owner):
    """A score of 9.6 reads "Strength 10 of 100", so it is in 10 to 20, not in 0 to 10."""
    contacts = _tied(owner, 2)
    Tie.objects.filter(contact=contacts[0]).update(score=9.6)
    Tie.objects.filter(contact=contacts[1]).update(score=9.4)

    response = owner_client.get(PEOPLE_LISTS["score-10"].url)
    assert [c.full_name for c in response.context["page"].object_list] == ["Person 0000"]
    assert "Strength 10 of 100" in response.content.decode()
    response = owner_client.get(PEOPLE_LISTS["score-0"].url)
    assert [c.full_name for c in response.context["page"].object_list] == ["Person 0001"]
    assert "Strength 9 of 100" in response.content.decode()
