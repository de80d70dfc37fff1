"""Tie strength: a score from 0 to 100 with its reasons in words, layers and weak-tie reasons.

Pure functions over aggregates (no database here): insights.compute fills TieInputs for every
contact with a few set-based queries, and the property tests build them from plain lists of
interactions with TieInputs.from_interactions. docs/tie-strength.md describes the model.
"""

import bisect
import datetime
import math
from dataclasses import dataclass, field

from insights.models import Rating
from network.models import Contact
from network.templatetags.kith import format_day

# Kinds of interaction grouped by how much they say about a tie, strongest first.
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "in_person": ("in_person",),
    "call": ("call", "video"),
    "group": ("group",),
    "message": ("message", "email"),
}
# Age buckets, in days before the day of computation: [0, 90), [90, 365), [365, 1095), older.
AGE_BUCKETS: tuple[int, ...] = (90, 365, 1095)

# How much one interaction of a group counts towards frequency.
KIND_WEIGHTS: dict[str, float] = {"in_person": 1.0, "call": 0.7, "group": 0.5, "message": 0.3}
# How much one interaction counts by its age bucket (index as in AGE_BUCKETS, 3 = older).
AGE_WEIGHTS: tuple[float, ...] = (1.0, 0.6, 0.3, 0.1)
# The points each factor can give; they sum to 100. Closeness and recall are left out (and the
# others scaled up to 100) when the owner has not rated closeness or never checked recall.
WEIGHTS: dict[str, float] = {
    "recency": 35.0,
    "frequency": 25.0,
    "duration": 10.0,
    "reciprocity": 10.0,
    "closeness": 10.0,
    "recall": 10.0,
}
RECENCY_DAYS = 180  # recency = exp(-days since the last interaction / 180)
FREQUENCY_SCALE = 4.0  # frequency = 1 - exp(-weighted interactions / 4)
DURATION_DAYS = 1825  # five years known earns the whole duration share (times recency)
RECIPROCITY_SCALE = 3.0  # reciprocity = 1 - exp(-(started by them + mutual / 2) / 3)

# Weak-tie thresholds (docs/tie-strength.md, "Weak ties").
GAP_MULTIPLE = 8  # silence past 8 x the usual gap (Navarro et al. 2017)
GAP_MIN_SILENCE = 30
GAP_MIN_INTERACTIONS = 3
CADENCE_MULTIPLE = 2
NEVER_MET_GRACE_DAYS = 90

_GROUP_OF_KIND = {kind: group for group, kinds in KIND_GROUPS.items() for kind in kinds}
_GROUP_NOUNS = {
    "in_person": ("meeting", "meetings"),
    "call": ("call", "calls"),
    "group": ("group discussion", "group discussions"),
    "message": ("message", "messages"),
}
_LAST_VERBS = {"call": "last talked", "group": "last talked", "message": "last messaged"}


def _month(value: datetime.date, today: datetime.date) -> str:
    """ "Mar 2019", or the day in today's year ("3 Nov")."""
    if value.year == today.year:
        return format_day(value, today)
    return f"{value:%b %Y}"


def _span(days: int) -> str:
    """A length of time in the one unit a person would use: "3 weeks", "14 months", "2 years"."""
    for unit, length in (("year", 365), ("month", 30), ("week", 7)):
        if days >= 2 * length:
            return f"{days // length} {unit}s"
    return "1 day" if days == 1 else f"{days} days"


def _ago(days: int) -> str:
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{_span(days)} ago"


def every(days: int) -> str:
    """ "every day", "every week", "every 3 weeks", "every month", "every 14 months"."""
    named = {1: "day", 7: "week", 30: "month", 31: "month", 365: "year"}
    if days in named:
        return f"every {named[days]}"
    return f"every {_span(max(days, 1))}"


def kind_group(kind: str) -> str:
    """The frequency group of an Interaction.Kind value ("video" -> "call")."""
    if kind in KIND_GROUPS:
        return kind
    try:
        return _GROUP_OF_KIND[kind]
    except KeyError:
        raise ValueError(f"Unknown kind of interaction: {kind!r}") from None


def age_bucket(today: datetime.date, day: datetime.date) -> int:
    """The index in AGE_BUCKETS (0..3) of an interaction on `day`, seen from `today`."""
    return bisect.bisect_right(AGE_BUCKETS, (today - day).days)


@dataclass(frozen=True)
class TieInputs:
    """What the score is computed from, for one contact on one day."""

    today: datetime.date
    first_on: datetime.date | None = None  # first interaction
    last_on: datetime.date | None = None  # last interaction of any kind
    last_in_person_on: datetime.date | None = None
    # Interactions by (kind group, age bucket index 0..3), e.g. {("message", 1): 3}.
    counts: dict[tuple[str, int], int] = field(default_factory=dict)
    started_by_me: int = 0
    started_by_them: int = 0
    mutual: int = 0
    closeness: int | None = None  # the owner's own rating, 1 (distant) to 5 (very close)
    retrievability: float | None = None  # recall today, 0..1; None when never checked
    recall_last_rating: int | None = None  # 1 No idea .. 4 Instantly
    recall_last_on: datetime.date | None = None
    # The kind group of the last interaction (words only: "last messaged" rather than
    # "last talked"); None when unknown. On a day with several, the strongest group.
    last_kind: str | None = None
    # When they connected on LinkedIn: known since then at least, even if nothing was logged.
    connected_on: datetime.date | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @classmethod
    def from_interactions(
        cls,
        today: datetime.date,
        interactions: list[tuple[datetime.date, str, str]],  # (occurred_on, kind, initiated_by)
        **others,
    ) -> "TieInputs":
        """The same aggregates insights.compute takes from the database, from a plain list.

        Interactions after `today` are left out, so the inputs can be taken as of a past day.
        """
        counts: dict[tuple[str, int], int] = {}
        started = {"me": 0, "them": 0, "mutual": 0}
        first_on = last_on = last_in_person_on = None
        last_kind = None
        group_order = list(KIND_GROUPS)
        for day, kind, initiated_by in interactions:
            if day > today:
                continue
            group = kind_group(kind)
            key = (group, age_bucket(today, day))
            counts[key] = counts.get(key, 0) + 1
            if initiated_by not in started:
                raise ValueError(f"Unknown initiator: {initiated_by!r}")
            started[initiated_by] += 1
            if first_on is None or day < first_on:
                first_on = day
            if last_on is None or day > last_on:
                last_on, last_kind = day, group
            elif day == last_on and group_order.index(group) < group_order.index(last_kind):
                last_kind = group
            if group == "in_person" and (last_in_person_on is None or day > last_in_person_on):
                last_in_person_on = day
        return cls(
            today=today,
            first_on=first_on,
            last_on=last_on,
            last_in_person_on=last_in_person_on,
            counts=counts,
            started_by_me=started["me"],
            started_by_them=started["them"],
            mutual=started["mutual"],
            last_kind=last_kind,
            **others,
        )


def usual_gap_days(inputs: TieInputs) -> int | None:
    """The tie's usual gap between interactions: the mean gap from the first to the last.

    None with fewer than two interactions; at least 1 (several on one day still mean "daily").
    """
    if inputs.total < 2 or inputs.first_on is None or inputs.last_on is None:
        return None
    return max(1, round((inputs.last_on - inputs.first_on).days / (inputs.total - 1)))


@dataclass(frozen=True)
class Factor:
    name: str  # "recency", "frequency", "duration", "reciprocity", "closeness", "recall"
    points: float  # its share of the score
    words: str  # "last met 14 months ago"


@dataclass(frozen=True)
class TieScore:
    score: float  # 0..100, one decimal
    factors: tuple[Factor, ...]

    @property
    def explanation(self) -> str:
        """ "last met 14 months ago; 3 messages in the last year, all started by you; ..."

        Reciprocity is told after frequency with a comma: it is about the same interactions.
        """
        parts: list[str] = []
        for factor in self.factors:
            if not factor.words:
                continue
            if factor.name == "reciprocity" and parts:
                parts[-1] = f"{parts[-1]}, {factor.words}"
            else:
                parts.append(factor.words)
        return "; ".join(parts)


def _recency(inputs: TieInputs) -> tuple[float, str]:
    if inputs.last_on is None:
        return 0.0, "never met nor talked with"
    days = max(0, (inputs.today - inputs.last_on).days)
    value = math.exp(-days / RECENCY_DAYS)
    if inputs.last_in_person_on == inputs.last_on:
        return value, f"last met {_ago(days)}"
    verb = _LAST_VERBS.get(inputs.last_kind or "", "last talked")
    if inputs.last_in_person_on is None:
        return value, f"{verb} {_ago(days)}, never met"
    met_days = max(0, (inputs.today - inputs.last_in_person_on).days)
    return value, f"{verb} {_ago(days)}, last met {_ago(met_days)}"


def _weighted_interactions(inputs: TieInputs) -> float:
    return sum(
        KIND_WEIGHTS[group] * AGE_WEIGHTS[bucket] * count
        for (group, bucket), count in inputs.counts.items()
    )


def _frequency(inputs: TieInputs) -> tuple[float, str]:
    if inputs.total == 0:
        return 0.0, ""
    value = 1 - math.exp(-_weighted_interactions(inputs) / FREQUENCY_SCALE)
    last_year = {group: 0 for group in KIND_GROUPS}
    for (group, bucket), count in inputs.counts.items():
        if bucket <= 1:  # the buckets [0, 90) and [90, 365) days
            last_year[group] += count
    pieces = [
        f"{count} {_GROUP_NOUNS[group][count != 1]}" for group, count in last_year.items() if count
    ]
    if not pieces:
        before = inputs.total
        return value, f"none in the last year, {before} before"
    listed = pieces[0] if len(pieces) == 1 else f"{', '.join(pieces[:-1])} and {pieces[-1]}"
    return value, f"{listed} in the last year"


def _duration(inputs: TieInputs, recency: float) -> tuple[float, str]:
    if inputs.first_on is None:
        return 0.0, ""
    since = inputs.first_on
    if inputs.connected_on and inputs.connected_on < since:
        since = inputs.connected_on
    days = max(0, (inputs.today - since).days)
    # Times recency: a tie long dead earns nothing for having once been long.
    return min(1.0, days / DURATION_DAYS) * recency, f"known since {_month(since, inputs.today)}"


def _reciprocity(inputs: TieInputs, recency: float) -> tuple[float, str]:
    me, them, mutual = inputs.started_by_me, inputs.started_by_them, inputs.mutual
    total = me + them + mutual
    if total == 0:
        return 0.0, ""
    # Times recency, like duration: who reached out years ago says little about the tie today.
    value = (1 - math.exp(-(them + 0.5 * mutual) / RECIPROCITY_SCALE)) * recency
    if me == total:
        words = "all started by you"
    elif them == total:
        words = "all started by them"
    elif mutual == total:
        words = "all mutual"
    elif mutual * 2 > total:
        words = "mostly mutual"
    elif me == them:
        words = "started as often by you as by them"
    else:
        side, count = ("you", me) if me > them else ("them", them)
        share = count / total
        if share >= 0.8:
            words = f"nearly all started by {side}"
        elif share > 0.55:
            words = f"most started by {side}"
        elif share >= 0.45:
            words = f"half started by {side}"
        else:
            words = f"more started by {side}"
    return value, words


def _closeness(inputs: TieInputs) -> tuple[float, str]:
    assert inputs.closeness is not None
    label = Contact.Closeness(inputs.closeness).label
    return (inputs.closeness - 1) / 4, f"you rate them {label}"


def _recall_words(inputs: TieInputs) -> str:
    rating, on = inputs.recall_last_rating, inputs.recall_last_on
    if rating is None:
        return "recall never checked"
    when = f" on {format_day(on, inputs.today)}" if on else ""
    return {
        Rating.NO_IDEA: f"not recalled{when}",
        Rating.VAGUELY: f"vaguely recalled{when}",
        Rating.YES: f"recalled{when}",
        Rating.INSTANTLY: f"recalled instantly{when}",
    }[Rating(rating)]


def tie_score(inputs: TieInputs) -> TieScore:
    """The score 0..100 and its factors, each with its points and its words."""
    recency, recency_words = _recency(inputs)
    values: dict[str, tuple[float, str]] = {
        "recency": (recency, recency_words),
        "frequency": _frequency(inputs),
        "reciprocity": _reciprocity(inputs, recency),
        "duration": _duration(inputs, recency),
    }
    if inputs.closeness is not None:
        values["closeness"] = _closeness(inputs)
    recall_words = _recall_words(inputs)
    if inputs.retrievability is not None:
        values["recall"] = (min(1.0, max(0.0, inputs.retrievability)), recall_words)
    scale = 100 / sum(WEIGHTS[name] for name in values)
    points = {name: WEIGHTS[name] * scale * value for name, (value, _) in values.items()}
    factors = [Factor(name, round(points[name], 1), words) for name, (_, words) in values.items()]
    if "recall" not in values:
        factors.append(Factor("recall", 0.0, recall_words))
    # Rounded once, from the unrounded sum, so that the score keeps its monotone properties.
    score = min(100.0, max(0.0, round(sum(points.values()), 1)))
    return TieScore(score=score, factors=tuple(factors))


@dataclass(frozen=True)
class Layer:
    number: int  # 1 (the closest) .. 7
    size: int | None  # the rank it reaches: 5, 15, 50, 150, 500, 1500, None beyond
    name: str  # "Closest 5"
    cadence_days: int | None  # the natural gap between interactions; None: no cadence


LAYERS: tuple[Layer, ...] = (
    Layer(1, 5, "Closest 5", 7),
    Layer(2, 15, "Good friends 15", 30),
    Layer(3, 50, "Friends 50", 90),
    Layer(4, 150, "Meaningful 150", 365),
    Layer(5, 500, "Acquaintances 500", 730),
    Layer(6, 1500, "Known names 1,500", None),
    Layer(7, None, "Beyond 1,500", None),
)
# How each cadence reads in a weak-tie reason: "ties in your closest 15 are in touch about monthly".
_CADENCE_WORDS = {
    7: ("closest 5", "about weekly"),
    30: ("closest 15", "about monthly"),
    90: ("closest 50", "every 3 months"),
    365: ("closest 150", "about yearly"),
    730: ("closest 500", "every year or two"),
}


def layer_for_rank(rank: int) -> Layer:
    """rank 1 = the strongest tie of the network."""
    if rank < 1:
        raise ValueError(f"A rank starts at 1, not {rank}")
    for layer in LAYERS:
        if layer.size is None or rank <= layer.size:
            return layer
    raise AssertionError("the last layer has no size")


def layer_by_number(number: int) -> Layer:
    return LAYERS[number - 1]


# Each weak-tie reason's severity, lower = worse: the weekly cap flags the worst first
# (insights.compute) and the review walks them in the same order (insights.weak_review).
SEVERITY = {"recall_forgotten": 0, "silence_gap": 1, "silence_cadence": 1, "never_met": 2}
# Each reason in a few words, without its evidence: the dashboard counts them, the review's card
# names them.
WEAK_REASON_WORDS = {
    "recall_forgotten": "not recalled at the last recall check",
    "silence_gap": "silent far longer than your usual gap",
    "silence_cadence": "silent over twice as long as their layer's cadence",
    "never_met": "connected on LinkedIn, never met nor talked with",
}


@dataclass(frozen=True)
class WeakReason:
    code: str  # "recall_forgotten", "silence_gap", "silence_cadence", "never_met"
    words: str  # the reason with its evidence, e.g. "silent for 9 months; you usually talk every 3 weeks"

    @property
    def severity(self) -> int:
        return SEVERITY[self.code]


def weak_reason(
    inputs: TieInputs,
    *,
    recall_previous_rating: int | None,
    cadence_days: int | None,
    usual_gap_days: int | None,
    linkedin_connected: bool,
    connected_on: datetime.date | None,
    created_on: datetime.date,
) -> WeakReason | None:
    """Why this tie should be reviewed, the worst reason when several apply; None when none.

    Let-go and quiet ties are the caller's to leave out (insights.compute).
    """
    today = inputs.today
    when = f" ({format_day(inputs.recall_last_on, today)})" if inputs.recall_last_on else ""
    if inputs.recall_last_rating == Rating.NO_IDEA:
        return WeakReason("recall_forgotten", f"your last recall check was No idea{when}")
    if inputs.recall_last_rating == Rating.VAGUELY and recall_previous_rating == Rating.VAGUELY:
        return WeakReason("recall_forgotten", f"your last two recall checks were Vaguely{when}")
    if inputs.last_on is not None:
        silence = (today - inputs.last_on).days
        if (
            usual_gap_days
            and inputs.total >= GAP_MIN_INTERACTIONS
            and silence > GAP_MULTIPLE * usual_gap_days
            and silence > GAP_MIN_SILENCE
        ):
            since = f" since {_month(inputs.first_on, today)}" if inputs.first_on else ""
            return WeakReason(
                "silence_gap",
                f"silent for {_span(silence)}; you usually talk {every(usual_gap_days)}"
                f" ({inputs.total} interactions{since})",
            )
        if cadence_days and silence > CADENCE_MULTIPLE * cadence_days:
            layer, how_often = _CADENCE_WORDS.get(cadence_days, ("layer", every(cadence_days)))
            return WeakReason(
                "silence_cadence",
                f"silent for {_span(silence)}; ties in your {layer} are in touch {how_often}",
            )
    if linkedin_connected and inputs.total == 0 and inputs.last_on is None:
        since = connected_on or created_on
        if (today - since).days > NEVER_MET_GRACE_DAYS:
            if connected_on:
                words = f"connected on LinkedIn on {format_day(connected_on, today)}"
            else:
                words = f"a LinkedIn connection added on {format_day(created_on, today)}"
            return WeakReason("never_met", f"{words} and never met nor talked with")
    return None
