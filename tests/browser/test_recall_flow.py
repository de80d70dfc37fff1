"""A recall session of three checks, answered with the keyboard only, on a desktop and a phone."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from insights.models import RecallCard, RecallLog
from interactions.models import Interaction
from tests.browser.conftest import assert_fits_the_screen, log_in
from tests.factories import ContactFactory, InteractionFactory


def _three_people_met_this_week(owner) -> None:
    today = timezone.localdate()
    for days, name, company, stands_for in (
        (3, "Ana Lima", "Northwind", "Runs the city's open-data meetup"),
        (4, "Ben Okafor", "Fabrikam", "Knows everyone in solar installs"),
        (5, "Cleo Park", "", ""),
    ):
        contact = ContactFactory(
            owner=owner,
            full_name=name,
            company=company,
            stands_for=stands_for,
            how_we_met="PyCon Oslo" if name == "Ana Lima" else "",
        )
        InteractionFactory(
            owner=owner,
            contact=contact,
            occurred_on=today - datetime.timedelta(days=days),
            kind=Interaction.Kind.IN_PERSON,
            note=f"Coffee with {name.split()[0]}",
        )


def test_a_recall_session_is_answered_with_the_keyboard_alone(page_at, browser_user):
    page, problems = page_at
    _three_people_met_this_week(browser_user)
    log_in(page, "browser")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Recall").click()

    session = page.locator("#recall-session")
    heading = session.get_by_role("heading", level=2)
    progress = session.locator(".recall-progress")
    verdict = session.locator(".recall-verdict")

    # The most recently met comes first; the cue is the name and company, not the answer.
    expect(heading).to_have_text("Ana Lima")
    expect(progress).to_have_text("Check 1 of 3 today")
    expect(session).to_contain_text("Northwind")
    expect(session).to_contain_text("What do they stand for, where did you meet?")
    expect(session).not_to_contain_text("open-data meetup")
    buttons = session.locator(".recall-answers button")
    expect(buttons).to_have_count(4)
    for box in (buttons.nth(n).bounding_box() for n in range(4)):
        assert box["height"] >= 48
    assert_fits_the_screen(page)

    page.keyboard.press("3")
    expect(verdict).to_contain_text("You answered Yes.")
    expect(progress).to_have_text("1 of 3 done today")
    expect(session.locator(".recall-stands-for")).to_have_text("Runs the city's open-data meetup")
    expect(session).to_contain_text("PyCon Oslo")
    expect(session).to_contain_text("Coffee with Ana")
    assert_fits_the_screen(page)

    # Fix what she stands for on the spot; Enter in the field saves it.
    field = session.get_by_label("Fix what they stand for")
    field.fill("Runs the open-data meetup; wants a co-organiser")
    field.press("Enter")
    expect(session.get_by_role("status").filter(has_text="Saved")).to_have_text(
        "Saved what Ana Lima stands for."
    )
    expect(session.locator(".recall-stands-for")).to_have_text(
        "Runs the open-data meetup; wants a co-organiser"
    )

    page.keyboard.press("n")
    expect(heading).to_have_text("Ben Okafor")
    expect(progress).to_have_text("Check 2 of 3 today")
    page.keyboard.press("1")
    expect(verdict).to_contain_text("You answered No idea. Next check tomorrow.")

    # Undo takes the answer back and asks the same check again.
    page.keyboard.press("u")
    expect(session.get_by_role("status").filter(has_text="Undone")).to_have_text(
        "Undone: No idea for Ben Okafor. Answer again."
    )
    expect(heading).to_have_text("Ben Okafor")
    expect(progress).to_have_text("Check 2 of 3 today")
    page.keyboard.press("2")
    expect(verdict).to_contain_text("You answered Vaguely.")
    page.keyboard.press("Enter")

    expect(heading).to_have_text("Cleo Park")
    expect(progress).to_have_text("Check 3 of 3 today")
    page.keyboard.press("4")
    expect(session.locator(".recall-stands-for")).to_have_text("Not written down yet")
    page.keyboard.press("n")

    expect(heading).to_have_text("Done for today")
    expect(session).to_contain_text("You answered 3 checks today.")
    expect(session).to_contain_text("The next check is due")
    assert_fits_the_screen(page)

    answers = RecallLog.objects.filter(owner=browser_user, undone_at__isnull=True)
    assert sorted(answers.values_list("contact__full_name", "rating")) == [
        ("Ana Lima", 3),
        ("Ben Okafor", 2),
        ("Cleo Park", 4),
    ]
    assert RecallLog.objects.filter(owner=browser_user, undone_at__isnull=False).count() == 1
    assert set(RecallCard.objects.filter(owner=browser_user).values_list("reviews", flat=True)) == {
        1
    }
    assert problems == []
