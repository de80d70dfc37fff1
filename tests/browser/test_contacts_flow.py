from playwright.sync_api import expect

from network.models import Contact
from tests.browser.conftest import assert_fits_the_screen, log_in
from tests.factories import ContactFactory


def test_add_a_contact_find_it_with_live_search_and_open_its_page(page_at, browser_user):
    page, problems = page_at
    ContactFactory(owner=browser_user, full_name="Someone Else")
    log_in(page, "browser")
    assert_fits_the_screen(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="Add contact").click()
    form = page.locator("#contact-form-slot form")
    form.get_by_label("Full name").fill("Ingrid Solberg")
    form.get_by_label("What they stand for").fill("Says grid storage beats new generation")
    form.get_by_label("Company").fill("Statnett")
    form.get_by_role("button", name="Add contact").click()

    expect(page.get_by_role("heading", name="Ingrid Solberg")).to_be_visible()
    expect(page.get_by_text("Says grid storage beats new generation")).to_be_visible()
    assert Contact.objects.filter(owner=browser_user, full_name="Ingrid Solberg").exists()
    assert_fits_the_screen(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    page.get_by_role("searchbox", name="Search contacts").press_sequentially("statn")
    results = page.locator("#contact-results")
    expect(results.get_by_role("link", name="Ingrid Solberg", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="Someone Else", exact=True)).to_have_count(0)
    assert "q=statn" in page.url

    results.get_by_role("link", name="Ingrid Solberg", exact=True).click()
    expect(page.get_by_role("heading", name="Ingrid Solberg")).to_be_visible()
    expect(page.get_by_text("Nothing logged with Ingrid Solberg yet.")).to_be_visible()
    assert_fits_the_screen(page)
    assert problems == []


def test_the_form_explains_a_missing_name_without_leaving_the_page(page_at, browser_user):
    page, problems = page_at
    log_in(page, "browser")
    page.goto("/contacts/")
    page.get_by_role("link", name="Add contact").click()
    form = page.locator("#contact-form-slot form")
    form.get_by_label("Full name").fill("   ")
    form.get_by_role("button", name="Add contact").click()

    expect(page.get_by_text("Enter the person's name.")).to_be_visible()
    assert page.url.endswith("/contacts/")
    assert not Contact.objects.exists()
    assert problems == []


def test_adding_someone_already_there_offers_use_them_or_a_different_person(page_at, browser_user):
    page, problems = page_at
    ContactFactory(
        owner=browser_user, full_name="Nora Solberg", company="Equinor", stands_for="Offshore wind"
    )
    log_in(page, "browser")
    page.goto("/contacts/")
    page.get_by_role("link", name="Add contact").click()
    form = page.locator("#contact-form-slot form")
    form.get_by_label("Full name").fill("nora solberg")
    form.get_by_role("button", name="Add contact").click()

    already = page.get_by_role("alert").filter(has_text="Is this someone you already have?")
    expect(already).to_be_visible()
    expect(already.get_by_text("Offshore wind")).to_be_visible()
    expect(already.get_by_text("Equinor")).to_be_visible()
    assert_fits_the_screen(page)
    already.get_by_role("link", name="Use them").click()
    expect(page.get_by_role("heading", name="Nora Solberg")).to_be_visible()
    assert Contact.objects.filter(owner=browser_user).count() == 1

    page.goto("/contacts/new/")
    page.get_by_label("Full name").fill("Nora Solberg")
    page.get_by_label("Company").fill("Statkraft")
    page.get_by_role("button", name="Add contact").click()
    page.get_by_role("button", name="Add as a different person").click()
    expect(page.get_by_text("Nora Solberg added.")).to_be_visible()
    assert sorted(Contact.objects.values_list("company", flat=True)) == ["Equinor", "Statkraft"]
    assert problems == []
