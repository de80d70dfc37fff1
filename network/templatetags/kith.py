import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def days_ago(day: datetime.date | None) -> str:
    """How long ago a date was, in the one unit a person would use: "3 weeks ago"."""
    if day is None:
        return ""
    days = (timezone.localdate() - day).days
    if days < 0:
        return "in the future"
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    for unit, length in (("year", 365), ("month", 30), ("week", 7)):
        if days >= 2 * length:
            return f"{days // length} {unit}s ago"
    return f"{days} days ago"


@register.filter
def day(value: datetime.date | datetime.datetime | None) -> str:
    """A day as people write it: "1 Mar" this year, "1 Mar 2025" any other year."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_day(value, timezone.localdate())


def format_day(value: datetime.date, today: datetime.date) -> str:
    """The |day filter's words for a given today, for code that knows the owner's today."""
    if value.year == today.year:
        return f"{value.day} {value:%b}"
    return f"{value.day} {value:%b %Y}"
