"""The tie-strength model (insights/ties.py): its properties, its words, layers, weak-tie reasons."""

import datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from insights.ties import (
    AGE_BUCKETS,
    WEAK_REASON_WORDS,
    WEIGHTS,
    TieInputs,
    layer_for_rank,
    tie_score,
    usual_gap_days,
    weak_reason,
)
from interactions.models import Interaction
from network.models import Contact

TODAY = datetime.date(2026, 11, 20)
PROPERTIES = settings(max_examples=200, deadline=None)

kinds = st.sampled_from(Interaction.Kind.values)
initiators = st.sampled_from(Interaction.Initiator.values)
ages = st.integers(min_value=0, max_value=4000)  # days before TODAY
histories = st.lists(st.tuples(ages, kinds, initiators), max_size=25)
recall_checks = st.one_of(
    st.just({}),
    st.builds(
        lambda retrievability, rating, age: {
            "retrievability": retrievability,
            "recall_last_rating": rating,
            "recall_last_on": TODAY - datetime.timedelta(days=age),
        },
        st.floats(min_value=0, max_value=1),
        st.integers(min_value=1, max_value=4),
        st.integers(min_value=0, max_value=800),
    ),
)
closenesses = st.one_of(st.none(), st.integers(min_value=1, max_value=5))


def _day(age: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=age)


def _inputs(history, closeness=None, recall=None) -> TieInputs:
    interactions = [(_day(age), kind, initiator) for age, kind, initiator in history]
    return TieInputs.from_interactions(TODAY, interactions, closeness=closeness, **(recall or {}))


def _score(history, closeness=None, recall=None) -> float:
    return tie_score(_inputs(history, closeness, recall)).score


def _weak(inputs: TieInputs, **overrides):
    arguments = {
        "recall_previous_rating": None,
        "cadence_days": None,
        "usual_gap_days": usual_gap_days(inputs),
        "linkedin_connected": False,
        "connected_on": None,
        "created_on": datetime.date(2020, 1, 1),
    }
    return weak_reason(inputs, **(arguments | overrides))


# Properties -------------------------------------------------------------------------------


@PROPERTIES
@given(histories, kinds, initiators, closenesses, recall_checks, st.data())
def test_a_more_recent_latest_interaction_never_lowers_the_score(
    history, kind, initiator, closeness, recall, data
):
    newest_in_history = min((age for age, _, _ in history), default=4000)
    assume(newest_in_history >= 1)  # an interaction today leaves no later day to move to
    earlier_age = data.draw(st.integers(min_value=1, max_value=newest_in_history))
    later_age = data.draw(st.integers(min_value=0, max_value=earlier_age - 1))
    earlier = _score([*history, (earlier_age, kind, initiator)], closeness, recall)
    later = _score([*history, (later_age, kind, initiator)], closeness, recall)
    assert later >= earlier


@PROPERTIES
@given(histories, ages, kinds, initiators, closenesses, recall_checks)
def test_an_extra_interaction_never_lowers_the_score(
    history, age, kind, initiator, closeness, recall
):
    without = _score(history, closeness, recall)
    with_it = _score([*history, (age, kind, initiator)], closeness, recall)
    assert with_it >= without


@PROPERTIES
@given(histories, closenesses, recall_checks)
def test_a_score_is_always_between_0_and_100_with_one_decimal(history, closeness, recall):
    result = tie_score(_inputs(history, closeness, recall))
    assert 0 <= result.score <= 100
    assert result.score == round(result.score, 1)
    # The factors' points add up to the score, give or take their rounding.
    assert abs(sum(factor.points for factor in result.factors) - result.score) <= 0.3


@PROPERTIES
@given(histories, closenesses, recall_checks)
def test_every_explanation_names_its_inputs(history, closeness, recall):
    inputs = _inputs(history, closeness, recall)
    result = tie_score(inputs)
    words = {factor.name: factor.words for factor in result.factors}
    expected = {"recency", "recall"}
    if history:
        expected |= {"frequency", "reciprocity", "duration"}
    if closeness is not None:
        expected.add("closeness")
    for name in expected:
        assert words.get(name), f"{name} has no words"
        assert words[name] in result.explanation
    if history:
        assert "in the last year" in words["frequency"]
        assert "known since" in words["duration"]
        assert "started" in words["reciprocity"] or "mutual" in words["reciprocity"]
        assert any(when in words["recency"] for when in ("ago", "today", "yesterday"))
    else:
        assert words["recency"] == "never met nor talked with"
    if closeness is not None:
        assert Contact.Closeness(closeness).label in words["closeness"]
    if recall:
        assert "recalled" in words["recall"]
    else:
        assert words["recall"] == "recall never checked"


# Inputs -----------------------------------------------------------------------------------


def test_from_interactions_counts_by_kind_group_and_age_bucket_and_ignores_the_future():
    inputs = TieInputs.from_interactions(
        TODAY,
        [
            (_day(0), "video", "them"),
            (_day(89), "call", "me"),
            (_day(90), "email", "mutual"),
            (_day(AGE_BUCKETS[-1]), "in_person", "them"),
            (_day(-3), "in_person", "them"),  # after today: not yet
        ],
    )
    assert inputs.counts == {("call", 0): 2, ("message", 1): 1, ("in_person", 3): 1}
    assert (inputs.started_by_me, inputs.started_by_them, inputs.mutual) == (1, 2, 1)
    assert inputs.first_on == _day(AGE_BUCKETS[-1])
    assert inputs.last_on == TODAY
    assert inputs.last_in_person_on == _day(AGE_BUCKETS[-1])
    assert inputs.last_kind == "call"


def test_an_unknown_kind_is_refused_with_its_name():
    with pytest.raises(ValueError, match="carrier pigeon"):
        TieInputs.from_interactions(TODAY, [(TODAY, "carrier pigeon", "me")])


def test_the_usual_gap_is_the_mean_gap_and_at_least_a_day():
    assert usual_gap_days(_inputs([(0, "call", "me")])) is None
    assert (
        usual_gap_days(_inputs([(0, "call", "me"), (10, "call", "me"), (30, "call", "me")])) == 15
    )
    assert usual_gap_days(_inputs([(5, "call", "me"), (5, "message", "me")])) == 1


# Words ------------------------------------------------------------------------------------


def test_the_explanation_reads_like_a_sentence_about_the_person():
    history = [
        (425, "in_person", "me"),
        (300, "message", "me"),
        (200, "message", "me"),
        (100, "message", "me"),
        (2800, "in_person", "me"),
    ]
    recall = {
        "retrievability": 0.1,
        "recall_last_rating": 1,
        "recall_last_on": datetime.date(2026, 11, 3),
    }
    result = tie_score(_inputs(history, closeness=4, recall=recall))
    assert result.explanation == (
        "last messaged 3 months ago, last met 14 months ago; "
        "3 messages in the last year, all started by you; "
        "known since Mar 2019; you rate them Close; not recalled on 3 Nov"
    )


def test_last_met_when_the_last_interaction_was_in_person():
    words = tie_score(_inputs([(0, "call", "them"), (14, "in_person", "them")])).factors[0].words
    assert words == "last talked today, last met 2 weeks ago"
    assert tie_score(_inputs([(1, "in_person", "them")])).factors[0].words == "last met yesterday"
    assert tie_score(_inputs([(40, "email", "them")])).factors[0].words == (
        "last messaged 5 weeks ago, never met"
    )


def test_the_frequency_words_list_each_kind_of_the_last_year():
    history = [(10, "in_person", "mutual"), (20, "in_person", "mutual"), (30, "video", "them")]
    history += [(40, "group", "them"), (400, "message", "me")]
    words = {f.name: f.words for f in tie_score(_inputs(history)).factors}
    assert words["frequency"] == "2 meetings, 1 call and 1 group discussion in the last year"
    old = {f.name: f.words for f in tie_score(_inputs([(400, "call", "me")] * 2)).factors}
    assert old["frequency"] == "none in the last year, 2 before"


@pytest.mark.parametrize(
    ("initiators", "words"),
    [
        (["me", "me"], "all started by you"),
        (["them"], "all started by them"),
        (["mutual", "mutual"], "all mutual"),
        (["me", "them"], "started as often by you as by them"),
        (["me", "me", "me", "me", "them"], "nearly all started by you"),
        (["them", "them", "me"], "most started by them"),
        (["mutual", "mutual", "mutual", "me"], "mostly mutual"),
        (["them", "me", "mutual", "them"], "half started by them"),
    ],
)
def test_the_reciprocity_words(initiators, words):
    history = [(10 * n, "call", who) for n, who in enumerate(initiators)]
    factors = {f.name: f.words for f in tie_score(_inputs(history)).factors}
    assert factors["reciprocity"] == words


@pytest.mark.parametrize(
    ("rating", "on", "words"),
    [
        (1, datetime.date(2026, 11, 3), "not recalled on 3 Nov"),
        (2, datetime.date(2025, 11, 3), "vaguely recalled on 3 Nov 2025"),
        (3, datetime.date(2026, 1, 9), "recalled on 9 Jan"),
        (4, datetime.date(2026, 1, 9), "recalled instantly on 9 Jan"),
    ],
)
def test_the_recall_words_carry_the_answer_and_its_day(rating, on, words):
    recall = {"retrievability": 0.5, "recall_last_rating": rating, "recall_last_on": on}
    factors = {f.name: f.words for f in tie_score(_inputs([], recall=recall)).factors}
    assert factors["recall"] == words


def test_a_first_meeting_this_year_is_known_since_its_day():
    factors = {f.name: f.words for f in tie_score(_inputs([(30, "in_person", "me")])).factors}
    assert factors["duration"] == "known since 21 Oct"


def test_a_linkedin_connection_older_than_the_first_logged_meeting_counts_as_known_since():
    """Connected in 2019, first meeting logged last month: known since 2019, and longer known
    scores higher; a connection after the first meeting changes nothing."""
    history = [(30, "in_person", "me")]
    interactions = [(_day(age), kind, initiator) for age, kind, initiator in history]
    connected = TieInputs.from_interactions(
        TODAY, interactions, connected_on=datetime.date(2019, 3, 4)
    )
    factors = {f.name: f.words for f in tie_score(connected).factors}
    assert factors["duration"] == "known since Mar 2019"
    assert tie_score(connected).score > _score(history)
    later = TieInputs.from_interactions(TODAY, interactions, connected_on=_day(5))
    assert tie_score(later) == tie_score(_inputs(history))


# Weights ----------------------------------------------------------------------------------


def test_closeness_and_recall_count_only_when_known():
    history = [(0, "in_person", "them")] * 3
    unrated = tie_score(_inputs(history))
    assert {f.name for f in unrated.factors} == {
        "recency",
        "frequency",
        "reciprocity",
        "duration",
        "recall",
    }
    assert next(f for f in unrated.factors if f.name == "recall").points == 0
    # Recency is 1 today; with closeness and recall left out its 35 points become 35 / 80 of 100.
    recency = next(f for f in unrated.factors if f.name == "recency")
    assert recency.points == round(100 * WEIGHTS["recency"] / 80, 1)
    very_close = tie_score(
        _inputs(history, closeness=5, recall={"retrievability": 1.0, "recall_last_rating": 4})
    )
    distant = tie_score(_inputs(history, closeness=1))
    assert very_close.score > unrated.score > distant.score


def test_a_long_dead_tie_earns_little_for_having_been_long():
    old_friend = tie_score(_inputs([(3650 + 10 * n, "in_person", "mutual") for n in range(50)]))
    points = {factor.name: factor.points for factor in old_friend.factors}
    assert points["recency"] == points["duration"] == 0
    # A dormant history still counts, at a tenth of its weight: less than one recent message.
    recent_acquaintance = tie_score(_inputs([(20, "message", "me")]))
    assert recent_acquaintance.score > old_friend.score


def test_someone_never_met_nor_talked_with_scores_nothing():
    result = tie_score(TieInputs(today=TODAY))
    assert result.score == 0
    assert result.explanation == "never met nor talked with; recall never checked"


# Layers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rank", "number", "name", "cadence"),
    [
        (1, 1, "Closest 5", 7),
        (5, 1, "Closest 5", 7),
        (6, 2, "Good friends 15", 30),
        (15, 2, "Good friends 15", 30),
        (16, 3, "Friends 50", 90),
        (50, 3, "Friends 50", 90),
        (51, 4, "Meaningful 150", 365),
        (150, 4, "Meaningful 150", 365),
        (151, 5, "Acquaintances 500", 730),
        (500, 5, "Acquaintances 500", 730),
        (501, 6, "Known names 1,500", None),
        (1500, 6, "Known names 1,500", None),
        (1501, 7, "Beyond 1,500", None),
        (30000, 7, "Beyond 1,500", None),
    ],
)
def test_layers_at_their_rank_boundaries(rank, number, name, cadence):
    layer = layer_for_rank(rank)
    assert (layer.number, layer.name, layer.cadence_days) == (number, name, cadence)


def test_a_rank_starts_at_one():
    with pytest.raises(ValueError):
        layer_for_rank(0)


# Weak-tie reasons ---------------------------------------------------------------------------


def test_recall_forgotten_when_the_last_check_was_no_idea():
    inputs = _inputs(
        [(3, "in_person", "them")],
        recall={"recall_last_rating": 1, "recall_last_on": datetime.date(2026, 11, 3)},
    )
    reason = _weak(inputs)
    assert (reason.code, reason.severity) == ("recall_forgotten", 0)
    assert reason.words == "your last recall check was No idea (3 Nov)"


def test_recall_forgotten_when_the_last_two_checks_were_vaguely():
    inputs = _inputs(
        [(3, "in_person", "them")],
        recall={"recall_last_rating": 2, "recall_last_on": datetime.date(2025, 12, 30)},
    )
    assert _weak(inputs, recall_previous_rating=3) is None
    reason = _weak(inputs, recall_previous_rating=2)
    assert reason.code == "recall_forgotten"
    assert reason.words == "your last two recall checks were Vaguely (30 Dec 2025)"


def test_silence_past_eight_times_the_usual_gap():
    # 12 interactions three weeks apart from Mar 2022, then 9 months of silence.
    last = 280
    history = [(last + 21 * n, "call", "mutual") for n in range(12)]
    inputs = _inputs(history)
    assert usual_gap_days(inputs) == 21
    reason = _weak(inputs, usual_gap_days=21)
    assert (reason.code, reason.severity) == ("silence_gap", 1)
    assert reason.words == (
        "silent for 9 months; you usually talk every 3 weeks (12 interactions since Jun 2025)"
    )
    # Exactly 8 gaps of silence is not yet past it; nor is a short silence after daily talks.
    assert _weak(inputs, usual_gap_days=last // 8) is None
    daily = _inputs([(25 + n, "message", "them") for n in range(10)])
    assert _weak(daily, usual_gap_days=1) is None


def test_silence_gap_needs_three_interactions():
    inputs = _inputs([(400, "call", "me"), (500, "call", "me")])
    assert _weak(inputs, usual_gap_days=20) is None


def test_silence_past_twice_the_layer_cadence():
    inputs = _inputs([(150, "in_person", "them")])
    reason = _weak(inputs, cadence_days=30)
    assert (reason.code, reason.severity) == ("silence_cadence", 1)
    assert reason.words == "silent for 5 months; ties in your closest 15 are in touch about monthly"
    assert _weak(inputs, cadence_days=90) is None
    assert _weak(inputs, cadence_days=None) is None
    # The evidence names the cadence the contact page shows ("in touch every 3 months").
    reason = _weak(_inputs([(200, "in_person", "them")]), cadence_days=90)
    assert (
        reason.words == "silent for 6 months; ties in your closest 50 are in touch every 3 months"
    )
    # The dashboard's label says the threshold, unlike "drifting" (silent past the cadence once).
    assert (
        WEAK_REASON_WORDS["silence_cadence"] == "silent over twice as long as their layer's cadence"
    )


def test_a_linkedin_connection_never_met_nor_talked_with_after_90_days():
    inputs = TieInputs(today=TODAY)
    connected = datetime.date(2025, 3, 2)
    reason = _weak(inputs, linkedin_connected=True, connected_on=connected)
    assert (reason.code, reason.severity) == ("never_met", 2)
    assert reason.words == "connected on LinkedIn on 2 Mar 2025 and never met nor talked with"
    recent = TODAY - datetime.timedelta(days=90)
    assert _weak(inputs, linkedin_connected=True, connected_on=recent) is None
    assert _weak(inputs, linkedin_connected=False, connected_on=connected) is None
    # The connection date unknown: the day the contact was added counts instead.
    unknown = _weak(inputs, linkedin_connected=True, created_on=datetime.date(2026, 1, 5))
    assert unknown.words == "a LinkedIn connection added on 5 Jan and never met nor talked with"
    assert _weak(inputs, linkedin_connected=True, created_on=recent) is None


def test_a_met_linkedin_connection_is_not_never_met():
    inputs = _inputs([(400, "in_person", "them")])
    assert _weak(inputs, linkedin_connected=True, connected_on=datetime.date(2020, 1, 1)) is None


def test_the_worst_reason_wins():
    forgotten = {"recall_last_rating": 1, "recall_last_on": datetime.date(2026, 11, 3)}
    silent = _inputs([(300 + 7 * n, "call", "me") for n in range(5)], recall=forgotten)
    assert _weak(silent, usual_gap_days=7, cadence_days=30).code == "recall_forgotten"
    never = TieInputs(today=TODAY, **forgotten)
    reason = _weak(never, linkedin_connected=True, connected_on=datetime.date(2020, 1, 1))
    assert reason.code == "recall_forgotten"
    # Both silences apply: the tie's own rhythm is the better evidence.
    silent = _inputs([(300 + 7 * n, "call", "me") for n in range(5)])
    assert _weak(silent, usual_gap_days=7, cadence_days=30).code == "silence_gap"
    never_met = _weak(
        TieInputs(today=TODAY), linkedin_connected=True, connected_on=datetime.date(2020, 1, 1)
    )
    codes = [
        reason.code
        for reason in sorted(
            [never_met, _weak(silent, cadence_days=30, usual_gap_days=None)],
            key=lambda reason: reason.severity,
        )
    ]
    assert codes == ["silence_cadence", "never_met"]
