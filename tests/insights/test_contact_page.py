"""The contact page says near the top what Kith concludes: recall, the tie and why, its layer
and cadence, any weak-tie flag with its reason, and the pending follow-up."""

import datetime

import pytest
from django.utils import timezone

from insights.compute import recompute_owner
from insights.models import Rating, Tie
from insights.recall import recall_answer
from interactions.models import Interaction
from interactions.stats import contacts_refresh_interaction_stats
from network.models import Contact, OwnerSettings
from network.templatetags.kith import day
from tests.factories import ContactFactory, FollowUpFactory, InteractionFactory

pytestmark = pytest.mark.django_db


def _panel(client, contact) -> str:
    """The insight panel's text, tags dropped and spaces squeezed."""
    html = client.get(contact.get_absolute_url()).content.decode()
    start = html.index('<section id="insight"')
    panel = html[start : html.index("</section>", start)]
    text = []
    inside = False
    for char in panel:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
            text.append(" ")
        elif not inside:
            text.append(char)
    return " ".join("".join(text).split())


def _close_friend(owner, days_ago: list[int]) -> Contact:
    contact = ContactFactory(owner=owner, full_name="Ingrid Berg")
    today = timezone.localdate()
    for ago in days_ago:
        InteractionFactory(
            owner=owner,
            contact=contact,
            occurred_on=today - datetime.timedelta(days=ago),
            kind=Interaction.Kind.IN_PERSON,
        )
    contacts_refresh_interaction_stats(Contact.objects.filter(pk=contact.pk))
    contact.refresh_from_db()
    return contact


def test_a_contact_nothing_was_computed_for_yet_says_so(owner_client, owner):
    contact = ContactFactory(owner=owner)

    panel = _panel(owner_client, contact)

    assert "Recall Never checked" in panel
    assert "Tie strength Not computed yet" in panel
    assert "Follow-up None pending" in panel
    assert "Weak tie" not in panel


def test_after_recompute_the_page_shows_the_score_its_reasons_layer_and_cadence(
    owner_client, owner
):
    contact = _close_friend(owner, [3, 20, 40])
    recompute_owner(owner)
    tie = Tie.objects.get(contact=contact)

    panel = _panel(owner_client, contact)

    assert "Not computed yet" not in panel
    assert f"Tie strength {tie.score:.0f} / 100 · {tie.explanation}" in panel
    assert "last met 3 days ago" in panel
    next_by = day(timezone.localdate() + datetime.timedelta(days=4))
    assert f"Layer Closest 5 · in touch every week; next by {next_by} On cadence" in panel


def test_a_contact_never_interacted_with_has_no_tie_yet(owner_client, owner):
    contact = ContactFactory(owner=owner)
    recompute_owner(owner)

    panel = _panel(owner_client, contact)

    assert "Tie strength No tie yet" in panel
    assert "Not computed yet" not in panel
    assert "Layer" not in panel


def test_recall_reads_likely_to_recall_after_a_good_answer_and_forgotten_after_no_idea(
    owner_client, owner
):
    remembered = _close_friend(owner, [3])
    forgotten = ContactFactory(owner=owner, full_name="Who Is This")
    settings = OwnerSettings.for_user(owner)
    recall_answer(owner, settings, remembered, Rating.INSTANTLY, timezone.now())
    recall_answer(owner, settings, forgotten, Rating.NO_IDEA, timezone.now())

    assert "Recall Likely to recall, 100%" in _panel(owner_client, remembered)
    today = day(timezone.localdate())
    assert f"Recall Forgotten: No idea on {today}" in _panel(owner_client, forgotten)


def test_a_flagged_tie_shows_its_reason_and_since_when(owner_client, owner):
    contact = _close_friend(owner, [3])
    recompute_owner(owner)
    Tie.objects.filter(contact=contact).update(
        weak_reason="silence_gap",
        weak_text="silent for 9 months; you usually talk every 3 weeks",
        flagged_on=timezone.localdate(),
        health=Tie.Health.FLAGGED,
    )

    panel = _panel(owner_client, contact)

    assert (
        f"Weak tie Flagged for the weekly review since {day(timezone.localdate())} · "
        "silent for 9 months; you usually talk every 3 weeks"
    ) in panel


def test_a_weak_tie_beyond_the_weekly_cap_says_it_waits_for_a_review(owner_client, owner):
    contact = _close_friend(owner, [3])
    recompute_owner(owner)
    Tie.objects.filter(contact=contact).update(
        weak_reason="never_met", weak_text="connected on LinkedIn on 1 Mar 2025 and never met"
    )

    panel = _panel(owner_client, contact)

    assert "Weak tie Weak: waiting for a weekly review · connected on LinkedIn" in panel


def test_the_next_open_follow_up_is_shown(owner_client, owner):
    contact = ContactFactory(owner=owner)
    soon = timezone.localdate() + datetime.timedelta(days=2)
    FollowUpFactory(owner=owner, contact=contact, due_on=soon, note="Send the slides")
    FollowUpFactory(owner=owner, contact=contact, due_on=soon + datetime.timedelta(days=9))
    FollowUpFactory(
        owner=owner,
        contact=contact,
        due_on=timezone.localdate(),
        note="Done already",
        done_at=timezone.now(),
    )

    assert f"Follow-up By {day(soon)}: Send the slides" in _panel(owner_client, contact)


def test_the_history_refresh_after_logging_sends_the_panel_again(owner_client, owner):
    contact = _close_friend(owner, [3])
    recompute_owner(owner)

    response = owner_client.get(contact.get_absolute_url(), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert (
        '<section id="insight" class="insight" aria-labelledby="insight-heading" hx-swap-oob="true">'
        in html
    )
    assert 'id="history"' in html


def test_a_history_restore_gets_the_whole_page_with_one_panel(owner_client, owner):
    contact = _close_friend(owner, [3])

    response = owner_client.get(
        contact.get_absolute_url(),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    html = response.content.decode()
    assert html.count('id="insight"') == 1
    assert "hx-swap-oob" not in html
