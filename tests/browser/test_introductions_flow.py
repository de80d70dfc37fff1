"""On a phone: record an introduction request by searching both people, introduce, copy the text."""

import pytest
from playwright.sync_api import expect

from invitations.models import IntroductionRequest
from tests.browser.conftest import PHONE, BrowserProblems, assert_fits_the_screen, log_in
from tests.factories import ContactFactory


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        viewport=PHONE,
        base_url=live_server.url,
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = context.new_page()
    problems = BrowserProblems()
    problems.watch(page)
    yield page, problems
    context.close()


def test_record_a_request_introduce_and_copy_the_text(phone_page, browser_user):
    page, problems = phone_page
    ContactFactory(owner=browser_user, full_name="Ravi Shankar", company="Loom Labs")
    ContactFactory(owner=browser_user, full_name="Lena Fjeld", company="Fjord")
    log_in(page, "browser")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Introductions").click()
    page.get_by_role("link", name="Record a request").click()
    page.get_by_role("searchbox", name="Search your contacts: who asks").press_sequentially("ravi")
    page.locator("#requester-choices").get_by_label("Ravi Shankar").check()
    page.get_by_role(
        "searchbox", name="Search your contacts: whom they would meet"
    ).press_sequentially("fjeld")
    page.locator("#target-choices").get_by_label("Lena Fjeld").check()
    page.get_by_label("Why they would like to meet").fill("Advice on hiring a first engineer")
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Record the request").click()

    expect(
        page.get_by_text("Request recorded: Ravi Shankar asks to meet Lena Fjeld.")
    ).to_be_visible()
    expect(page.get_by_text("No interaction logged with Lena Fjeld").first).to_be_visible()
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Mark as introduced").click()

    expect(page.get_by_text("Marked as introduced")).to_be_visible()
    introduction = page.locator("#decision-introduced")
    introduction.get_by_role("button", name="Copy").click()
    expect(introduction.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Hi Ravi, hi Lena,")
    assert "Advice on hiring a first engineer." in copied
    assert IntroductionRequest.objects.get().status == IntroductionRequest.Status.INTRODUCED
    assert problems == []
