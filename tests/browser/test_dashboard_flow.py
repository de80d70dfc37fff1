"""The dashboard in Chromium, on a desktop and a phone: its charts draw with no console error or
CSP violation and fit the screen, a number opens the list behind it, and a tie that weakened
gets its follow-up in one click."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from insights.compute import recompute_owner
from insights.models import RecallSnapshot
from interactions.models import FollowUp, Interaction
from network.models import Contact
from tests.browser.conftest import assert_fits_the_screen, log_in
from tests.factories import ContactFactory, InteractionFactory, InvitationFactory


def _a_network_with_a_story(owner) -> None:
    """A friend met often until five weeks ago, a colleague messaged all year, twenty LinkedIn
    connections never met, half a year of recall snapshots, a pending invitation."""
    today = timezone.localdate()
    ingrid = ContactFactory(owner=owner, full_name="Ingrid Solberg")
    for days in (35, 40, 45, 60, 75):
        InteractionFactory(
            owner=owner,
            contact=ingrid,
            kind=Interaction.Kind.IN_PERSON,
            occurred_on=today - datetime.timedelta(days=days),
        )
    lars = ContactFactory(owner=owner, full_name="Lars Holm")
    for days in range(2, 700, 23):
        InteractionFactory(
            owner=owner,
            contact=lars,
            kind=Interaction.Kind.MESSAGE if days % 2 else Interaction.Kind.CALL,
            occurred_on=today - datetime.timedelta(days=days),
        )
    Contact.objects.bulk_create(
        Contact(
            owner=owner,
            full_name=f"Connection {n:02}",
            linkedin_status=Contact.LinkedInStatus.CONNECTED,
            connected_on=datetime.date(2019, 5, 1),
            source=Contact.Source.LINKEDIN,
        )
        for n in range(20)
    )
    InvitationFactory(owner=owner, name="Lena Fjeld")
    recompute_owner(owner)
    monday = today - datetime.timedelta(days=today.weekday())
    RecallSnapshot.objects.bulk_create(
        RecallSnapshot(
            owner=owner,
            week=monday - datetime.timedelta(weeks=n),
            total=22,
            recalled=12 - n // 3,
            forgotten=1,
            never_checked=9 + n // 3,
        )
        for n in range(1, 27)
    )


def test_the_dashboard_draws_its_charts_and_every_number_leads_somewhere(page_at, browser_user):
    page, problems = page_at
    _a_network_with_a_story(browser_user)
    log_in(page, "browser")

    charts = page.locator("svg.chart")
    expect(charts.first).to_be_visible()
    # The recall split and its trend, the layer both ties are in, one drop, activity, strength.
    assert charts.count() == 6
    width = page.viewport_size["width"]
    for chart in charts.all():
        if not chart.is_visible():
            continue
        box = chart.bounding_box()
        assert box["width"] > 0 and box["height"] > 0
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, chart.get_attribute("class")
    expect(page.get_by_role("img", name="Recall over time")).to_be_visible()
    expect(page.get_by_role("img", name="Interactions per month, by kind")).to_be_visible()
    never_met = page.get_by_role("region", name="Connections you have never met")
    expect(never_met).to_contain_text("20 of your 20 LinkedIn connections")
    assert_fits_the_screen(page)

    flagged = page.get_by_role("link", name=re.compile(r"^\d+ weak ties? flagged$"))
    count = int(flagged.inner_text().split()[0])
    assert count > 0
    flagged.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flagged weak ties")
    expect(page.locator(".result-count")).to_have_text(f"{count} people")
    expect(page.locator(".contact-row")).to_have_count(count)
    # In the review's order: Ingrid's silence first, then the connections never met.
    reasons = page.locator(".people-reason")
    expect(reasons.first).to_contain_text("Silent for 5 weeks")
    expect(reasons.last).to_contain_text("never met nor talked with")
    assert_fits_the_screen(page)

    page.go_back()
    drift = page.locator(".drift").filter(has_text="Ingrid Solberg")
    # Named by its title and its description, the tie's explanation.
    expect(drift.get_by_role("img")).to_have_accessible_name(
        re.compile(r"^Ingrid Solberg: strength \d+ a month ago, \d+ now last met 5 weeks ago")
    )
    drift.get_by_role("button", name="Follow up within a week with Ingrid Solberg").click()
    expect(drift.get_by_role("status")).to_contain_text(
        "Follow-up set: follow up with Ingrid Solberg by"
    )
    expect(drift.get_by_role("button")).to_have_count(0)
    follow_up = FollowUp.objects.get(owner=browser_user)
    assert follow_up.due_on == timezone.localdate() + datetime.timedelta(days=7)
    assert follow_up.contact.full_name == "Ingrid Solberg"
    assert_fits_the_screen(page)
    assert problems == []
