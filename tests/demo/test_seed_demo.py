import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Max
from django.utils import timezone

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
