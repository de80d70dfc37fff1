"""Recall checks: FSRS state kept exactly in columns, queues by the owner's day, new people
first checked soon after meeting them, one answer per check however many tabs, undo, and a
Recall page whose cost does not grow with the network."""

import datetime

import fsrs
import pytest
from django.urls import reverse
from django.utils import timezone

from insights.models import Rating, RecallCard, RecallLog, RecallSnapshot, Tie
from insights.recall import (
    CARD_COLUMNS,
    card_to_fsrs,
    fsrs_columns,
    recall_answer,
    recall_cards_ensure,
    recall_counts,
    recall_next_due,
    recall_queue,
    recall_snapshot,
    recall_status,
    recall_undo,
)
from interactions.models import Interaction
from network.models import Contact, OwnerSettings
from network.templatetags.kith import day
from tests.factories import ContactFactory, InteractionFactory, OwnerSettingsFactory

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _at(days: float, moment: datetime.datetime = NOW) -> datetime.datetime:
    return moment + datetime.timedelta(days=days)


def _met(owner, name: str, day: datetime.date, **fields) -> Contact:
    contact = ContactFactory(owner=owner, full_name=name, **fields)
    InteractionFactory(owner=owner, contact=contact, occurred_on=day)
    return contact


def _columns(card: RecallCard) -> dict:
    card.refresh_from_db()
    return {column: getattr(card, column) for column in CARD_COLUMNS}


def _settings(owner, **fields) -> OwnerSettings:
    return OwnerSettingsFactory(owner=owner, **fields)


# FSRS state in columns ---------------------------------------------------------------------


def test_the_columns_give_back_the_fsrs_card_exactly(owner):
    settings = _settings(owner, recall_desired_retention=0.85)
    contact = _met(owner, "Ana Lima", datetime.date(2026, 2, 1))
    recall_cards_ensure(owner)
    for days, rating in ((0, Rating.YES), (3.4, Rating.VAGUELY), (9.7, Rating.NO_IDEA)):
        recall_answer(owner, settings, contact, rating, _at(days))
    card = RecallCard.objects.get(pk=contact.pk)
    restored = card_to_fsrs(card)

    assert restored.card_id == contact.pk
    assert restored.due.tzinfo is UTC and restored.last_review.tzinfo is UTC
    # Row -> fsrs.Card -> row changes nothing, to the last bit of each float.
    assert fsrs_columns(restored) == {
        "state": card.state,
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": card.due,
        "last_review": card.last_review,
    }
    assert fsrs.Card.from_dict(restored.to_dict()) == restored


def test_an_answered_card_is_what_fsrs_gives_for_the_same_history(owner):
    settings = _settings(owner, recall_desired_retention=0.8)
    contact = _met(owner, "Ana Lima", datetime.date(2026, 3, 1))
    recall_cards_ensure(owner)
    expected = fsrs.Card(card_id=contact.pk, due=RecallCard.objects.get(pk=contact.pk).due)
    scheduler = fsrs.Scheduler(
        desired_retention=0.8, enable_fuzzing=False, learning_steps=(), relearning_steps=()
    )
    history = [(0, 3), (2.2, 3), (13.9, 2), (40.1, 1), (41.5, 4), (90.3, 3)]

    for days, rating in history:
        recall_answer(owner, settings, contact, rating, _at(days))
        expected, _ = scheduler.review_card(expected, fsrs.Rating(rating), _at(days))
        card = RecallCard.objects.get(pk=contact.pk)
        assert card_to_fsrs(card) == expected
        assert card.last_rating == rating

    assert card.reviews == len(history)
    assert card.previous_rating == Rating.INSTANTLY


def test_every_interval_is_whole_days(owner):
    settings = _settings(owner)
    contact = _met(owner, "Ana Lima", datetime.date(2026, 3, 1))
    recall_cards_ensure(owner)
    for days, rating in ((0, 1), (0.3, 2), (1.6, 1), (2.9, 3), (5.2, 4)):
        recall_answer(owner, settings, contact, rating, _at(days))
        card = RecallCard.objects.get(pk=contact.pk)
        interval = card.due - card.last_review
        assert interval >= datetime.timedelta(days=1)
        assert interval % datetime.timedelta(days=1) == datetime.timedelta(0)


def test_undo_puts_the_card_back_exactly_and_counts_once(owner):
    settings = _settings(owner)
    contact = _met(owner, "Ana Lima", datetime.date(2026, 3, 1))
    recall_cards_ensure(owner)
    recall_answer(owner, settings, contact, Rating.YES, _at(0))
    card = RecallCard.objects.get(pk=contact.pk)
    before = _columns(card)

    log = recall_answer(owner, settings, contact, Rating.NO_IDEA, _at(5.3))
    assert _columns(card) != before
    assert recall_undo(owner, log, _at(5.3)) is True

    assert _columns(card) == before
    log.refresh_from_db()
    assert log.undone_at is not None
    assert recall_undo(owner, log, _at(5.4)) is False  # a second undo changes nothing
    assert _columns(card) == before


def test_undo_is_refused_when_the_card_was_answered_again_since(owner):
    settings = _settings(owner)
    contact = _met(owner, "Ana Lima", datetime.date(2026, 3, 1))
    recall_cards_ensure(owner)
    first = recall_answer(owner, settings, contact, Rating.YES, _at(0))
    recall_answer(owner, settings, contact, Rating.YES, _at(3))
    card = RecallCard.objects.get(pk=contact.pk)
    after_both = _columns(card)

    assert recall_undo(owner, first, _at(3)) is False
    assert _columns(card) == after_both
    first.refresh_from_db()
    assert first.undone_at is None


def test_two_answers_seen_on_the_same_card_count_once(owner):
    settings = _settings(owner)
    contact = _met(owner, "Ana Lima", datetime.date(2026, 3, 1))
    recall_cards_ensure(owner)

    first = recall_answer(owner, settings, contact, Rating.YES, _at(0), seen_reviews=0)
    second = recall_answer(owner, settings, contact, Rating.NO_IDEA, _at(0), seen_reviews=0)

    assert first is not None and second is None
    card = RecallCard.objects.get(pk=contact.pk)
    assert (card.reviews, card.last_rating) == (1, Rating.YES)
    assert RecallLog.objects.filter(contact=contact).count() == 1


# Queues by the owner's day -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "due", "in_auckland", "in_los_angeles"),
    [
        # 09:00 UTC is 22:00 on 10 Mar in Auckland (its today ends at 11:00 UTC) and 02:00 in
        # Los Angeles (its today ends at 07:00 UTC on 11 Mar).
        (
            datetime.datetime(2026, 3, 10, 9, tzinfo=UTC),
            datetime.datetime(2026, 3, 10, 15, tzinfo=UTC),
            False,
            True,
        ),
        # 20:00 UTC is already 09:00 on 11 Mar in Auckland (today ends 11:00 UTC on 11 Mar),
        # and 13:00 on 10 Mar in Los Angeles (today ends 07:00 UTC on 11 Mar).
        (
            datetime.datetime(2026, 3, 10, 20, tzinfo=UTC),
            datetime.datetime(2026, 3, 11, 8, tzinfo=UTC),
            True,
            False,
        ),
    ],
)
def test_checks_are_due_by_the_end_of_the_owners_own_today(
    owner, other_user, instant, due, in_auckland, in_los_angeles
):
    queues = {}
    for user, zone in ((owner, "Pacific/Auckland"), (other_user, "America/Los_Angeles")):
        settings = _settings(user, timezone=zone)
        contact = ContactFactory(owner=user)
        RecallCard.objects.create(
            contact=contact,
            owner=user,
            state=2,
            stability=3.0,
            difficulty=5.0,
            reviews=1,
            last_rating=3,
            due=due,
            last_review=due - datetime.timedelta(days=3),
        )
        queues[zone] = [card.pk for card in recall_queue(user, settings, instant)]

    assert bool(queues["Pacific/Auckland"]) is in_auckland
    assert bool(queues["America/Los_Angeles"]) is in_los_angeles


def test_a_new_persons_first_check_is_the_day_after_meeting_them_in_the_owners_zone(owner):
    settings = _settings(owner, timezone="Pacific/Auckland")
    met_on = datetime.date(2026, 3, 9)
    ana = _met(owner, "Ana Lima", met_on)
    recall_cards_ensure(owner)

    card = RecallCard.objects.get(pk=ana.pk)
    # Midnight starting 10 Mar in Auckland (NZDT, +13) is 11:00 UTC on 9 Mar.
    assert card.due == datetime.datetime(2026, 3, 9, 11, 0, tzinfo=UTC)
    assert (card.state, card.step, card.reviews) == (1, 0, 0)
    on_the_day = datetime.datetime(2026, 3, 9, 10, 30, tzinfo=UTC)  # 23:30 on 9 Mar there
    assert recall_queue(owner, settings, on_the_day) == []
    assert recall_queue(owner, settings, on_the_day + datetime.timedelta(hours=1)) == [card]


def test_people_met_recently_are_checked_within_two_weeks_despite_an_old_backlog(owner):
    """500 LinkedIn connections never checked wait behind the people met these two weeks."""
    settings = _settings(owner, recall_daily_limit=5)
    start = datetime.date(2026, 3, 1)
    Contact.objects.bulk_create(
        Contact(
            owner=owner,
            full_name=f"Connection {n}",
            linkedin_status=Contact.LinkedInStatus.CONNECTED,
            connected_on=start - datetime.timedelta(days=30 + n),
        )
        for n in range(500)
    )
    met = {}
    first_checked = {}
    for offset in range(28):
        day = start + datetime.timedelta(days=offset)
        for n in range(4 if offset < 14 else 0):  # four new people a day for two weeks
            met[_met(owner, f"Met {offset}-{n}", day).pk] = day
        recall_cards_ensure(owner)
        noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=UTC)
        for card in recall_queue(owner, settings, noon):
            first_checked.setdefault(card.pk, day)
            recall_answer(owner, settings, card.contact, Rating.YES, noon)

    assert set(met) <= set(first_checked)
    late = {pk: (first_checked[pk] - day).days for pk, day in met.items()}
    assert max(late.values()) <= 14, late
    # Nobody is checked on the day they were met; the first check is the very next day here.
    assert set(late.values()) == {1}


def test_at_most_the_daily_limit_of_new_people_a_day_most_recently_met_first(owner):
    settings = _settings(owner, recall_daily_limit=3)
    people = [_met(owner, f"Person {n}", datetime.date(2026, 3, 1 + n)) for n in range(5)]
    recall_cards_ensure(owner)

    queue = recall_queue(owner, settings, NOW)
    assert [card.contact.full_name for card in queue] == ["Person 4", "Person 3", "Person 2"]

    log = recall_answer(owner, settings, people[4], Rating.YES, NOW)
    recall_answer(owner, settings, people[3], Rating.VAGUELY, NOW)
    assert [card.contact.full_name for card in recall_queue(owner, settings, NOW)] == ["Person 2"]
    recall_undo(owner, log, NOW)
    names = [card.contact.full_name for card in recall_queue(owner, settings, NOW)]
    assert names == ["Person 4", "Person 2"]
    # The next owner's day: Vaguely is asked again after one day, and three new people.
    tomorrow = [card.contact.full_name for card in recall_queue(owner, settings, _at(1))]
    assert tomorrow == ["Person 3", "Person 4", "Person 2", "Person 1"]


def test_archived_people_are_not_asked(owner):
    settings = _settings(owner)
    ana = _met(owner, "Ana Lima", datetime.date(2026, 3, 1))
    recall_cards_ensure(owner)
    ana.archive()
    assert recall_queue(owner, settings, NOW) == []
    assert recall_cards_ensure(owner) == 0


def test_the_next_check_is_named_when_none_is_due(owner):
    settings = _settings(owner, recall_daily_limit=1)
    for n in range(2):
        _met(owner, f"Person {n}", datetime.date(2026, 3, 1))
    recall_cards_ensure(owner)
    (first,) = recall_queue(owner, settings, NOW)
    recall_answer(owner, settings, first.contact, Rating.YES, NOW)
    # The other new person waits for tomorrow's room.
    assert recall_next_due(owner, settings, NOW) == datetime.date(2026, 3, 11)


# Creating cards ----------------------------------------------------------------------------


def test_cards_for_two_thousand_people_are_a_few_queries(owner, django_assert_num_queries):
    _settings(owner)
    Contact.objects.bulk_create(Contact(owner=owner, full_name=f"P {n}") for n in range(2000))
    # 1 settings, 2 the people without a card (with their first interaction), 3 one insert.
    with django_assert_num_queries(3):
        assert recall_cards_ensure(owner) == 2000
    with django_assert_num_queries(2):
        assert recall_cards_ensure(owner) == 0
    assert RecallCard.objects.filter(owner=owner).count() == 2000


# Status, counts, snapshots -----------------------------------------------------------------


def test_recall_status_in_words(owner):
    settings = _settings(owner)
    assert recall_status(None, NOW).code == "never"
    ana = _met(owner, "Ana Lima", datetime.date(2026, 3, 1))
    recall_cards_ensure(owner)
    card = RecallCard.objects.get(pk=ana.pk)
    assert recall_status(card, NOW).words == "never checked"

    recall_answer(owner, settings, ana, Rating.YES, NOW)
    card.refresh_from_db()
    soon, later = recall_status(card, _at(1)), recall_status(card, _at(400))
    assert soon.code == "recalled" and soon.words.startswith("likely to recall, ")
    assert recall_status(card, _at(120)).words.startswith("may recall, ")
    assert later.words.startswith("unlikely to recall, ")
    assert 0 < later.retrievability < soon.retrievability < 1
    assert soon.words.endswith(f"{soon.retrievability:.0%}")
    assert f"Yes on {day(NOW)}" in soon.evidence

    recall_answer(owner, settings, ana, Rating.NO_IDEA, _at(3))
    card.refresh_from_db()
    forgotten = recall_status(card, _at(4))
    assert (forgotten.code, forgotten.words) == (
        "forgotten",
        f"forgotten: No idea on {day(_at(3))}",
    )


def test_recall_counts_split_the_network_honestly(owner, django_assert_num_queries):
    settings = _settings(owner, recall_daily_limit=2)
    people = [_met(owner, f"Person {n}", datetime.date(2026, 3, 1)) for n in range(6)]
    ContactFactory(owner=owner, is_archived=True)
    recall_cards_ensure(owner)
    recall_answer(owner, settings, people[0], Rating.YES, NOW)
    recall_answer(owner, settings, people[1], Rating.NO_IDEA, NOW)

    # 1 the contacts' aggregate, 2 today's answers.
    with django_assert_num_queries(2):
        counts = recall_counts(owner, NOW, settings)
    assert counts == {
        "total": 6,
        "recalled": 1,
        "forgotten": 1,
        "never_checked": 4,
        "due_today": 0,  # two new people a day, both checked already
    }
    assert recall_counts(owner, _at(1), settings)["due_today"] == 3  # No idea is due again + 2


def test_the_weekly_snapshot_is_one_row_per_week(owner):
    settings = _settings(owner)
    people = [_met(owner, f"Person {n}", datetime.date(2026, 3, 1)) for n in range(3)]
    recall_cards_ensure(owner)
    recall_snapshot(owner, datetime.date(2026, 3, 10))  # a Tuesday
    recall_answer(owner, settings, people[0], Rating.YES, NOW)
    recall_snapshot(owner, datetime.date(2026, 3, 15))  # the Sunday of the same week

    snapshot = RecallSnapshot.objects.get(owner=owner)
    assert snapshot.week == datetime.date(2026, 3, 9)
    assert (snapshot.total, snapshot.recalled, snapshot.never_checked) == (3, 1, 2)
    recall_snapshot(owner, datetime.date(2026, 3, 16))
    assert RecallSnapshot.objects.filter(owner=owner).count() == 2


# The Recall page ---------------------------------------------------------------------------


def _due_today(owner, count: int, **fields) -> list[Contact]:
    """People met a few days ago, so their first checks are due now (most recent first)."""
    today = timezone.localdate()
    people = [
        _met(owner, f"Person {n}", today - datetime.timedelta(days=3 + n), **fields)
        for n in range(count)
    ]
    recall_cards_ensure(owner)
    return people


def test_the_page_asks_the_name_and_company_cue_then_shows_the_answer_side(owner_client, owner):
    ana, _ = _due_today(owner, 2)
    ana.how_we_met = "PyCon Oslo"
    ana.save()
    InteractionFactory(owner=owner, contact=ana, note="Talked about gardens")

    page = owner_client.get(reverse("insights:recall")).content.decode()
    assert "Check 1 of 2 today" in page
    assert "Person 0" in page and "Acme" in page
    assert "What do they stand for, where did you meet?" in page
    assert "Builds things that last" not in page  # the answer is not on the cue side

    response = owner_client.post(
        reverse("insights:recall-answer", args=[ana.pk]), {"rating": "3", "reviews": "0"}
    )
    assert response.status_code == 302
    back = owner_client.get(response["Location"]).content.decode()
    assert "You answered <strong>Yes</strong>" in back
    assert "Builds things that last" in back and "PyCon Oslo" in back
    assert "Talked about gardens" in back
    assert "1 of 2 done today" in back
    tie = Tie.objects.get(contact=ana)  # the tie was recomputed with the answer
    assert any(factor["name"] == "recall" for factor in tie.factors)


def test_with_a_photo_the_face_alone_is_the_cue(owner_client, owner):
    ana = _due_today(owner, 1)[0]
    Contact.objects.filter(pk=ana.pk).update(photo="photos/ana.jpg")
    page = owner_client.get(reverse("insights:recall")).content.decode()
    assert "Who is this?" in page
    assert "Person 0" not in page.split("<h1>Recall</h1>")[1]
    assert reverse("network:contact-photo", args=[ana.pk]) in page


def test_htmx_answers_swap_the_card_and_next_brings_the_following_one(owner_client, owner):
    ana, _ = _due_today(owner, 2)
    htmx = {"HX-Request": "true"}
    response = owner_client.post(
        reverse("insights:recall-answer", args=[ana.pk]),
        {"rating": "4", "reviews": "0"},
        headers=htmx,
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="recall-session"')
    assert "You answered <strong>Instantly</strong>" in body
    assert "Next check" in body and "Undo Instantly for Person 0" in body

    body = owner_client.get(reverse("insights:recall"), headers=htmx).content.decode()
    assert "Check 2 of 2 today" in body and "Person 1" in body


def test_a_second_tab_answering_the_same_card_is_told_and_not_counted(owner_client, owner):
    ana = _due_today(owner, 1)[0]
    url = reverse("insights:recall-answer", args=[ana.pk])
    owner_client.post(url, {"rating": "3", "reviews": "0"})

    response = owner_client.post(url, {"rating": "1", "reviews": "0"}, follow=True)

    assert "already answered in another tab" in response.content.decode()
    card = RecallCard.objects.get(pk=ana.pk)
    assert (card.reviews, card.last_rating) == (1, Rating.YES)
    assert RecallLog.objects.filter(owner=owner).count() == 1


def test_undo_brings_the_card_back_first(owner_client, owner):
    ben = _due_today(owner, 3)[1]
    before = _columns(RecallCard.objects.get(pk=ben.pk))
    owner_client.post(
        reverse("insights:recall-answer", args=[ben.pk]), {"rating": "1", "reviews": "0"}
    )

    response = owner_client.post(reverse("insights:recall-undo"), follow=True)

    page = response.content.decode()
    assert "Undone: No idea for Person 1. Answer again." in page
    assert response.context["contact"] == ben
    assert _columns(RecallCard.objects.get(pk=ben.pk)) == before
    response = owner_client.post(reverse("insights:recall-undo"), follow=True)
    assert "No answer of today to undo." in response.content.decode()


def test_what_they_stand_for_is_fixed_on_the_answer_side(owner_client, owner):
    ana = _due_today(owner, 1)[0]
    url = reverse("insights:recall-stands-for", args=[ana.pk])

    response = owner_client.post(url, {"stands_for": "  Grows  tomatoes on a roof "})
    assert response["Location"] == reverse("insights:recall-reveal", args=[ana.pk])
    ana.refresh_from_db()
    assert ana.stands_for == "Grows tomatoes on a roof"

    response = owner_client.post(url, {"stands_for": "x" * 201}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()
    ana.refresh_from_db()
    assert ana.stands_for == "Grows tomatoes on a roof"


@pytest.mark.parametrize(
    "data",
    [
        {"rating": "5", "reviews": "0"},
        {"rating": "3"},
        {"rating": "3", "reviews": "\u0660"},  # an Arabic-Indic zero
        {"rating": "3", "reviews": "9" * 40},
        {},
    ],
)
def test_a_bad_answer_changes_nothing(owner_client, owner, data):
    ana = _due_today(owner, 1)[0]
    response = owner_client.post(
        reverse("insights:recall-answer", args=[ana.pk]), data, follow=True
    )
    assert response.status_code == 200
    assert "Answer with No idea, Vaguely, Yes or Instantly." in response.content.decode()
    assert RecallCard.objects.get(pk=ana.pk).reviews == 0


def test_a_strange_card_asked_for_first_is_ignored(owner_client, owner):
    _due_today(owner, 1)
    for value in ("9" * 40, "abc", "-3", str(10**6)):
        response = owner_client.get(reverse("insights:recall"), {"card": value})
        assert response.status_code == 200
        assert response.context["contact"].full_name == "Person 0"


def test_an_empty_queue_says_when_the_next_check_is_due(owner_client, owner):
    ana = _due_today(owner, 1)[0]
    owner_client.post(
        reverse("insights:recall-answer", args=[ana.pk]), {"rating": "3", "reviews": "0"}
    )
    page = owner_client.get(reverse("insights:recall")).content.decode()
    assert "Done for today" in page and "You answered 1 check today." in page
    due = RecallCard.objects.get(pk=ana.pk).due
    assert f"The next check is due on {day(due)}." in page


def test_another_users_contact_is_not_found(client, owner, other_user):
    ana = _due_today(owner, 1)[0]
    client.force_login(other_user)
    for name in ("recall-answer", "recall-stands-for"):
        response = client.post(
            reverse(f"insights:{name}", args=[ana.pk]),
            {"rating": "3", "reviews": "0", "stands_for": "x"},
        )
        assert response.status_code == 404
    assert client.get(reverse("insights:recall-reveal", args=[ana.pk])).status_code == 404
    assert "Person 0" not in client.get(reverse("insights:recall")).content.decode()
    ana.refresh_from_db()
    assert ana.stands_for == "Builds things that last"
    assert RecallCard.objects.get(pk=ana.pk).reviews == 0
    # Nor can another user take back the owner's answer.
    recall_answer(owner, OwnerSettings.for_user(owner), ana, Rating.YES, timezone.now())
    client.post(reverse("insights:recall-undo"))
    assert RecallCard.objects.get(pk=ana.pk).reviews == 1


def _network(owner, size: int) -> None:
    """size people, each met at three moments, all due for a first check."""
    today = timezone.localdate()
    contacts = Contact.objects.bulk_create(
        Contact(owner=owner, full_name=f"Person {n:04}", company="Acme") for n in range(size)
    )
    Interaction.objects.bulk_create(
        Interaction(owner=owner, contact=contact, occurred_on=today - datetime.timedelta(days=d))
        for contact in contacts
        for d in (5, 40, 90)
    )
    OwnerSettings.for_user(owner)
    recall_cards_ensure(owner)
    # A tenth of them were checked before and are due again today.
    RecallCard.objects.filter(owner=owner, contact__in=contacts[::10]).update(
        state=2,
        stability=2.0,
        difficulty=5.0,
        reviews=1,
        last_rating=3,
        last_review=timezone.now() - datetime.timedelta(days=3),
    )


@pytest.mark.parametrize("size", [10, 2000])
def test_the_recall_page_costs_the_same_queries_at_any_size(
    owner_client, owner, django_assert_num_queries, size
):
    _network(owner, size)
    # 1 session, 2 user, 3 settings, 4 people still without a card (none),
    # 5 today's answers, 6 the checks left, 7 the first due card with its contact,
    # 8 the last answer to undo.
    with django_assert_num_queries(8):
        response = owner_client.get(reverse("insights:recall"))
    assert response.context["session"].left == size // 10 + min(size - size // 10, 20)

    card = response.context["card"]
    owner_client.post(
        reverse("insights:recall-answer", args=[card.pk]), {"rating": "3", "reviews": "1"}
    )
    # 1 session, 2 user, 3 the contact, 4 settings, 5 the card, 6 the last answer,
    # 7 the last interactions, 8 today's answers, 9 the checks left.
    with django_assert_num_queries(9):
        owner_client.get(reverse("insights:recall-reveal", args=[card.pk]))
