"""The weekly review's two parts walked with the keyboard: an invitation, then three weak ties."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from insights.models import Tie
from interactions.models import Event, FollowUp, Interaction
from invitations.models import Invitation, Review
from network.models import Contact
from network.templatetags.kith import day
from tests.browser.conftest import PHONE, assert_fits_the_screen, log_in
from tests.factories import ContactFactory, InteractionFactory, InvitationFactory


def _tie(owner, name: str, reason: str, text: str, *, layer, stands_for="", met_days=None):
    today = timezone.localdate()
    contact = ContactFactory(
        owner=owner,
        full_name=name,
        stands_for=stands_for,
        linkedin_url=f"https://www.linkedin.com/in/{name.lower().replace(' ', '-')}/",
    )
    if met_days is not None:
        event = Event.objects.create(owner=owner, name="PyCon", date=today)
        InteractionFactory(
            owner=owner,
            contact=contact,
            kind=Interaction.Kind.IN_PERSON,
            event=event,
            occurred_on=today - datetime.timedelta(days=met_days),
        )
    return Tie.objects.create(
        contact=contact,
        owner=owner,
        score=21,
        explanation="last met 8 months ago; 1 meeting before",
        layer=layer,
        weak_reason=reason,
        weak_text=text,
        flagged_on=today,
        health=Tie.Health.FLAGGED,
    )


def _week(owner) -> None:
    ingrid = ContactFactory(owner=owner, full_name="Ingrid Solberg")
    InteractionFactory(owner=owner, contact=ingrid, kind=Interaction.Kind.IN_PERSON)
    InvitationFactory(owner=owner, name="Ingrid Solberg", contact=ingrid)
    _tie(owner, "Ana Lima", "recall_forgotten", "your last recall check was No idea", layer=3)
    _tie(
        owner,
        "Bo Berg",
        "silence_gap",
        "silent for 8 months; you usually talk every 3 weeks",
        layer=3,
        stands_for="open data",
        met_days=240,
    )
    _tie(owner, "Cy Dahl", "never_met", "connected a year ago and never met", layer=None)


def test_an_invitation_and_three_weak_ties_are_reviewed_with_the_keyboard(page_at, browser_user):
    page, problems = page_at
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _week(browser_user)
    log_in(page, "browser")
    page.goto("/review/")
    today = timezone.localdate()

    card = page.locator(".review-card")
    name = card.get_by_role("heading", level=2)
    last = page.locator(".review-last [role=status]")

    def press(key: str, next_card: str | None) -> None:
        page.keyboard.press(key)
        if next_card:
            expect(name).to_have_text(next_card)

    # The invitations come first.
    expect(name).to_have_text("Ingrid Solberg")
    expect(page.locator(".review-progress")).to_contain_text("4 left to decide")
    press("a", "Ana Lima")

    # Then the weak ties, the worst reason first, each with its evidence.
    expect(card).to_contain_text("Weak tie: not recalled at the last recall check")
    expect(card).to_contain_text("Your last recall check was No idea.")
    expect(card).to_contain_text("21 of 100: last met 8 months ago; 1 meeting before")
    expect(card).to_contain_text("Friends 50")
    expect(page.locator(".review-progress")).to_contain_text("3 left to decide · 1 decided")
    keep = card.get_by_role("button", name="Keep")
    box = keep.bounding_box()
    assert box["height"] >= 48
    if page.viewport_size == PHONE:  # full width on a phone
        inner = card.locator(".review-decisions").bounding_box()
        assert box["width"] >= inner["width"] - 1
    assert_fits_the_screen(page)
    press("k", "Bo Berg")
    expect(last).to_contain_text("Kept Ana Lima: not flagged again before")

    # Reconnect today, so the follow-up is due on the dashboard; the opener is ready to copy.
    met = today - datetime.timedelta(days=240)
    month = f"{met:%B}" + ("" if met.year == today.year else f" {met.year}")
    opener = (
        f"Hi Bo — I was thinking about your work on open data since we last met at PyCon in "
        f"{month}. Coffee soon?"
    )
    expect(card.get_by_label("A first line to send them")).to_have_value(opener)
    card.get_by_label("Follow up on").fill(today.isoformat())
    page.evaluate("document.activeElement.blur()")
    press("r", "Cy Dahl")
    expect(last).to_have_text(
        f"Reconnect with Bo Berg: a follow-up on {day(today)}. Send them this opener:"
    )
    expect(page.locator("#review-message")).to_have_text(opener)
    copy = page.locator(".review-last .copy-button")
    expect(copy).to_have_text("Copy opener")
    expect(copy).to_be_focused()
    page.keyboard.press("Enter")
    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == opener

    # Never met: Let go is suggested; letting go says where to remove them, and undo takes it back.
    expect(card.locator(".review-button.is-suggested")).to_contain_text("Let go")
    expect(card).to_contain_text("remove on LinkedIn")
    press("l", None)
    expect(last).to_contain_text("Let go of Cy Dahl. Remove the connection on LinkedIn")
    expect(page.get_by_role("link", name="Open their LinkedIn profile")).to_have_attribute(
        "href", "https://www.linkedin.com/in/cy-dahl/"
    )
    expect(page.get_by_role("region", name="All decided")).to_be_visible()
    press("u", "Cy Dahl")
    expect(page.get_by_role("status").filter(has_text="Undone")).to_have_text(
        "Undone: Cy Dahl is back in the review."
    )
    assert Tie.objects.get(contact__full_name="Cy Dahl").let_go_on is None
    press("l", None)

    summary = page.get_by_role("region", name="All decided")
    expect(summary).to_be_visible()
    invitation_counts = ["1 accepted", "0 declined", "0 not yet", "0 skipped"]
    tie_counts = ["1 kept", "1 reconnected", "1 let go", "0 snoozed"]
    expect(summary.locator(".stat")).to_have_text([*invitation_counts, *tie_counts])
    assert_fits_the_screen(page)
    page.keyboard.press("f")

    both = (
        "1 accepted, 0 declined, 0 not yet, 0 skipped; 1 kept, 1 reconnected, 1 let go, 0 snoozed"
    )
    expect(page.get_by_role("heading", name="Your network")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Review finished")).to_have_text(
        f"Review finished: {both}."
    )
    expect(page.locator(".last-review")).to_contain_text(both)
    # The follow-up set by reconnecting waits on the dashboard, with the opener as its note.
    follow_up = page.locator(".follow-up").filter(has_text="Bo Berg")
    expect(follow_up).to_contain_text("Coffee soon?")

    assert Invitation.objects.get(owner=browser_user).status == Invitation.Status.ACCEPTED
    ties = {tie.contact.full_name: tie for tie in Tie.objects.select_related("contact")}
    assert ties["Ana Lima"].flagged_on is None
    assert ties["Ana Lima"].quiet_until == today + datetime.timedelta(days=90)
    assert ties["Cy Dahl"].let_go_on == today
    assert FollowUp.objects.get(owner=browser_user).contact.full_name == "Bo Berg"
    assert Contact.objects.filter(owner=browser_user).count() == 4  # nobody deleted
    assert Review.objects.get(owner=browser_user).finished_at is not None
    assert problems == []
