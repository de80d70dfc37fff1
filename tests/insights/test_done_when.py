"""Issue 9 is done when, tried as a new user would: the demo network's dashboard tells a true,
readable story (how much is recalled, who is drifting and why), a five-minute recall session
visibly changes it, and after importing a 5,000-connection LinkedIn export the dashboard says
which of those people the owner has never met nor talked with and offers to review them.

These tests read the pages as text, as the user does, and check each figure against the rows.
"""

import html
import io
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from insights.models import Rating, RecallCard, Tie
from network.models import Contact, OwnerSettings
from portability.management.commands.benchmark_linkedin import linkedin_export_generate
from portability.models import ImportRun

pytestmark = pytest.mark.django_db


class _Text(HTMLParser):
    """A page's words as a reader sees them (scripts and hidden text included, tags dropped)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, the link's words)
        self._link: list | None = None

    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")
        if tag == "a":
            self._link = [dict(attrs).get("href", ""), []]

    def handle_endtag(self, tag):
        self.parts.append(" ")
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join("".join(self._link[1]).split())))
            self._link = None

    def handle_data(self, data):
        self.parts.append(data)
        if self._link is not None:
            self._link[1].append(data)


def _read(response) -> _Text:
    assert response.status_code == 200
    page = _Text()
    page.feed(response.content.decode())
    page.text = " ".join(html.unescape("".join(page.parts)).split())
    return page


def _recall_figures(page: _Text) -> tuple[int, int]:
    """The dashboard's recall share (percent) and checks due today, as written on it."""
    share = re.search(r"You can recall (\d+)% of your network", page.text)
    due = re.search(r"(\d+) checks? due today", page.text)
    assert share and due, page.text[:2000]
    return int(share.group(1)), int(due.group(1))


@pytest.fixture
def demo_client(client):
    call_command("seed_demo", stdout=io.StringIO())
    demo = get_user_model().objects.get(username="demo")
    client.force_login(demo)
    client.demo = demo
    return client


def test_the_demo_dashboard_says_how_much_is_recalled_and_who_is_drifting_and_why(demo_client):
    demo = demo_client.demo
    page = _read(demo_client.get(reverse("insights:dashboard")))

    active = Contact.objects.owned_by(demo).active()
    checked = RecallCard.objects.owned_by(demo).filter(contact__is_archived=False, reviews__gt=0)
    recalled = checked.exclude(last_rating=Rating.NO_IDEA).count()
    share, due = _recall_figures(page)
    assert share == round(100 * recalled / active.count())
    assert 25 <= share <= 50  # the demo owner has checked about 40% and recalls most of them
    assert due > 0

    # Drifting: the ties that weakened most since last month, each with its reason in words.
    drifting = page.text.split("Drifting", 1)[1]
    weakened = (
        Tie.objects.owned_by(demo).filter(contact__is_archived=False).select_related("contact")
    )
    named = [
        tie
        for tie in weakened
        if tie.score_month_ago is not None
        and tie.score < tie.score_month_ago
        and tie.contact.full_name in drifting
    ]
    assert len(named) >= 3
    for tie in named:
        assert tie.explanation and tie.explanation in drifting

    # Weak ties are flagged with their reasons, and the close friend gone silent is among them.
    assert re.search(r"\b\d+ weak ties? flagged for your weekly review", page.text)
    friend = Tie.objects.owned_by(demo).get(
        contact__closeness__gte=Contact.Closeness.CLOSE, weak_reason="silence_gap"
    )
    flagged_page = _read(demo_client.get(reverse("insights:people-flagged")))
    assert friend.contact.full_name in flagged_page.text
    assert friend.weak_text[:1].upper() + friend.weak_text[1:] in flagged_page.text


def test_a_five_minute_recall_session_visibly_changes_the_dashboard(demo_client):
    demo = demo_client.demo
    share_before, due_before = _recall_figures(
        _read(demo_client.get(reverse("insights:dashboard")))
    )

    answered = []
    for _ in range(20):  # about fifteen seconds a check
        session = demo_client.get(reverse("insights:recall"))
        card = session.context["card"]
        if card is None:
            break
        response = demo_client.post(
            reverse("insights:recall-answer", args=[card.pk]),
            {"rating": Rating.YES, "reviews": card.reviews},
        )
        assert response.status_code == 302
        answered.append(card.pk)

    share_after, due_after = _recall_figures(_read(demo_client.get(reverse("insights:dashboard"))))
    assert len(answered) == 20
    assert due_after == due_before - 20
    assert share_after > share_before
    # Each person answered now reads as recalled on their own page.
    contact = Contact.objects.owned_by(demo).get(pk=answered[-1])
    assert "Likely to recall, " in _read(demo_client.get(contact.get_absolute_url())).text


def test_after_importing_5000_connections_the_dashboard_names_the_never_met_and_offers_review(
    tasks_in_process, client, owner, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(owner)
    path, talks = linkedin_export_generate(tmp_path, 5000, 3000)
    talked_with = {url for _, url, _ in talks}
    never_met = 5000 - len(talked_with)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portability:import"),
            {
                "kind": ImportRun.Kind.LINKEDIN,
                "file": SimpleUploadedFile(path.name, path.read_bytes(), "application/zip"),
            },
        )
    assert response.status_code == 302
    assert ImportRun.objects.get(owner=owner).status == ImportRun.Status.DONE
    # The import's end recomputed the insights: every imported person has a tie.
    assert Tie.objects.owned_by(owner).count() == 5000

    page = _read(client.get(reverse("insights:dashboard")))
    assert f"{never_met} of your 5000 LinkedIn connections you have never met nor talked with" in (
        page.text
    )
    links = dict(page.links)
    never_met_url = reverse("insights:people-never-met")
    assert never_met_url in links
    assert any(
        words == "Review them"
        for href, words in page.links
        if href == reverse("invitations:review")
    )

    listed = _read(client.get(never_met_url))
    assert f"{never_met} people" in listed.text
    longest_connected = (
        Contact.objects.owned_by(owner)
        .filter(last_interaction_on__isnull=True)
        .order_by("connected_on", "full_name", "pk")
        .first()
    )
    assert longest_connected.full_name in listed.text

    # Every one of them is a weak tie to review; the review takes a week's worth at a time,
    # the weakest first (long silences before never-met), each with its reason.
    ties = Tie.objects.owned_by(owner)
    assert ties.filter(weak_reason="never_met").count() == never_met
    flagged = ties.filter(flagged_on__isnull=False)
    assert flagged.count() == OwnerSettings.for_user(owner).weak_ties_per_week
    client.post(reverse("invitations:review-start"))
    review = _read(client.get(reverse("invitations:review")))
    assert any(tie.weak_text.lower() in review.text.lower() for tie in flagged)
