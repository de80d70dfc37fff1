"""Ties computed in the database: the same inputs as the pure model, layers by rank, the weekly
cap on weak-tie flags, and ties kept in step when interactions change."""

import datetime
import io
import random

import fsrs
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from insights import compute
from insights.compute import recompute_contacts, recompute_owner
from insights.models import RecallCard, RecallSnapshot, Tie
from insights.tasks import recompute_insights
from insights.ties import TieInputs, tie_score
from interactions.meetings import interaction_delete, interaction_log
from interactions.models import Interaction
from network.models import Contact, OwnerSettings
from network.signals import contacts_created
from tests.factories import ContactFactory, InteractionFactory, OwnerSettingsFactory

TODAY = datetime.date(2026, 3, 10)
KINDS = [choice for choice, _ in Interaction.Kind.choices]
INITIATORS = [choice for choice, _ in Interaction.Initiator.choices]


def _days_ago(days: int, today: datetime.date = TODAY) -> datetime.date:
    return today - datetime.timedelta(days=days)


def _history(rng: random.Random, count: int) -> list[tuple[datetime.date, str, str]]:
    # Ages right at the bucket limits (90, 365, 1095) and the month-ago line (30) included.
    ages = [0, 29, 30, 31, 89, 90, 91, 364, 365, 1094, 1095, 1096, 2000]
    return [
        (
            _days_ago(rng.choice(ages) if rng.random() < 0.4 else rng.randrange(0, 2500)),
            rng.choice(KINDS),
            rng.choice(INITIATORS),
        )
        for _ in range(count)
    ]


def _log(owner, contact, history) -> None:
    Interaction.objects.bulk_create(
        Interaction(owner=owner, contact=contact, occurred_on=day, kind=kind, initiated_by=by)
        for day, kind, by in history
    )


def _connected_never_met(owner, days: int) -> Contact:
    return ContactFactory(
        owner=owner,
        linkedin_status=Contact.LinkedInStatus.CONNECTED,
        connected_on=_days_ago(days),
    )


def _card(contact, *, last_rating, previous_rating=None, reviewed_days_ago=10, stability=20.0):
    reviewed = datetime.datetime.combine(
        _days_ago(reviewed_days_ago), datetime.time(), tzinfo=datetime.UTC
    )
    return RecallCard.objects.create(
        contact=contact,
        owner=contact.owner,
        state=2,
        stability=stability,
        difficulty=5.0,
        due=reviewed + datetime.timedelta(days=30),
        last_review=reviewed,
        last_rating=last_rating,
        previous_rating=previous_rating,
        reviews=2 if previous_rating else 1,
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_database_inputs_equal_the_pure_model_for_a_random_history(owner, seed):
    rng = random.Random(seed)
    histories = {}
    for _ in range(12):
        contact = ContactFactory(owner=owner, closeness=rng.choice([None, 1, 3, 5]))
        histories[contact.pk] = _history(rng, rng.choice([0, 1, 2, 5, 30]))
        _log(owner, contact, histories[contact.pk])
        # Another owner's interactions with a namesake never count.
        namesake = ContactFactory(full_name=contact.full_name)
        _log(namesake.owner, namesake, histories[contact.pk])
    owner_settings = OwnerSettings.for_user(owner)

    people = {person.pk: person for person in compute._people(owner, owner_settings, TODAY)}

    assert set(people) == set(histories)
    for pk, history in histories.items():
        closeness = Contact.objects.get(pk=pk).closeness
        expected = TieInputs.from_interactions(TODAY, history, closeness=closeness)
        assert people[pk].inputs == expected
        # The contacts were added today (after TODAY): a month ago only those already met.
        met_by_then = [day for day, _, _ in history if day <= _days_ago(30)]
        month_ago = TieInputs.from_interactions(_days_ago(30), history, closeness=closeness)
        assert people[pk].month_ago == (month_ago if met_by_then else None)


def test_stored_ties_carry_the_model_s_score_and_words(owner):
    contact = ContactFactory(owner=owner, closeness=4)
    history = [
        (_days_ago(400), "in_person", "mutual"),
        (_days_ago(40), "message", "me"),
        (_days_ago(20), "call", "them"),
    ]
    _log(owner, contact, history)
    _card(contact, last_rating=3, reviewed_days_ago=10, stability=20.0)

    assert recompute_owner(owner, TODAY) == 1

    tie = Tie.objects.get(contact=contact)
    now = datetime.datetime.combine(TODAY, datetime.time(), tzinfo=datetime.UTC)
    card = fsrs.Card(stability=20.0, last_review=now - datetime.timedelta(days=10))
    chance = fsrs.Scheduler().get_card_retrievability(card, now)
    expected = tie_score(
        TieInputs.from_interactions(
            TODAY,
            history,
            closeness=4,
            retrievability=chance,
            recall_last_rating=3,
            recall_last_on=_days_ago(10),
        )
    )
    assert tie.score == expected.score
    assert tie.explanation == expected.explanation
    assert "recalled on" in tie.explanation
    assert [factor["words"] for factor in tie.factors] == [f.words for f in expected.factors]
    # A month ago the call had not happened and the recall check was still to come.
    month_ago = tie_score(TieInputs.from_interactions(_days_ago(30), history, closeness=4))
    assert tie.score_month_ago == month_ago.score
    assert tie.usual_gap_days == 190  # 380 days from the first to the last, over two gaps
    assert tie.computed_on == TODAY


def test_layers_follow_the_rank_of_the_score(owner):
    # Each one met a little longer ago than the one before: ranked in that order.
    people = [ContactFactory(owner=owner) for _ in range(18)]
    for n, contact in enumerate(people):
        InteractionFactory(owner=owner, contact=contact, occurred_on=_days_ago(n + 1))
    stranger = ContactFactory(owner=owner)
    archived = ContactFactory(owner=owner)
    InteractionFactory(owner=owner, contact=archived, occurred_on=TODAY)
    recompute_owner(owner, TODAY)
    archived.archive()

    assert recompute_owner(owner, TODAY) == 19

    ties = {tie.contact_id: tie for tie in Tie.objects.filter(owner=owner)}
    assert [ties[contact.pk].rank for contact in people] == list(range(1, 19))
    assert [ties[contact.pk].layer for contact in people] == [1] * 5 + [2] * 10 + [3] * 3
    assert [ties[contact.pk].cadence_days for contact in people] == [7] * 5 + [30] * 10 + [90] * 3
    assert {ties[contact.pk].health for contact in people} == {Tie.Health.ON_CADENCE}
    assert (ties[stranger.pk].layer, ties[stranger.pk].rank) == (None, None)
    assert ties[stranger.pk].health == Tie.Health.NO_TIE
    # Archived: out of the layers, the row (and any decision on it) kept.
    assert (ties[archived.pk].layer, ties[archived.pk].health) == (None, Tie.Health.NO_TIE)


def test_the_weekly_cap_flags_the_worst_first_and_the_rest_wait(owner):
    OwnerSettingsFactory(owner=owner, weak_ties_per_week=3)
    never_met = [_connected_never_met(owner, days) for days in (100, 400, 200, 300)]
    forgotten = ContactFactory(owner=owner)
    _card(forgotten, last_rating=1)
    vague_twice = ContactFactory(owner=owner)
    _card(vague_twice, last_rating=2, previous_rating=2)
    recalled = ContactFactory(owner=owner)
    _card(recalled, last_rating=3)

    recompute_owner(owner, TODAY)

    ties = {tie.contact_id: tie for tie in Tie.objects.filter(owner=owner)}
    flagged = {pk for pk, tie in ties.items() if tie.flagged_on}
    # Forgotten first (both), then the connection never met for the longest (400 days).
    assert flagged == {forgotten.pk, vague_twice.pk, never_met[1].pk}
    assert ties[forgotten.pk].weak_reason == "recall_forgotten"
    assert "No idea" in ties[forgotten.pk].weak_text
    assert ties[forgotten.pk].health == Tie.Health.FLAGGED
    waiting = [ties[contact.pk] for contact in (never_met[0], never_met[2], never_met[3])]
    assert {(tie.weak_reason, tie.flagged_on) for tie in waiting} == {("never_met", None)}
    assert "never met nor talked with" in waiting[0].weak_text
    assert (ties[recalled.pk].weak_reason, ties[recalled.pk].flagged_on) == ("", None)

    # The owner keeps one in the review; a week later the flags stand, and the freed place
    # goes to the worst of those waiting (never met for 300 + 7 days).
    Tie.objects.filter(pk=forgotten.pk).update(
        flagged_on=None, quiet_until=TODAY + datetime.timedelta(days=90)
    )
    recompute_owner(owner, TODAY + datetime.timedelta(days=7))

    ties = {tie.contact_id: tie for tie in Tie.objects.filter(owner=owner)}
    assert {pk for pk, tie in ties.items() if tie.flagged_on} == {
        vague_twice.pk,
        never_met[1].pk,
        never_met[3].pk,
    }
    assert ties[vague_twice.pk].flagged_on == TODAY  # in the queue since the first day
    assert ties[never_met[3].pk].flagged_on == TODAY + datetime.timedelta(days=7)
    assert ties[forgotten.pk].quiet_until == TODAY + datetime.timedelta(days=90)


def test_let_go_and_quiet_ties_are_never_flagged(owner):
    let_go, quiet, quiet_over = (_connected_never_met(owner, 400) for _ in range(3))
    Tie.objects.create(contact=let_go, owner=owner, let_go_on=_days_ago(5))
    Tie.objects.create(contact=quiet, owner=owner, quiet_until=TODAY + datetime.timedelta(days=1))
    Tie.objects.create(contact=quiet_over, owner=owner, quiet_until=TODAY)

    recompute_owner(owner, TODAY)

    ties = {tie.contact_id: tie for tie in Tie.objects.filter(owner=owner)}
    assert (ties[let_go.pk].flagged_on, ties[let_go.pk].weak_reason) == (None, "")
    assert ties[let_go.pk].let_go_on == _days_ago(5)
    assert (ties[quiet.pk].flagged_on, ties[quiet.pk].weak_reason) == (None, "")
    assert ties[quiet_over.pk].flagged_on == TODAY
    assert ties[quiet_over.pk].weak_reason == "never_met"


def test_logging_an_interaction_restarts_the_cadence_and_clears_the_flag(
    owner, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    friend = ContactFactory(owner=owner)
    InteractionFactory(owner=owner, contact=friend, occurred_on=today - datetime.timedelta(400))
    others = [ContactFactory(owner=owner) for _ in range(3)]
    for contact in others:
        InteractionFactory(owner=owner, contact=contact, occurred_on=today)
    recompute_owner(owner)
    before = Tie.objects.get(contact=friend)
    # The only old tie: rank 4, closest 5, silent for far longer than a week allows.
    assert (before.rank, before.layer, before.weak_reason) == (4, 1, "silence_cadence")
    assert before.flagged_on == today
    assert before.health == Tie.Health.FLAGGED

    with django_capture_on_commit_callbacks(execute=True):
        interaction_log(owner, friend, occurred_on=today, kind=Interaction.Kind.CALL)

    after = Tie.objects.get(contact=friend)
    assert after.score > before.score
    assert after.health == Tie.Health.ON_CADENCE
    assert (after.flagged_on, after.weak_reason, after.weak_text) == (None, "", "")
    assert "last talked today" in after.explanation
    assert after.layer == 1

    with django_capture_on_commit_callbacks(execute=True):
        interaction_delete(friend.interactions.get(occurred_on=today))
    assert Tie.objects.get(contact=friend).weak_reason == "silence_cadence"


def test_one_contact_recomputed_is_placed_among_the_others(owner):
    people = [ContactFactory(owner=owner) for _ in range(8)]
    for n, contact in enumerate(people):
        InteractionFactory(owner=owner, contact=contact, occurred_on=_days_ago(10 * n + 1))
    recompute_owner(owner, TODAY)
    last = people[-1]
    InteractionFactory(owner=owner, contact=last, occurred_on=TODAY)
    InteractionFactory(owner=owner, contact=last, occurred_on=TODAY, kind="call")

    assert recompute_contacts(owner, [last.pk, ContactFactory().pk], TODAY) == 1

    tie = Tie.objects.get(contact=last)
    assert (tie.rank, tie.layer, tie.cadence_days) == (1, 1, 7)


def test_people_created_in_bulk_get_their_ties(owner, django_capture_on_commit_callbacks):
    newcomers = Contact.objects.bulk_create(
        Contact(owner=owner, full_name=f"New {n}") for n in range(3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        contacts_created.send(sender=Contact, owner=owner)
    ties = Tie.objects.filter(contact__in=newcomers)
    assert [tie.health for tie in ties] == [Tie.Health.NO_TIE] * 3


def test_the_command_recomputes_one_owner(owner, other_user):
    InteractionFactory(owner=owner)
    ContactFactory(owner=owner)
    InteractionFactory(owner=other_user)
    out = io.StringIO()

    call_command("recompute_insights", user="owner", stdout=out)

    assert "owner: 2 ties in" in out.getvalue()
    assert Tie.objects.filter(owner=owner).count() == 2
    # Every person has a recall card, and this week's recall is on record.
    assert RecallCard.objects.filter(owner=owner).count() == 2
    assert RecallSnapshot.objects.get(owner=owner).never_checked == 2
    assert not Tie.objects.filter(owner=other_user).exists()
    with pytest.raises(CommandError, match="no user called"):
        call_command("recompute_insights", user="nobody")


def test_the_task_recomputes_every_owner_with_contacts(tasks_in_process, owner, other_user):
    InteractionFactory(owner=owner)
    InteractionFactory(owner=other_user)

    recompute_insights.delay(owner.pk)
    assert set(Tie.objects.values_list("owner", flat=True)) == {owner.pk}

    recompute_insights.delay()
    assert set(Tie.objects.values_list("owner", flat=True)) == {owner.pk, other_user.pk}
    # Run twice, nothing changes the second time.
    first = list(Tie.objects.order_by("pk").values())
    recompute_insights.delay()
    assert list(Tie.objects.order_by("pk").values()) == first


def test_the_next_night_dates_every_tie_and_puts_right_what_differs(owner):
    met = ContactFactory(owner=owner)
    InteractionFactory(owner=owner, contact=met, occurred_on=_days_ago(3))
    stranger = ContactFactory(owner=owner)
    recompute_owner(owner, TODAY)
    Tie.objects.filter(contact=stranger).update(explanation="as the owner last saw it")
    tomorrow = TODAY + datetime.timedelta(days=1)

    recompute_owner(owner, tomorrow)

    ties = {tie.contact_id: tie for tie in Tie.objects.filter(owner=owner)}
    assert {tie.computed_on for tie in ties.values()} == {tomorrow}
    assert "4 days ago" in ties[met.pk].explanation
    # Unchanged ties are not written again, but one whose stored figures differ is.
    assert ties[stranger.pk].explanation == "never met nor talked with; recall never checked"


def test_the_benchmark_runs_and_leaves_nothing_behind(db):
    out = io.StringIO()

    call_command("benchmark_insights", contacts=40, interactions=200, stdout=out)

    assert "first run" in out.getvalue() and "the next night" in out.getvalue()
    assert "40 ties" in out.getvalue()
    assert not Contact.objects.exists()


def test_one_owner_that_fails_does_not_stop_the_nightly_run_for_the_others(
    tasks_in_process, owner, other_user, monkeypatch
):
    InteractionFactory(owner=owner)
    InteractionFactory(owner=other_user)
    real = compute.recompute_owner

    def broken_for_owner(user, *args, **kwargs):
        if user.pk == owner.pk:
            raise ValueError("broken data")
        return real(user, *args, **kwargs)

    monkeypatch.setattr("insights.tasks.recompute_owner", broken_for_owner)
    with pytest.raises(RuntimeError, match=f"owners \\[{owner.pk}\\]"):
        recompute_insights.delay()
    assert set(Tie.objects.values_list("owner", flat=True)) == {other_user.pk}
