import datetime

import pytest
from django.utils import timezone

from network.templatetags.kith import days_ago


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "today"),
        (1, "yesterday"),
        (6, "6 days ago"),
        (13, "13 days ago"),
        (14, "2 weeks ago"),
        (59, "8 weeks ago"),
        (60, "2 months ago"),
        (729, "24 months ago"),
        (730, "2 years ago"),
        (-3, "in the future"),
    ],
)
def test_days_ago_uses_the_unit_a_person_would(days, text):
    assert days_ago(timezone.localdate() - datetime.timedelta(days=days)) == text
