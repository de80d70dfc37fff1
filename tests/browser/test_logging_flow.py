"""Logging what happened: a meeting with several people, a quick log, a follow-up done."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interactions.models import Event, FollowUp, Interaction
from network.models import Contact
from tests.browser.conftest import DESKTOP, PHONE, assert_fits_the_screen, log_in
from tests.factories import ContactFactory, FollowUpFactory

# `page_at` runs at every width; these narrow it to one.
on_a_phone = pytest.mark.parametrize("page_at", [PHONE], indirect=True, ids=["phone"])
on_a_desktop = pytest.mark.parametrize("page_at", [DESKTOP], indirect=True, ids=["desktop"])


def shown_date(day) -> str:
    """A date as the templates show it ("j M Y")."""
    return f"{day.day} {day:%b %Y}"


def add_person(page, typed: str, expected_suggestion: str) -> None:
    """Type in "Add a person", wait for the first suggestion, press Enter."""
    search = page.get_by_label("Add a person")
    search.press_sequentially(typed)
    first = page.locator("#suggestions .suggestion").first
    expect(first).to_contain_text(expected_suggestion)
    expect(first).to_have_class(re.compile(r"\bis-highlighted\b"))  # Enter picks this one
    search.press("Enter")
    expect(search).to_have_value("")


def save_button(page):
    return page.locator("button[name=save]:not(.visually-hidden)")


def attendee(page, name: str):
    return page.locator("#attendees .attendee").filter(has_text=name)


@on_a_phone
def test_after_a_conference_log_three_people_on_a_phone(page_at, browser_user):
    page, problems = page_at
    today = timezone.localdate()
    ingrid = ContactFactory(
        owner=browser_user,
        full_name="Ingrid Solberg",
        stands_for="Says grid storage beats new generation",
    )
    ContactFactory(owner=browser_user, full_name="Lars Holm", stands_for="Open data for ferries")
    log_in(page, "browser")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log a meeting").click()
    expect(page.get_by_role("heading", name="Log a meeting")).to_be_visible()
    expect(page.get_by_label("Event", exact=True)).to_have_value("new")
    page.get_by_label("Event name").fill("Nordic Innovation Summit")
    page.get_by_label("Place").fill("Oslo Spektrum")

    add_person(page, "ingr", "Ingrid Solberg")
    expect(attendee(page, "Ingrid Solberg")).to_contain_text(
        "Says grid storage beats new generation"
    )
    add_person(page, "lars", "Lars Holm")
    expect(attendee(page, "Lars Holm")).to_be_visible()
    add_person(page, "Mette Kruse", "Add “Mette Kruse” as a new person")
    mette = page.locator("#attendees .attendee").last
    expect(mette).to_contain_text("New person")
    expect(mette.get_by_label("Name", exact=True)).to_have_value("Mette Kruse")
    # The next useful field for a new person is what they stand for: it has the focus.
    stands_for = mette.get_by_label("What they stand for")
    expect(stands_for).to_be_focused()
    stands_for.fill("Cities that plan for bicycles first")
    expect(page.locator("#attendees .attendee")).to_have_count(3)

    row = attendee(page, "Ingrid Solberg")
    follow_up_date = row.get_by_label("Follow-up date")
    expect(follow_up_date).to_be_hidden()
    row.get_by_label("Follow up").select_option(label="On a date…")
    expect(follow_up_date).to_be_visible()
    follow_up_date.fill(today.isoformat())
    row.get_by_label("Note").fill("Wants the storage report")
    assert_fits_the_screen(page)

    save_button(page).click()

    expect(page.get_by_role("heading", name="Logged 3 people")).to_be_visible()
    logged = page.locator(".logged-list")
    for name in ("Ingrid Solberg", "Lars Holm", "Mette Kruse"):
        expect(logged.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_text("Oslo Spektrum")).to_be_visible()

    page.get_by_role("link", name="Nordic Innovation Summit").click()
    expect(page.get_by_role("heading", name="Nordic Innovation Summit")).to_be_visible()
    met = page.get_by_role("region", name="Who you met (3)")
    for name in ("Ingrid Solberg", "Lars Holm", "Mette Kruse"):
        expect(met.get_by_role("link", name=name)).to_be_visible()
    follow_ups = page.get_by_role("region", name="Follow-ups")
    expect(follow_ups.get_by_role("link", name="Ingrid Solberg")).to_be_visible()
    expect(follow_ups).to_contain_text(f"due {shown_date(today)}")

    met.get_by_role("link", name="Mette Kruse").click()
    expect(page.get_by_role("heading", name="Mette Kruse")).to_be_visible()
    expect(page.get_by_text("Cities that plan for bicycles first")).to_be_visible()
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("at Nordic Innovation Summit")
    expect(timeline).to_contain_text("In person")

    page.go_back()
    met.get_by_role("link", name="Ingrid Solberg").click()
    expect(page.get_by_role("heading", name="Ingrid Solberg")).to_be_visible()
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(
        "at Nordic Innovation Summit"
    )
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("Wants the storage report")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    due = page.locator("#follow-ups")
    expect(due.get_by_role("heading", name="Follow-ups due")).to_be_visible()
    expect(due.get_by_role("link", name="Ingrid Solberg")).to_be_visible()
    expect(due).to_contain_text("due today")

    event = Event.objects.get(owner=browser_user)
    assert (event.name, event.place, event.date) == (
        "Nordic Innovation Summit",
        "Oslo Spektrum",
        today,
    )
    assert Interaction.objects.filter(owner=browser_user, event=event).count() == 3
    assert Interaction.objects.filter(owner=browser_user).count() == 3
    new = Contact.objects.get(owner=browser_user, full_name="Mette Kruse")
    assert new.stands_for == "Cities that plan for bicycles first"
    assert Contact.objects.filter(owner=browser_user).count() == 3
    follow_up = FollowUp.objects.get(owner=browser_user)
    assert (follow_up.contact, follow_up.due_on, follow_up.done_at) == (ingrid, today, None)
    assert problems == []


@on_a_phone
def test_removing_a_person_before_saving_takes_one_click(page_at, browser_user):
    page, problems = page_at
    ContactFactory(owner=browser_user, full_name="Ingrid Solberg")
    ContactFactory(owner=browser_user, full_name="Lars Holm")
    log_in(page, "browser")
    page.goto("/log/")
    page.get_by_label("Event", exact=True).select_option(
        label="No event: a coffee, a call, a one-off"
    )
    expect(page.get_by_label("Event name")).to_be_hidden()

    add_person(page, "ingr", "Ingrid Solberg")
    add_person(page, "lars", "Lars Holm")
    expect(page.locator("#attendees .attendee")).to_have_count(2)

    page.get_by_role("button", name="Remove Lars Holm").click()
    expect(page.locator("#attendees .attendee")).to_have_count(1)
    expect(attendee(page, "Ingrid Solberg")).to_be_visible()
    expect(page.get_by_label("Add a person")).to_be_focused()
    assert page.url.endswith("/log/")

    save_button(page).click()
    expect(page.get_by_role("heading", name="Logged 1 person")).to_be_visible()
    expect(page.get_by_role("link", name="Ingrid Solberg")).to_be_visible()
    expect(page.get_by_role("link", name="Lars Holm")).to_have_count(0)
    assert list(
        Interaction.objects.filter(owner=browser_user).values_list("contact__full_name", "event")
    ) == [("Ingrid Solberg", None)]
    assert problems == []


def test_quick_log_from_a_contact_page(page_at, browser_user):
    page, problems = page_at
    today = timezone.localdate()
    contact = ContactFactory(owner=browser_user, full_name="Ingrid Solberg")
    log_in(page, "browser")
    page.goto(contact.get_absolute_url())
    expect(page.get_by_text("Nothing logged with Ingrid Solberg yet.")).to_be_visible()
    last = page.locator("#history dt", has_text="Last interaction").locator("+ dd")
    expect(last).to_have_text("None logged yet")

    section = page.get_by_role("region", name="Log an interaction")
    form = section.locator("form.quick-log")
    expect(form).to_be_visible()
    expect(form.get_by_label("Date")).to_have_value(today.isoformat())
    form.get_by_label("Kind").select_option(label="Call")
    form.get_by_label("Note").fill("Talked through the grid storage pilot")
    url = page.url
    page.evaluate("window.notReloaded = true")
    form.get_by_role("button", name="Log").click()

    expect(section.get_by_role("status")).to_have_text(f"Logged: call on {shown_date(today)}.")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline.locator(".timeline-item")).to_have_count(1)
    expect(timeline.locator(".timeline-item .kind")).to_have_text("Call")
    expect(timeline).to_contain_text("Talked through the grid storage pilot")
    expect(last).to_contain_text(shown_date(today))
    # The form is ready for the next one, and the page was never reloaded.
    expect(form.get_by_label("Note")).to_have_value("")
    assert page.url == url
    assert page.evaluate("window.notReloaded") is True
    interaction = Interaction.objects.get(owner=browser_user)
    assert (interaction.contact, interaction.kind, interaction.occurred_on) == (
        contact,
        Interaction.Kind.CALL,
        today,
    )
    assert_fits_the_screen(page)
    assert problems == []


@on_a_desktop
def test_a_follow_up_is_done_from_the_dashboard(page_at, browser_user):
    page, problems = page_at
    contact = ContactFactory(owner=browser_user, full_name="Ingrid Solberg")
    follow_up = FollowUpFactory(owner=browser_user, contact=contact, note="Send the report")
    log_in(page, "browser")

    due = page.locator("#follow-ups")
    expect(due.get_by_role("heading", name="Follow-ups due")).to_be_visible()
    item = due.locator(".follow-up").filter(has_text="Ingrid Solberg")
    expect(item).to_contain_text("due today")
    expect(item).to_contain_text("Send the report")
    expect(item.get_by_label("How you followed up with Ingrid Solberg")).to_have_value("message")
    item.get_by_role("button", name="Done").click()

    expect(due.get_by_role("status")).to_contain_text("Followed up with Ingrid Solberg.")
    expect(due.get_by_role("link", name="Ingrid Solberg")).to_have_count(0)
    expect(due.get_by_role("heading", name="Follow-ups due")).to_have_count(0)
    expect(due).to_contain_text("No follow-ups due.")
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None

    page.goto(contact.get_absolute_url())
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline.locator(".timeline-item")).to_have_count(1)
    expect(timeline.locator(".timeline-item .kind")).to_have_text("Message")
    expect(timeline.locator("time")).to_have_text(shown_date(timezone.localdate()))
    assert problems == []


# A 375 px phone with the on-screen keyboard open leaves about this much page visible.
KEYBOARD_OPEN = {"width": 375, "height": 400}


def fully_visible(page, locator, above) -> bool:
    box, bar = locator.bounding_box(), above.bounding_box()
    bottom = min(page.viewport_size["height"], bar["y"] if bar["y"] > box["y"] else 10**6)
    return box["y"] >= 0 and box["y"] + box["height"] <= bottom


@on_a_phone
def test_with_the_keyboard_open_several_suggestions_show_and_arrows_pick_one(page_at, browser_user):
    page, problems = page_at
    for first, line in [
        ("Ingrid", "Says grid storage beats new generation"),
        ("Inga", "Runs the harbour's shore power, wants every ferry plugged in by 2030"),
        ("Ingeborg", "Heat pumps for every school"),
        ("Ingvar", "District heating from data centres"),
        ("Inger", "Open data for ferries"),
    ]:
        ContactFactory(owner=browser_user, full_name=f"{first} Solberg", stands_for=line)
    ContactFactory(owner=browser_user, full_name="Lars Holm")
    log_in(page, "browser")
    page.goto("/log/")
    # The first field has the focus when the page opens.
    expect(page.get_by_label("Event", exact=True)).to_be_focused()
    page.get_by_label("Event", exact=True).select_option(
        label="No event: a coffee, a call, a one-off"
    )
    add_person(page, "lars", "Lars Holm")

    page.set_viewport_size(KEYBOARD_OPEN)
    search = page.get_by_role("combobox", name="Add a person")
    search.press_sequentially("sol")
    listbox = page.get_by_role("listbox", name="People to add")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(6)  # five Solbergs and "Add “sol” as a new person"
    expect(search).to_have_attribute("aria-expanded", "true")
    bar = save_button(page)
    for index in range(4):
        assert fully_visible(page, options.nth(index), bar), f"suggestion {index + 1} is hidden"
    assert_fits_the_screen(page)

    expect(search).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id"))
    search.press("ArrowDown")
    search.press("ArrowDown")
    third = options.nth(2)
    expect(search).to_have_attribute("aria-activedescendant", third.get_attribute("id"))
    expect(third).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    search.press("ArrowUp")
    second = options.nth(1)
    expect(search).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    picked = second.locator(".suggestion-name").inner_text()
    search.press("Enter")

    expect(search).to_have_value("")
    expect(search).to_have_attribute("aria-expanded", "false")
    expect(attendee(page, picked)).to_be_visible()
    expect(page.locator("#attendees .attendee")).to_have_count(2)
    assert problems == []


@on_a_phone
def test_undo_this_log_from_the_confirmation(page_at, browser_user):
    page, problems = page_at
    ingrid = ContactFactory(owner=browser_user, full_name="Ingrid Solberg")
    log_in(page, "browser")
    page.goto("/log/")
    page.get_by_label("Event name").fill("Harbour breakfast")
    add_person(page, "ingr", "Ingrid Solberg")
    attendee(page, "Ingrid Solberg").get_by_label("Follow up").select_option(label="In 1 week")
    add_person(page, "Mette Kruse", "Add “Mette Kruse” as a new person")
    save_button(page).click()

    expect(page.get_by_role("heading", name="Logged 2 people")).to_be_visible()
    follow_ups = page.get_by_role("region", name="Follow-ups set")
    expect(follow_ups).to_contain_text("Ingrid Solberg")
    expect(follow_ups).not_to_contain_text("Mette Kruse")
    page.get_by_role("button", name="Undo this log").click()

    expect(page.get_by_role("heading", name="Log undone")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "Undone: removed 2 interactions; 1 follow-up; the new person Mette Kruse; "
        "the event Harbour breakfast."
    )
    expect(page.get_by_role("button", name="Undo this log")).to_have_count(0)
    assert not Interaction.objects.filter(owner=browser_user).exists()
    assert not FollowUp.objects.filter(owner=browser_user).exists()
    assert list(Contact.objects.filter(owner=browser_user)) == [ingrid]
    assert not Event.objects.filter(owner=browser_user).exists()
    assert problems == []


@on_a_phone
def test_a_new_person_like_someone_you_have_is_noticed(page_at, browser_user):
    page, problems = page_at
    lena = ContactFactory(
        owner=browser_user,
        full_name="Lena Fjeld",
        company="Statkraft",
        stands_for="Batteries belong in every substation",
    )
    ContactFactory(owner=browser_user, full_name="Mette Kruse", company="Oslo kommune")
    log_in(page, "browser")
    page.goto("/log/")
    page.get_by_label("Event name").fill("Harbour breakfast")

    add_person(page, "Lena Fjelde", "Add “Lena Fjelde” as a new person")
    row = page.locator("#attendees .attendee").last
    noticed = row.get_by_role("alert").filter(has_text="Is this someone you already have?")
    expect(noticed).to_contain_text("Lena Fjeld")
    expect(noticed).to_contain_text("Batteries belong in every substation")
    expect(noticed).to_contain_text("Statkraft")
    noticed.get_by_role("button", name="Use them").click()
    expect(attendee(page, "Lena Fjeld")).to_contain_text("Batteries belong in every substation")
    expect(page.locator("#attendees .attendee")).to_have_count(1)
    expect(page.get_by_text("Is this someone you already have?")).to_have_count(0)

    add_person(page, "Mette Kruze", "Add “Mette Kruze” as a new person")
    row = page.locator("#attendees .attendee").last
    row.get_by_role("button", name="Add as a different person").click()
    expect(row.get_by_text("Is this someone you already have?")).to_have_count(0)
    expect(row.get_by_label("What they stand for")).to_be_focused()
    save_button(page).click()

    expect(page.get_by_role("heading", name="Logged 2 people")).to_be_visible()
    assert sorted(
        Interaction.objects.filter(owner=browser_user).values_list("contact__full_name", flat=True)
    ) == ["Lena Fjeld", "Mette Kruze"]
    assert Interaction.objects.filter(owner=browser_user, contact=lena).count() == 1
    assert Contact.objects.filter(owner=browser_user).count() == 3
    assert problems == []
