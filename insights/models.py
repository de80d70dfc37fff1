"""What Kith derives about each person: recall checks (FSRS) and the tie.

Both are kept per contact in rows of their own, written set-based (bulk upserts), so that a
30,000-person network is recomputed in seconds and no page computes them on the fly.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from network.models import Contact, OwnedQuerySet


class Rating(models.IntegerChoices):
    """The four answers of a recall check, in FSRS's order (Again, Hard, Good, Easy)."""

    NO_IDEA = 1, "No idea"
    VAGUELY = 2, "Vaguely"
    YES = 3, "Yes"
    INSTANTLY = 4, "Instantly"


class RecallCard(models.Model):
    """One FSRS card per contact, its state in columns.

    fsrs's own Card() sleeps 1 ms to keep its ids unique; Kith's card id is the contact id, so
    cards for a whole import are one bulk insert. A card with no reviews is "never checked".
    """

    contact = models.OneToOneField(
        Contact, on_delete=models.CASCADE, primary_key=True, related_name="recall_card"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recall_cards"
    )
    # fsrs.State: 1 learning, 2 review, 3 relearning.
    state = models.PositiveSmallIntegerField(default=1)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    last_rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    previous_rating = models.PositiveSmallIntegerField(
        choices=Rating.choices, null=True, blank=True
    )
    reviews = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["owner", "due"], name="recall_card_owner_due"),
            models.Index(fields=["owner", "last_rating"], name="recall_card_owner_rating"),
        ]

    def __str__(self) -> str:
        return f"Recall card of contact {self.contact_id}"


class RecallLog(models.Model):
    """One answer to one recall check: the review history, and what undo restores."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recall_logs"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="recall_logs")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField()
    # The card's columns before this answer (JSON-ready), so the answer can be taken back.
    card_before = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-reviewed_at"], name="recall_log_owner_time"),
            models.Index(fields=["contact", "-reviewed_at"], name="recall_log_contact_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} for contact {self.contact_id}"


class RecallSnapshot(models.Model):
    """The owner's recall, once a week (the Monday of the week): recall over time."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recall_snapshots"
    )
    week = models.DateField()
    total = models.PositiveIntegerField(default=0)
    recalled = models.PositiveIntegerField(default=0)
    forgotten = models.PositiveIntegerField(default=0)
    never_checked = models.PositiveIntegerField(default=0)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["week"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "week"], name="recall_snapshot_once_a_week"),
        ]

    def __str__(self) -> str:
        return f"Recall in the week of {self.week:%d %b %Y}"


class Tie(models.Model):
    """The strength of the owner's tie with one contact, why, its layer, and any weak-tie flag.

    Written by insights.compute (nightly, after imports, and for one contact when its
    interactions change); read by pages.
    """

    class Health(models.TextChoices):
        ON_CADENCE = "on_cadence", "On cadence"
        DRIFTING = "drifting", "Drifting"
        FLAGGED = "flagged", "Flagged"
        NO_TIE = "no_tie", "No tie yet"

    contact = models.OneToOneField(
        Contact, on_delete=models.CASCADE, primary_key=True, related_name="tie"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ties"
    )
    score = models.FloatField(default=0)  # 0 to 100
    # The score's parts in words: [{"name": "recency", "points": 21.5, "words": "..."}, ...]
    factors = models.JSONField(default=list, blank=True)
    explanation = models.TextField(blank=True)
    score_month_ago = models.FloatField(null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    layer = models.PositiveSmallIntegerField(null=True, blank=True)  # 1 (closest 5) to 7
    cadence_days = models.PositiveIntegerField(null=True, blank=True)
    usual_gap_days = models.PositiveIntegerField(null=True, blank=True)
    health = models.CharField(max_length=20, choices=Health.choices, default=Health.NO_TIE)
    computed_on = models.DateField(null=True, blank=True)
    # Why the tie is weak, when it is ("" when it is not): a code and the reason in words.
    weak_reason = models.CharField(max_length=30, blank=True)
    weak_text = models.TextField(blank=True)
    # In this week's review since this day; null while waiting (the weekly cap) or not weak.
    flagged_on = models.DateField(null=True, blank=True)
    # Kept or snoozed in a review: not flagged again before this day.
    quiet_until = models.DateField(null=True, blank=True)
    # Let go in a review (to remove on LinkedIn); never flagged again. Kith never deletes.
    let_go_on = models.DateField(null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["owner", "layer"], name="tie_owner_layer"),
            models.Index(fields=["owner", "-score"], name="tie_owner_score"),
            models.Index(
                fields=["owner", "flagged_on"],
                condition=Q(flagged_on__isnull=False),
                name="tie_owner_flagged",
            ),
        ]

    def __str__(self) -> str:
        return f"Tie with contact {self.contact_id}: {self.score:.0f}"
