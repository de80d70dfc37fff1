"""The weekly review's second part: flagged weak ties, one at a time, worst first, one key each."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insights.models import RecallCard, Tie
from insights.weak_review import tie_opener
from interactions.models import Event, FollowUp, Interaction
from invitations.models import Invitation, Review
from network.models import Contact, OwnerSettings
from tests.factories import ContactFactory, InteractionFactory, InvitationFactory

HTMX = {"HX-Request": "true"}


def _today() -> datetime.date:
    return timezone.localdate()


def _flagged(
    owner,
    name: str,
    *,
    reason: str = "silence_cadence",
    text: str = "silent for 7 months; ties in your closest 50 are in touch every few months",
    layer: int | None = 3,
    silent_days: int | None = 210,
    stands_for: str = "",
    **tie,
) -> Tie:
    """A contact and its tie as insights.compute leaves a flagged one."""
    today = _today()
    contact = ContactFactory(
        owner=owner,
        full_name=name,
        stands_for=stands_for,
        linkedin_url=f"https://www.linkedin.com/in/{name.lower().replace(' ', '-')}/",
    )
    if silent_days is not None:
        InteractionFactory(
            owner=owner,
            contact=contact,
            kind=Interaction.Kind.IN_PERSON,
            occurred_on=today - datetime.timedelta(days=silent_days),
        )
        Contact.objects.filter(pk=contact.pk).update(
            last_interaction_on=today - datetime.timedelta(days=silent_days)
        )
    values = {
        "score": 18.4,
        "explanation": "last met 7 months ago; 1 meeting in the last year; known since May",
        "layer": layer,
        "cadence_days": {1: 7, 2: 30, 3: 90, 4: 365, 5: 730}.get(layer),
        "health": Tie.Health.FLAGGED,
        "weak_reason": reason,
        "weak_text": text,
        "flagged_on": today - datetime.timedelta(days=2),
        **tie,
    }
    return Tie.objects.create(contact=contact, owner=owner, **values)


def _decide(client, tie: Tie, decision: str, headers=None, **data):
    return client.post(
        reverse("insights:review-tie-decide", args=[tie.pk]),
        {"decision": decision, **data},
        headers=headers or {},
    )


def _undo(client):
    return client.post(reverse("invitations:review-undo"), headers=HTMX)


def _card_name(response) -> str | None:
    item = response.context["item"]
    if item is None:
        return None
    return item.subject.contact.full_name if item.kind == "tie" else item.subject.name


def _walk_names(response) -> list[str]:
    return [
        item.subject.contact.full_name if item.kind == "tie" else item.subject.name
        for item in response.context["walk"].items
    ]


def _state(tie: Tie) -> tuple:
    tie.refresh_from_db()
    return (tie.flagged_on, tie.quiet_until, tie.let_go_on, tie.weak_reason, tie.weak_text)


def _review(owner) -> Review:
    return Review.objects.get(owner=owner)


def test_the_walk_is_invitations_first_then_flagged_ties_worst_first(
    owner_client, owner, other_user
):
    InvitationFactory(owner=owner, name="Invited Ingrid")
    _flagged(owner, "Never Met", reason="never_met", layer=None, silent_days=None)
    _flagged(owner, "Outer Silent", reason="silence_cadence", layer=5, silent_days=900)
    _flagged(owner, "Inner Silent Short", reason="silence_gap", layer=2, silent_days=100)
    _flagged(owner, "Inner Silent Long", reason="silence_gap", layer=2, silent_days=300)
    _flagged(owner, "Forgotten", reason="recall_forgotten", layer=4, silent_days=20)
    today = _today()
    _flagged(owner, "Let Go", let_go_on=today - datetime.timedelta(days=3))
    _flagged(owner, "Kept Quiet", flagged_on=None, quiet_until=today + datetime.timedelta(days=5))
    _flagged(owner, "Snoozed", quiet_until=today + datetime.timedelta(days=5))
    _flagged(owner, "Waiting Behind The Cap", flagged_on=None)
    Contact.objects.filter(pk=_flagged(owner, "Archived").pk).update(is_archived=True)
    _flagged(other_user, "Not Yours")
    _flagged(owner, "Quiet Until Today", quiet_until=today)

    response = owner_client.get(reverse("invitations:review"))

    assert _walk_names(response) == [
        "Invited Ingrid",
        "Forgotten",
        "Inner Silent Long",
        "Inner Silent Short",
        "Quiet Until Today",
        "Outer Silent",
        "Never Met",
    ]
    assert "7 left to decide" in response.content.decode()


def test_a_tie_card_shows_the_reason_its_evidence_strength_layer_recall_and_the_last_three(
    owner_client, owner
):
    tie = _flagged(
        owner,
        "Ana Lima",
        reason="recall_forgotten",
        text="your last recall check was No idea on 3 Nov",
        stands_for="Open data at the city of Lisbon",
        layer=4,
    )
    event = Event.objects.create(owner=owner, name="PyCon", date=_today())
    for days in (30, 60, 90, 120):
        InteractionFactory(
            owner=owner,
            contact=tie.contact,
            kind=Interaction.Kind.CALL,
            event=event if days == 30 else None,
            note=f"call {days} days ago",
            occurred_on=_today() - datetime.timedelta(days=days),
        )
    RecallCard.objects.create(
        contact=tie.contact,
        owner=owner,
        due=timezone.now(),
        reviews=1,
        last_rating=1,
        last_review=timezone.now() - datetime.timedelta(days=9),
        state=3,
        stability=1.0,
        difficulty=7.0,
    )

    page = owner_client.get(reverse("invitations:review")).content.decode()

    assert "Ana Lima" in page
    assert "Weak tie: not recalled at the last recall check" in page
    assert "Your last recall check was No idea on 3 Nov." in page
    assert "18 of 100" in page and "last met 7 months ago; 1 meeting in the last year" in page
    assert "Meaningful 150" in page
    assert "Forgotten: No idea on" in page  # the recall state
    assert "Open data at the city of Lisbon" in page
    assert "call 30 days ago" in page and "call 90 days ago" in page
    assert "call 120 days ago" not in page  # the last three only
    assert 'data-review-key="k"' in page and 'data-review-key="r"' in page
    assert 'data-review-key="l"' in page and 'data-review-key="z"' in page
    assert "remove on LinkedIn" in page and "Kith never deletes" in page
    assert "Suggested: <strong>Reconnect</strong>" in page
    # The suggested opener, ready to edit, and a follow-up a week out.
    assert (
        "Hi Ana — I was thinking about your work on open data at the city of Lisbon since we "
        f"last spoke at PyCon in {(_today() - datetime.timedelta(days=30)):%B}"
    ) in page
    week_out = _today() + datetime.timedelta(days=7)
    assert f'value="{week_out:%Y-%m-%d}"' in page


def test_keep_clears_the_flag_for_90_days_and_undo_restores_exactly(owner_client, owner):
    tie = _flagged(owner, "Ana Lima")
    before = _state(tie)

    response = _decide(owner_client, tie, "keep", HTMX)

    assert response.status_code == 200
    quiet = _today() + datetime.timedelta(days=90)
    assert _state(tie)[:3] == (None, quiet, None)
    assert "Kept Ana Lima: not flagged again before" in response.content.decode()
    assert _card_name(response) is None
    assert _review(owner).kept == 1

    response = _undo(owner_client)

    assert "Undone: Ana Lima is back in the review." in response.content.decode()
    assert _state(tie) == before
    assert _card_name(response) == "Ana Lima"
    assert _review(owner).kept == 0


def test_reconnect_sets_a_follow_up_with_an_opener_to_copy_and_undo_takes_it_back(
    owner_client, owner
):
    tie = _flagged(owner, "Ana Lima", stands_for="open data")
    before = _state(tie)
    week_out = _today() + datetime.timedelta(days=7)

    response = _decide(
        owner_client, tie, "reconnect", HTMX, follow_up_on=week_out.isoformat(), opener=""
    )

    page = response.content.decode()
    follow_up = FollowUp.objects.get(owner=owner, contact=tie.contact)
    assert follow_up.due_on == week_out and follow_up.done_at is None
    last_met = _today() - datetime.timedelta(days=210)
    month = f"{last_met:%B}" + ("" if last_met.year == _today().year else f" {last_met.year}")
    opener = (
        f"Hi Ana — I was thinking about your work on open data since we last met in {month}. "
        "Coffee soon?"
    )
    assert follow_up.note == opener
    assert "Reconnect with Ana Lima: a follow-up on" in page
    assert 'id="review-message"' in page and "Copy opener" in page
    assert _state(tie)[:3] == (None, week_out + datetime.timedelta(days=30), None)
    assert _review(owner).reconnected == 1

    _undo(owner_client)

    assert _state(tie) == before
    assert not FollowUp.objects.filter(owner=owner).exists()
    assert _review(owner).reconnected == 0


def test_reconnect_takes_the_owners_day_and_own_opener(owner_client, owner):
    tie = _flagged(owner, "Ana Lima")
    day = _today() + datetime.timedelta(days=20)

    _decide(owner_client, tie, "reconnect", follow_up_on=day.isoformat(), opener="  Lunch? ")

    follow_up = FollowUp.objects.get(owner=owner)
    assert (follow_up.due_on, follow_up.note) == (day, "Lunch?")
    assert _state(tie)[1] == day + datetime.timedelta(days=30)


@pytest.mark.parametrize(
    ("follow_up_on", "opener", "words"),
    [
        ("yesterday", "", "Enter the follow-up day as a date"),
        ("", "", "Choose the day to follow up on."),
        ("2001-01-01", "", "Choose a follow-up day from today on."),
        ("9999-12-31", "", "Choose a follow-up day within a year."),
        (None, "x" * 301, "Keep the opener under 300 characters."),
    ],
)
def test_reconnect_with_bad_input_says_so_and_changes_nothing(
    owner_client, owner, follow_up_on, opener, words
):
    tie = _flagged(owner, "Ana Lima")
    before = _state(tie)
    day = follow_up_on if follow_up_on is not None else _today().isoformat()

    response = _decide(owner_client, tie, "reconnect", HTMX, follow_up_on=day, opener=opener)

    assert response.status_code == 200
    assert words in response.content.decode()
    assert _card_name(response) == "Ana Lima"
    assert _state(tie) == before
    assert not FollowUp.objects.exists()
    assert not Review.objects.filter(reconnected__gt=0).exists()


def test_let_go_marks_them_to_remove_on_linkedin_archives_if_asked_and_undo_restores(
    owner_client, owner
):
    tie = _flagged(owner, "Ana Lima")
    before = _state(tie)

    response = _decide(owner_client, tie, "let_go", HTMX, archive="1")

    page = response.content.decode()
    assert "Let go of Ana Lima. Remove the connection on LinkedIn" in page
    assert "Archived in Kith" in page
    assert tie.contact.linkedin_url in page  # the profile, to remove them there
    assert _state(tie)[:3] == (None, None, _today())
    tie.contact.refresh_from_db()
    assert tie.contact.is_archived
    assert Contact.objects.filter(pk=tie.pk).exists()  # Kith never deletes
    assert _review(owner).let_go == 1

    _undo(owner_client)

    assert _state(tie) == before
    tie.contact.refresh_from_db()
    assert not tie.contact.is_archived
    assert _review(owner).let_go == 0


def test_let_go_without_archive_keeps_them_active_and_undo_leaves_an_earlier_archive_alone(
    owner_client, owner
):
    tie = _flagged(owner, "Ana Lima")

    _decide(owner_client, tie, "let_go", HTMX)

    tie.contact.refresh_from_db()
    assert not tie.contact.is_archived
    assert _state(tie)[2] == _today()
    Contact.objects.filter(pk=tie.pk).update(is_archived=True)  # archived by hand since
    _undo(owner_client)
    tie.contact.refresh_from_db()
    assert tie.contact.is_archived


def test_a_tie_let_go_is_never_flagged_again(owner_client, owner):
    from insights.compute import recompute_owner

    # Connected on LinkedIn a year ago and never met nor talked with: weak by every rule.
    tie = _flagged(owner, "Ana Lima", reason="never_met", layer=None, silent_days=None)
    Contact.objects.filter(pk=tie.pk).update(
        linkedin_status=Contact.LinkedInStatus.CONNECTED,
        connected_on=_today() - datetime.timedelta(days=365),
    )
    _decide(owner_client, tie, "let_go")

    recompute_owner(owner)
    recompute_owner(owner, today=_today() + datetime.timedelta(days=400))

    tie.refresh_from_db()
    assert (tie.flagged_on, tie.let_go_on) == (None, _today())
    # Even a flag set by mistake does not bring a tie let go back into the review.
    Tie.objects.filter(pk=tie.pk).update(flagged_on=_today())
    assert _walk_names(owner_client.get(reverse("invitations:review"))) == []


def test_snooze_brings_the_tie_back_on_the_next_review_day_and_undo_restores(owner_client, owner):
    settings = OwnerSettings.for_user(owner)
    tie = _flagged(owner, "Ana Lima")
    before = _state(tie)
    days = (settings.review_weekday - _today().weekday() - 1) % 7 + 1
    review_day = _today() + datetime.timedelta(days=days)

    response = _decide(owner_client, tie, "snooze", HTMX)

    assert "Snoozed Ana Lima: back in the review on" in response.content.decode()
    flagged_on, quiet_until, let_go_on, *_ = _state(tie)
    assert (flagged_on, quiet_until, let_go_on) == (before[0], review_day, None)
    assert _card_name(response) is None
    assert _review(owner).snoozed == 1

    _undo(owner_client)

    assert _state(tie) == before
    assert _review(owner).snoozed == 0


def test_skip_hides_the_tie_for_this_review_only(owner_client, owner):
    skipped = _flagged(owner, "Ana Lima", reason="recall_forgotten")
    _flagged(owner, "Bo Berg")

    response = _decide(owner_client, skipped, "skip", HTMX)

    assert _card_name(response) == "Bo Berg"
    review = _review(owner)
    assert (review.skipped, review.skipped_items) == (1, [f"tie:{skipped.pk}"])
    assert _state(skipped)[0] is not None  # still flagged

    response = _undo(owner_client)
    assert _card_name(response) == "Ana Lima"
    assert _review(owner).skipped == 0

    _decide(owner_client, skipped, "skip", HTMX)
    owner_client.post(reverse("invitations:review-finish"))
    assert _card_name(owner_client.get(reverse("invitations:review"))) == "Ana Lima"


def test_a_second_tab_deciding_the_same_tie_is_told_and_moves_on(owner, db):
    tie = _flagged(owner, "Ana Lima", reason="recall_forgotten")
    _flagged(owner, "Bo Berg")
    first_tab, second_tab = Client(), Client()
    first_tab.force_login(owner)
    second_tab.force_login(owner)
    second_tab.get(reverse("invitations:review"))  # both show Ana

    _decide(first_tab, tie, "keep", HTMX)
    response = _decide(second_tab, tie, "let_go", HTMX, archive="1")

    assert response.status_code == 200
    assert "Already kept or reconnected in another tab: Ana Lima." in response.content.decode()
    assert _card_name(response) == "Bo Berg"
    assert _state(tie)[:3] == (None, _today() + datetime.timedelta(days=90), None)
    tie.contact.refresh_from_db()
    assert not tie.contact.is_archived
    review = _review(owner)
    assert (review.kept, review.let_go) == (1, 0)
    # The second tab reconnecting is refused the same way, and creates no follow-up.
    response = _decide(second_tab, tie, "reconnect", HTMX, follow_up_on=_today().isoformat())
    assert "Already kept or reconnected in another tab" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_undo_after_another_tab_changed_the_tie_changes_nothing(owner_client, owner):
    tie = _flagged(owner, "Ana Lima")
    _decide(owner_client, tie, "keep", HTMX)
    Tie.objects.filter(pk=tie.pk).update(let_go_on=_today())  # another tab, meanwhile
    changed = _state(tie)

    response = _undo(owner_client)

    assert "changed since, in another tab: nothing undone" in response.content.decode()
    assert _state(tie) == changed
    assert _review(owner).kept == 1


def test_the_summary_and_the_dashboard_name_both_parts(owner_client, owner):
    invitation = InvitationFactory(owner=owner, name="Lena Fjeld")
    kept, reconnected, gone = (
        _flagged(owner, "Ana Lima", reason="recall_forgotten"),
        _flagged(owner, "Bo Berg", reason="silence_gap"),
        _flagged(owner, "Cy Dahl", reason="never_met", layer=None, silent_days=None),
    )
    owner_client.post(
        reverse("invitations:review-decide", args=[invitation.pk]), {"decision": "decline"}
    )
    _decide(owner_client, kept, "keep")
    _decide(owner_client, reconnected, "reconnect", follow_up_on=_today().isoformat())
    response = _decide(owner_client, gone, "let_go", HTMX)

    assert _card_name(response) is None
    page = response.content.decode()
    assert "All decided" in page
    stats = response.context["walk"].stats
    assert stats == [
        (0, "accepted"),
        (1, "declined"),
        (0, "not yet"),
        (0, "skipped"),
        (1, "kept"),
        (1, "reconnected"),
        (1, "let go"),
        (0, "snoozed"),
    ]

    response = owner_client.post(reverse("invitations:review-finish"), follow=True)

    summary = (
        "0 accepted, 1 declined, 0 not yet, 0 skipped; 1 kept, 1 reconnected, 1 let go, 0 snoozed"
    )
    page = response.content.decode()
    assert f"Review finished: {summary}." in page
    assert f"Last review done on {_today().day} {_today():%b %Y}: {summary}." in page
    # The follow-up set by reconnecting, due today, waits on the dashboard.
    assert "Bo Berg" in page and "Coffee soon?" in page


def test_every_tie_decision_works_as_a_plain_post_without_htmx(owner_client, owner):
    tie = _flagged(owner, "Ana Lima", stands_for="open data")

    response = _decide(owner_client, tie, "reconnect", follow_up_on=_today().isoformat())

    assert response.status_code == 302
    assert response["Location"] == reverse("invitations:review")
    page = owner_client.get(response["Location"]).content.decode()
    assert "Reconnect with Ana Lima" in page and "Copy opener" in page
    response = owner_client.post(reverse("invitations:review-undo"), follow=True)
    assert "Ana Lima is back in the review" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_an_unknown_tie_decision_is_named_and_changes_nothing(owner_client, owner):
    tie = _flagged(owner, "Ana Lima")
    before = _state(tie)

    response = _decide(owner_client, tie, "accept", HTMX)

    assert "Choose Keep, Reconnect, Let go, Snooze or Skip." in response.content.decode()
    assert _state(tie) == before
    assert not Review.objects.exists()


def test_another_users_tie_posted_to_the_review_is_a_404_and_changes_nothing(
    owner_client, owner, other_user
):
    theirs = _flagged(other_user, "Not Yours")
    before = _state(theirs)

    for decision in ("keep", "reconnect", "let_go", "snooze", "skip"):
        response = _decide(
            owner_client, theirs, decision, follow_up_on=_today().isoformat(), archive="1"
        )
        assert response.status_code == 404

    assert _state(theirs) == before
    theirs.contact.refresh_from_db()
    assert not theirs.contact.is_archived
    assert not Review.objects.exists() and not FollowUp.objects.exists()


def test_the_opener_reads_well_without_a_topic_or_any_interaction():
    today = datetime.date(2026, 5, 4)
    contact = Contact(full_name="Ana Lima", stands_for="")
    assert tie_opener(contact, None, today) == (
        "Hi Ana — we are connected but have never properly talked. Coffee soon?"
    )
    contact.stands_for = "EU data spaces."
    assert tie_opener(contact, None, today) == (
        "Hi Ana — we are connected but have never properly talked. I would like to hear about "
        "your work on EU data spaces. Coffee soon?"
    )
    last = Interaction(kind=Interaction.Kind.MESSAGE, occurred_on=datetime.date(2025, 11, 2))
    assert tie_opener(contact, last, today) == (
        "Hi Ana — I was thinking about your work on EU data spaces since we last wrote in "
        "November 2025. Coffee soon?"
    )


@pytest.mark.parametrize(
    ("stands_for", "about"),
    [
        ("Believes permitting is the bottleneck", "how you believe permitting is the bottleneck"),
        ("Argues that grids matter", "how you argue that grids matter"),
        ("Pushes for more women on cap tables", "how you push for more women on cap tables"),
        ("Studies sodium-ion cells", "how you study sodium-ion cells"),
        ("Batteries for the grid", "your work on batteries for the grid"),
    ],
)
def test_the_opener_turns_a_stand_for_that_starts_with_a_verb_into_english(stands_for, about):
    """ "your work on believes permitting ..." was what nearly every demo card offered to send."""
    contact = Contact(full_name="Ana Lima", stands_for=stands_for)
    last = Interaction(kind=Interaction.Kind.MESSAGE, occurred_on=datetime.date(2025, 11, 2))
    assert tie_opener(contact, last, datetime.date(2026, 5, 4)) == (
        f"Hi Ana — I was thinking about {about} since we last wrote in November 2025. Coffee soon?"
    )
    assert f"I would like to hear about {about}." in tie_opener(
        contact, None, datetime.date(2026, 5, 4)
    )


@pytest.mark.parametrize("invitations", [False, True], ids=["ties only", "with invitations"])
@pytest.mark.parametrize("size", [10, 2000])
def test_review_card_costs_the_same_queries_at_any_size(
    owner_client, owner, django_assert_num_queries, size, invitations
):
    OwnerSettings.for_user(owner)
    today = _today()
    contacts = Contact.objects.bulk_create(
        Contact(
            owner=owner,
            full_name=f"Person {n:04}",
            stands_for="open data",
            last_interaction_on=today - datetime.timedelta(days=n % 400),
        )
        for n in range(size)
    )
    Interaction.objects.bulk_create(
        Interaction(
            owner=owner,
            contact=contact,
            kind=Interaction.Kind.MESSAGE,
            occurred_on=today - datetime.timedelta(days=n * 40),
        )
        for contact in contacts
        for n in range(3)
    )
    # Every other contact flagged, each with a recall card.
    Tie.objects.bulk_create(
        Tie(
            contact=contact,
            owner=owner,
            score=n % 100,
            explanation="last wrote 2 months ago",
            layer=1 + n % 7,
            weak_reason="silence_cadence" if n % 2 else "",
            weak_text="silent for 7 months" if n % 2 else "",
            flagged_on=today if n % 2 else None,
        )
        for n, contact in enumerate(contacts)
    )
    RecallCard.objects.bulk_create(
        RecallCard(contact=contact, owner=owner, due=timezone.now()) for contact in contacts
    )
    if invitations:
        Invitation.objects.bulk_create(
            Invitation(owner=owner, name=f"Person {n:04}", contact=contacts[n] if n % 2 else None)
            for n in range(size)
        )
    Review.objects.create(owner=owner)
    if invitations:
        # 1 session, 2 user, 3 owner settings, 4 the open review, 5 pending invitations with
        # their contacts, 6 and 7 the policy's two aggregates, 8 the flagged ties with their
        # contacts and recall cards, 9 the invitation card's last interactions.
        expected, kind = 9, "invitation"
    else:
        # 1 session, 2 user, 3 owner settings, 4 the open review, 5 pending invitations (none),
        # 6 the flagged ties with their contacts and recall cards, 7 the tie card's last
        # interactions with their events.
        expected, kind = 7, "tie"
    with django_assert_num_queries(expected):
        response = owner_client.get(reverse("invitations:review"))
    walk = response.context["walk"]
    assert walk.current.kind == kind
    assert walk.remaining == size // 2 + (size if invitations else 0)


def test_the_weekly_digest_says_how_many_weak_ties_wait(owner):
    from invitations.digest import digest_build

    _flagged(owner, "Ana Lima")
    _flagged(owner, "Bo Berg")
    _flagged(owner, "Cy Dahl", let_go_on=_today())

    digest = digest_build(owner)

    sentence = "2 weak ties wait for your review: keep, reconnect or let go."
    assert sentence in digest.text and sentence in digest.html


def test_a_skipped_tie_follows_its_contact_through_a_full_export(owner_client, owner, other_user):
    from portability.full_export import data_export_chunks, data_import

    tie = _flagged(owner, "Ana Lima")
    _decide(owner_client, tie, "skip")
    document = json.loads("".join(data_export_chunks(owner)))

    data_import(other_user, document)

    theirs = Contact.objects.get(owner=other_user, full_name="Ana Lima")
    assert Review.objects.get(owner=other_user).skipped_items == [f"tie:{theirs.pk}"]
