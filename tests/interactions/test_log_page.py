"""The "Log a meeting" page itself: the event picker, the first focus, the person combobox."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from tests.factories import ContactFactory, EventFactory, InteractionFactory

LOG_URL = reverse("interactions:log-meeting")
TODAY = timezone.localdate


def _options(page: str) -> list[str]:
    select = page[page.index('name="event"') : page.index("</select>")]
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)


def test_the_event_picker_offers_recent_gatherings_newest_first(owner_client, owner):
    older = EventFactory(
        owner=owner, name="Oslo Energy Forum", date=TODAY() - datetime.timedelta(40)
    )
    newer = EventFactory(owner=owner, name="Grid Meetup", date=TODAY() - datetime.timedelta(2))
    one_on_one = EventFactory(
        owner=owner, name="Weekly 1:1", source="ics", external_id="w1", date=TODAY()
    )
    InteractionFactory(owner=owner, event=one_on_one, occurred_on=one_on_one.date)
    workshop = EventFactory(
        owner=owner,
        name="Planning workshop",
        source="ics",
        external_id="p1",
        date=TODAY() - datetime.timedelta(10),
    )
    for _ in range(2):
        InteractionFactory(owner=owner, event=workshop, occurred_on=workshop.date)

    names = [name.split(" (")[0] for name in _options(owner_client.get(LOG_URL).content.decode())]

    assert names == [newer.name, workshop.name, older.name]


def test_an_event_chosen_by_link_is_offered_even_when_it_is_not_a_gathering(owner_client, owner):
    one_on_one = EventFactory(owner=owner, name="Weekly 1:1", source="ics", external_id="w1")
    page = owner_client.get(LOG_URL, {"event": one_on_one.pk}).content.decode()
    assert f'<option value="{one_on_one.pk}" selected>' in page


def test_the_first_field_has_the_focus_when_the_page_opens(owner_client, owner):
    page = owner_client.get(LOG_URL).content.decode()
    assert re.search(r'<select name="event"[^>]*autofocus', page)
    assert not re.search(r'id="attendee-q"[^>]*autofocus', page, re.S)


def test_with_the_event_chosen_the_focus_is_on_adding_people(owner_client, owner):
    event = EventFactory(owner=owner)
    page = owner_client.get(LOG_URL, {"event": event.pk}).content.decode()
    assert not re.search(r'<select name="event"[^>]*autofocus', page)
    assert re.search(r'<input id="attendee-q"[^>]*autofocus', page, re.S)


def test_the_person_search_is_a_combobox_over_a_listbox(owner_client, owner):
    ingrid = ContactFactory(owner=owner, full_name="Ingrid Solberg", stands_for="Grid storage")
    page = owner_client.get(LOG_URL).content.decode()
    search = re.search(r'<input id="attendee-q"[^>]*>', page, re.S).group(0)
    for attribute in ('role="combobox"', 'aria-controls="suggestions"', 'aria-expanded="false"'):
        assert attribute in search, attribute

    found = owner_client.get(
        reverse("interactions:attendee-suggestions"), {"q": "ingr"}
    ).content.decode()
    assert 'id="suggestions" class="suggestions" role="listbox"' in found
    assert f'role="option" id="suggestion-{ingrid.pk}"' in found
    assert 'role="option" id="suggestion-new"' in found
    # Compact rows: the name, and one line about them.
    assert '<span class="suggestion-name">Ingrid Solberg</span>' in found
    assert '<span class="suggestion-line muted">Grid storage</span>' in found
