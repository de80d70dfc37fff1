"""What pages of lower apps show from insights: recall in words, a tie's layer and cadence.

network's templates read `contact.tie` and `contact.recall_card` through the reverse
relations (network does not import insights); these tags turn them into words.
"""

import datetime

from django import template
from django.utils import timezone

from insights.models import RecallCard, Tie
from insights.recall import RecallStatus, recall_status
from insights.ties import every, layer_by_number
from network.templatetags.kith import day

register = template.Library()


@register.simple_tag
def recall_state(card: RecallCard | None) -> RecallStatus:
    """`{% recall_state contact_card as recall %}`: recall.code ("never", "recalled",
    "forgotten") and recall.words ("likely to recall, 87%")."""
    return recall_status(card, timezone.now())


@register.filter
def layer_name(tie: Tie | None) -> str:
    """The tie's layer by its rank in the network: "Friends 50"."""
    if tie is None or tie.layer is None:
        return ""
    return layer_by_number(tie.layer).name


@register.filter
def cadence_words(days: int | None) -> str:
    """A layer's cadence as a person says it: "every week", "every 3 months", "every year"."""
    return every(days) if days else ""


@register.simple_tag
def next_in_touch(tie: Tie | None, last_on: datetime.date | None) -> str:
    """When the cadence asks for the next interaction: "next by 3 Mar", or "due since 3 Mar"."""
    if tie is None or not tie.cadence_days or last_on is None:
        return ""
    due = last_on + datetime.timedelta(days=tie.cadence_days)
    if due < timezone.localdate():
        return f"due since {day(due)}"
    return f"next by {day(due)}"
