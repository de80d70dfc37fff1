"""Tie strength: a score from 0 to 100 with its reasons in words, layers and weak-tie reasons.

Pure functions over aggregates (no database here): insights.compute fills TieInputs for every
contact with a few set-based queries, and the property tests build them from plain lists of
interactions with TieInputs.from_interactions. docs/tie-strength.md describes the model.
"""

import datetime
from dataclasses import dataclass, field

# Kinds of interaction grouped by how much they say about a tie, strongest first.
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "in_person": ("in_person",),
    "call": ("call", "video"),
    "group": ("group",),
    "message": ("message", "email"),
}
# Age buckets, in days before the day of computation: [0, 90), [90, 365), [365, 1095), older.
AGE_BUCKETS: tuple[int, ...] = (90, 365, 1095)


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
        """The same aggregates insights.compute takes from the database, from a plain list."""
        raise NotImplementedError


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
        """ "last met 14 months ago; 3 messages in the last year, all started by you; ..." """
        return "; ".join(factor.words for factor in self.factors if factor.words)


def tie_score(inputs: TieInputs) -> TieScore:
    raise NotImplementedError


@dataclass(frozen=True)
class Layer:
    number: int  # 1 (the closest) .. 7
    size: int | None  # the rank it reaches: 5, 15, 50, 150, 500, 1500, None beyond
    name: str  # "Closest 5"
    cadence_days: int | None  # the natural gap between interactions; None: no cadence


def layer_for_rank(rank: int) -> Layer:
    """rank 1 = the strongest tie of the network."""
    raise NotImplementedError


@dataclass(frozen=True)
class WeakReason:
    code: str  # "recall_forgotten", "silence_gap", "silence_cadence", "never_met"
    words: str  # the reason with its evidence, e.g. "silent for 9 months; you usually talk every 3 weeks"
    severity: int  # lower = worse, for "the worst first"


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
    raise NotImplementedError
