import pytest
from playwright.sync_api import expect

from network.models import Contact
from tests.browser.conftest import DESKTOP, PHONE, assert_fits_the_screen, log_in
from tests.factories import ContactFactory, InteractionFactory
from tests.portability.conftest import FIXTURES

ZIP = FIXTURES / "linkedin" / "Complete_LinkedInDataExport_03-14-2026.zip"


@pytest.mark.parametrize("page_at", [PHONE], indirect=True)
def test_import_the_linkedin_export_and_see_a_truthful_summary(
    page_at, browser_user, tasks_in_process
):
    page, problems = page_at
    log_in(page, "browser")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    page.get_by_label("LinkedIn data export (.zip or .csv)").check()
    page.get_by_label("File").set_input_files(str(ZIP))
    page.get_by_role("button", name="Import").click()

    expect(
        page.get_by_role("heading", name="Import: Complete_LinkedInDataExport_03-14-2026.zip")
    ).to_be_visible()
    status = page.locator("#import-status")
    expect(status.get_by_text("Done")).to_be_visible()
    expect(status.get_by_role("row", name="Contacts 24 0 0 0")).to_be_visible()
    expect(status.get_by_text("Skipped rows: 5")).to_be_visible()
    expect(status.get_by_text("Marked as spam.")).to_be_visible()
    assert_fits_the_screen(page)

    status.get_by_role("link", name="See your contacts").click()
    page.get_by_role("searchbox", name="Search contacts").press_sequentially("nordlys")
    expect(
        page.locator("#contact-results").get_by_role("link", name="Zoë Ångström", exact=True)
    ).to_be_visible()
    assert Contact.objects.filter(owner=browser_user).count() == 24
    assert problems == []


@pytest.mark.parametrize("page_at", [DESKTOP], indirect=True)
def test_merge_a_duplicate_from_the_duplicates_page(page_at, browser_user):
    page, problems = page_at
    keep = ContactFactory(owner=browser_user, full_name="Ana Lima", email="ana@example.org")
    other = ContactFactory(owner=browser_user, full_name="Ana Lima-Souza", email="ANA@example.org")
    InteractionFactory(owner=browser_user, contact=other, note="Coffee in Lisbon")
    log_in(page, "browser")
    page.goto("/duplicates/")
    expect(page.get_by_text("Same email: ana@example.org")).to_be_visible()
    page.get_by_role("button", name="Merge into one person").click()

    expect(page.get_by_role("heading", name="Ana Lima")).to_be_visible()
    expect(page.get_by_text("Coffee in Lisbon")).to_be_visible()
    assert not Contact.objects.filter(pk=other.pk).exists()
    assert keep.interactions.count() == 1
    assert problems == []
