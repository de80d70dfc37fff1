"""The weekly review walked with the keyboard only, on a desktop and on a phone."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from interactions.models import Interaction
from invitations.models import DEFAULT_DECLINE_TEXT, Invitation, Review
from tests.browser.conftest import assert_fits_the_screen, log_in
from tests.factories import ContactFactory, InteractionFactory, InvitationFactory


def _invited(owner, name: str, days_ago: int, contact=None) -> Invitation:
    return InvitationFactory(
        owner=owner,
        name=name,
        contact=contact,
        headline=f"{name.split()[0]}'s headline",
        profile_url=f"https://www.linkedin.com/in/{name.lower().replace(' ', '-')}/",
        sent_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def _five_invitations(owner) -> None:
    """One who meets the default policy, two one message short of it, two strangers."""
    today = timezone.localdate()
    ingrid = ContactFactory(owner=owner, full_name="Ingrid Solberg")
    InteractionFactory(owner=owner, contact=ingrid, kind=Interaction.Kind.IN_PERSON)
    _invited(owner, "Ingrid Solberg", 20, ingrid)
    for name, days_ago in (("Lars Holm", 30), ("Mette Kruse", 10)):
        contact = ContactFactory(owner=owner, full_name=name)
        for days in (3, 40):
            InteractionFactory(
                owner=owner,
                contact=contact,
                kind=Interaction.Kind.MESSAGE,
                occurred_on=today - datetime.timedelta(days=days),
            )
        _invited(owner, name, days_ago, contact)
    _invited(owner, "Lena Fjeld", 15)
    _invited(owner, "Ravi Shankar", 5, ContactFactory(owner=owner, full_name="Ravi Shankar"))


def test_a_week_of_invitations_is_reviewed_with_the_keyboard_alone(page_at, browser_user):
    page, problems = page_at
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _five_invitations(browser_user)
    log_in(page, "browser")
    page.goto("/review/")

    card = page.locator(".review-card")
    name = card.get_by_role("heading", level=2)
    last = page.locator(".review-last [role=status]")
    suggested = card.locator(".review-button.is-suggested")

    def press(key: str, next_card: str | None) -> None:
        page.keyboard.press(key)
        if next_card:
            expect(name).to_have_text(next_card)

    # Meets the policy, so it comes first and Accept is suggested.
    expect(name).to_have_text("Ingrid Solberg")
    expect(card).to_contain_text("Meets your policy")
    expect(suggested).to_contain_text("Accept")
    expect(page.locator(".review-progress")).to_contain_text("5 left to decide")
    assert_fits_the_screen(page)
    press("a", "Lars Holm")
    expect(last).to_have_text("Accepted Ingrid Solberg. Accept the invitation on LinkedIn too.")

    expect(card).to_contain_text("Almost meets your policy")
    expect(suggested).to_contain_text("Not yet")
    press("n", "Mette Kruse")
    expect(last).to_contain_text("Not yet: Lars Holm is back in the review on")

    press("s", "Lena Fjeld")
    expect(last).to_have_text("Skipped Mette Kruse: back in your next review.")

    expect(card).to_contain_text("Does not meet your policy")
    expect(card).to_contain_text("Not in your contacts")
    expect(suggested).to_contain_text("Decline")
    press("d", "Ravi Shankar")
    expect(last).to_contain_text("Declined Lena Fjeld.")
    expect(page.locator("#review-message")).to_have_text(DEFAULT_DECLINE_TEXT)
    copy = page.locator(".review-last .copy-button")
    expect(copy).to_have_text("Copy message")
    expect(copy).to_be_focused()
    assert_fits_the_screen(page)
    page.keyboard.press("Enter")
    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == DEFAULT_DECLINE_TEXT

    # Undo takes back the decline: Lena's card is on screen again, with no copy button.
    press("u", "Lena Fjeld")
    expect(page.get_by_role("status").filter(has_text="Undone")).to_have_text(
        "Undone: Lena Fjeld is back in the review."
    )
    expect(copy).to_have_count(0)
    press("a", "Ravi Shankar")
    expect(card).to_contain_text("Does not meet your policy")
    press("d", None)

    summary = page.get_by_role("region", name="All decided")
    expect(summary).to_be_visible()
    counts = summary.locator(".stat")
    invitation_counts = ["2 accepted", "1 declined", "1 not yet", "1 skipped"]
    tie_counts = ["0 kept", "0 reconnected", "0 let go", "0 snoozed"]
    expect(counts).to_have_text([*invitation_counts, *tie_counts])
    assert_fits_the_screen(page)
    # The decline text has the focus after a decline; "f" still finishes.
    page.keyboard.press("f")

    expect(page.get_by_role("heading", name="Your network")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Review finished")).to_have_text(
        "Review finished: 2 accepted, 1 declined, 1 not yet, 1 skipped; "
        "0 kept, 0 reconnected, 0 let go, 0 snoozed."
    )
    today = timezone.localdate()
    expect(page.locator(".last-review")).to_have_text(
        f"Last review done on {today.day} {today:%b %Y}: "
        "2 accepted, 1 declined, 1 not yet, 1 skipped; 0 kept, 0 reconnected, 0 let go, 0 snoozed."
    )
    # Mette was skipped, so she still waits; Lars is put off to the next review day.
    expect(page.get_by_role("link", name="1 pending invitation")).to_be_visible()
    assert_fits_the_screen(page)

    statuses = dict(Invitation.objects.filter(owner=browser_user).values_list("name", "status"))
    assert statuses == {
        "Ingrid Solberg": "accepted",
        "Lars Holm": "pending",
        "Mette Kruse": "pending",
        "Lena Fjeld": "accepted",
        "Ravi Shankar": "declined",
    }
    review = Review.objects.get(owner=browser_user)
    assert review.finished_at is not None
    assert problems == []
