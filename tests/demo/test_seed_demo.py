import datetime
import io

import fsrs
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Max, Min
from django.utils import timezone

from insights.models import Rating, RecallCard, RecallLog, RecallSnapshot, Tie
from insights.recall import scheduler_for
from interactions.models import Event, Interaction
from invitations.models import Invitation
from network.models import Contact, OwnerSettings, Tag

pytestmark = pytest.mark.django_db


def _seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _demo_counts() -> dict[str, int]:
    demo = get_user_model().objects.get(username="demo")
    return {
        "contacts": Contact.objects.owned_by(demo).count(),
        "interactions": Interaction.objects.owned_by(demo).count(),
        "events": Event.objects.owned_by(demo).count(),
        "invitations": Invitation.objects.owned_by(demo).count(),
        "tags": Tag.objects.owned_by(demo).count(),
        "tagged": Contact.tags.through.objects.filter(contact__owner=demo).count(),
    }


def test_seed_demo_creates_a_network_the_demo_user_can_log_in_to(client):
    output = _seed_demo()

    demo = get_user_model().objects.get(username="demo")
    counts = _demo_counts()
    assert 140 <= counts["contacts"] <= 160
    assert 20 <= counts["events"] <= 30
    assert counts["interactions"] > counts["contacts"]
    assert (
        f"Demo network ready: {counts['contacts']} contacts, {counts['interactions']} "
        f"interactions, {counts['events']} events." in output
    )
    assert "recall checks answered in the last 10 weeks." in output
    assert "as demo / demo" in output
    assert client.login(username="demo", password="demo")
    assert OwnerSettings.objects.get(owner=demo).timezone == "Europe/Oslo"


def test_seed_demo_logs_every_kind_of_interaction_and_none_in_the_future():
    _seed_demo()

    interactions = Interaction.objects.filter(owner__username="demo")
    assert set(interactions.values_list("kind", flat=True)) == set(Interaction.Kind.values)
    assert set(interactions.values_list("initiated_by", flat=True)) == set(
        Interaction.Initiator.values
    )
    assert not interactions.filter(occurred_on__gt=timezone.localdate()).exists()
    assert interactions.filter(event__isnull=False, kind=Interaction.Kind.IN_PERSON).exists()


def test_seed_demo_has_a_close_core_a_long_tail_and_people_gone_quiet():
    _seed_demo()

    contacts = Contact.objects.filter(owner__username="demo").annotate(n=Count("interactions"))
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    assert contacts.filter(n__gte=15).count() >= 8
    assert contacts.filter(n=0).count() >= 5
    assert contacts.filter(n=1).count() >= 20
    assert contacts.filter(last_interaction_on__lt=year_ago).count() >= 10
    assert contacts.filter(is_archived=True).exists()
    linkedin_urls = list(contacts.exclude(linkedin_url="").values_list("linkedin_url", flat=True))
    assert len(linkedin_urls) == len(set(linkedin_urls))
    assert all(url.startswith("https://www.linkedin.com/in/") for url in linkedin_urls)


def test_seed_demo_keeps_last_interaction_dates_in_step_with_the_interactions():
    _seed_demo()

    contacts = Contact.objects.filter(owner__username="demo").annotate(
        latest=Max("interactions__occurred_on"), logged=Count("interactions")
    )
    busiest = contacts.order_by("-logged", "pk").first()
    never_met = contacts.filter(logged=0).first()
    assert busiest.last_interaction_on == busiest.latest
    assert busiest.interaction_count == busiest.logged
    assert never_met.last_interaction_on is None
    assert all(contact.last_interaction_on == contact.latest for contact in contacts)


def test_seed_demo_leaves_invitations_waiting_for_review():
    _seed_demo()

    invitations = Invitation.objects.filter(owner__username="demo")
    pending = invitations.pending()
    assert 5 <= pending.count() <= 8
    assert pending.filter(contact__isnull=False).exists()
    assert not pending.filter(sent_at__gt=timezone.now()).exists()
    assert pending.filter(sent_at__gte=timezone.now() - datetime.timedelta(days=31)).count() == (
        pending.count()
    )
    decided = invitations.exclude(status=Invitation.Status.PENDING)
    assert {Invitation.Status.ACCEPTED, Invitation.Status.DECLINED} <= set(
        decided.values_list("status", flat=True)
    )
    assert not decided.filter(decided_at__isnull=True).exists()


def test_seed_demo_twice_changes_nothing():
    _seed_demo()
    before = _demo_counts()

    output = _seed_demo()

    assert _demo_counts() == before
    assert "already there" in output


def test_seed_demo_again_resets_the_demo_password(client):
    _seed_demo()
    demo = get_user_model().objects.get(username="demo")
    demo.set_password("something else entirely")
    demo.save()

    _seed_demo()

    assert client.login(username="demo", password="demo")


def test_seed_demo_leaves_follow_ups_waiting_on_the_dashboard(client):
    _seed_demo()
    client.login(username="demo", password="demo")
    response = client.get("/")
    assert len(response.context["follow_ups"]) == 2  # one overdue, one due today
    assert "Follow-ups due" in response.content.decode()


def test_seed_demo_has_ten_weeks_of_recall_checks_with_a_mix_of_answers():
    _seed_demo()

    demo = get_user_model().objects.get(username="demo")
    active = Contact.objects.owned_by(demo).active()
    cards = RecallCard.objects.owned_by(demo)
    checked = cards.filter(reviews__gt=0)
    assert cards.count() == active.count()
    assert 0.3 <= checked.count() / active.count() <= 0.5
    assert checked.filter(last_rating=Rating.NO_IDEA).count() >= 2  # a few forgotten
    logs = RecallLog.objects.owned_by(demo)
    assert set(logs.values_list("rating", flat=True)) == set(Rating.values)
    oldest, newest = logs.aggregate(Min("reviewed_at"), Max("reviewed_at")).values()
    assert timezone.now() - datetime.timedelta(weeks=10, days=1) <= oldest
    assert newest < timezone.now()
    per_contact = dict(logs.values("contact").annotate(n=Count("pk")).values_list("contact", "n"))
    assert dict(checked.values_list("pk", "reviews")) == per_contact
    assert not logs.filter(contact__is_archived=True).exists()


def test_seed_demo_cards_are_what_fsrs_makes_of_the_logged_answers():
    """Replaying each person's logged answers, at their moments, gives the stored card."""
    _seed_demo()

    demo = get_user_model().objects.get(username="demo")
    scheduler = scheduler_for(OwnerSettings.for_user(demo))
    for card in RecallCard.objects.owned_by(demo).filter(reviews__gte=3)[:10]:
        logs = list(RecallLog.objects.filter(contact_id=card.pk).order_by("reviewed_at"))
        replayed = fsrs.Card(card_id=card.pk, due=logs[0].reviewed_at.astimezone(datetime.UTC))
        for log in logs:
            assert log.card_before["reviews"] == logs.index(log)
            replayed, _ = scheduler.review_card(
                replayed, fsrs.Rating(log.rating), log.reviewed_at.astimezone(datetime.UTC)
            )
        assert replayed.stability == pytest.approx(card.stability)
        assert replayed.difficulty == pytest.approx(card.difficulty)
        assert replayed.due == card.due
        assert card.last_rating == logs[-1].rating


def test_seed_demo_recall_over_time_is_rebuilt_from_the_answers():
    _seed_demo()

    demo = get_user_model().objects.get(username="demo")
    snapshots = list(RecallSnapshot.objects.owned_by(demo).order_by("week"))
    assert len(snapshots) >= 10
    assert all(snapshot.week.weekday() == 0 for snapshot in snapshots)
    weeks = [snapshot.week for snapshot in snapshots]
    assert weeks == [weeks[0] + datetime.timedelta(weeks=n) for n in range(len(weeks))]
    assert snapshots[0].recalled < snapshots[-1].recalled
    for snapshot in snapshots:
        assert snapshot.total == snapshot.recalled + snapshot.forgotten + snapshot.never_checked
    # This week's is the live count.
    cards = RecallCard.objects.owned_by(demo).filter(contact__is_archived=False, reviews__gt=0)
    assert snapshots[-1].forgotten == cards.filter(last_rating=Rating.NO_IDEA).count()
    assert snapshots[-1].recalled == cards.exclude(last_rating=Rating.NO_IDEA).count()


def test_seed_demo_computes_ties_with_drifting_friends_and_never_met_connections():
    _seed_demo()

    demo = get_user_model().objects.get(username="demo")
    ties = Tie.objects.owned_by(demo)
    assert ties.filter(contact__is_archived=False).count() == (
        Contact.objects.owned_by(demo).active().count()
    )
    flagged = ties.filter(flagged_on__isnull=False)
    assert 5 <= flagged.count() <= OwnerSettings.for_user(demo).weak_ties_per_week
    assert not flagged.filter(weak_text="").exists()
    # A close friend gone silent for months: flagged with the silence as the reason.
    friend = ties.get(contact__closeness__gte=Contact.Closeness.CLOSE, weak_reason="silence_gap")
    assert friend.flagged_on is not None
    assert friend.weak_text.startswith("silent for ")
    assert "you usually talk every" in friend.weak_text
    assert ties.filter(contact__closeness__gte=Contact.Closeness.CLOSE, health="drifting").exists()
    # LinkedIn connections never met nor talked with, connected more than 90 days ago.
    long_ago = timezone.localdate() - datetime.timedelta(days=90)
    never_met = ties.filter(weak_reason="never_met")
    assert never_met.count() >= 5
    assert not never_met.filter(contact__connected_on__gt=long_ago).exists()
    assert not never_met.filter(contact__last_interaction_on__isnull=False).exists()


def _story(demo) -> list:
    return [
        list(
            Contact.objects.owned_by(demo)
            .order_by("full_name")
            .values_list("full_name", "last_interaction_on", "tie__score", "tie__flagged_on")
        ),
        list(
            RecallLog.objects.owned_by(demo)
            .order_by("reviewed_at", "contact__full_name")
            .values_list("contact__full_name", "rating", "reviewed_at")
        ),
        list(RecallSnapshot.objects.owned_by(demo).values_list("week", "recalled", "forgotten")),
    ]


def test_seed_demo_tells_the_same_story_every_time():
    _seed_demo()
    demo = get_user_model().objects.get(username="demo")
    first = _story(demo)
    demo.delete()

    _seed_demo()

    assert _story(get_user_model().objects.get(username="demo")) == first
