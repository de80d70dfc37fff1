"""The weekly review's summary for pages outside the review (the dashboard's last review).

The words come from invitations.review.review_summary, so both parts (invitations and the weak
ties other apps register) read as they do at the end of the review.
"""

from django import template

from invitations.models import Review
from invitations.review import review_summary as summary_of

register = template.Library()


@register.filter
def review_summary(review: Review | None) -> str:
    """What a review decided, part after part: "2 accepted, 1 declined, 0 not yet, 1 skipped;
    3 kept, 1 reconnected, 1 let go, 0 snoozed"."""
    return summary_of(review) if review else ""
