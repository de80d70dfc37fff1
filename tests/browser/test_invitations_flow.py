"""Invitations on a phone: add one by pasting a profile address, decline it with the copied
message, undo."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from invitations.models import DEFAULT_DECLINE_TEXT, Invitation
from tests.browser.conftest import PHONE, assert_fits_the_screen, log_in

on_a_phone = pytest.mark.parametrize("page_at", [PHONE], indirect=True, ids=["phone"])


@on_a_phone
def test_add_by_pasting_a_profile_decline_with_the_copied_message_and_undo(
    page_at, browser_user, live_server
):
    page, problems = page_at
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    log_in(page, "browser")

    page.goto(reverse("invitations:invitation-list"))
    page.get_by_role("link", name="Add an invitation").click()
    page.get_by_label("LinkedIn profile address").fill(
        "https://www.linkedin.com/in/lena-fjeld-3a9b1c"
    )
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Added the invitation of Lena Fjeld.")).to_be_visible()
    card = page.locator(".card.invitation").filter(has_text="Lena Fjeld")
    assert_fits_the_screen(page)

    card.get_by_role("link", name="Decline…").click()
    expect(page.get_by_role("heading", name="Decline Lena Fjeld")).to_be_visible()
    copy = page.get_by_role("button", name="Copy the message")
    copy.click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == DEFAULT_DECLINE_TEXT
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Decline Lena Fjeld").click()

    expect(page.get_by_text("Declined Lena Fjeld.")).to_be_visible()
    decided = page.locator("#history-results .card.invitation").filter(has_text="Lena Fjeld")
    expect(decided).to_contain_text("Declined on")
    invitation = Invitation.objects.get(owner=browser_user)
    assert invitation.status == "declined" and invitation.decline_message == DEFAULT_DECLINE_TEXT

    decided.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Undone: Lena Fjeld is as before.")).to_be_visible()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.decline_message) == ("pending", "")
    assert_fits_the_screen(page)
    assert problems == []
