"""Editing the policy shows, before saving, how many pending verdicts would change."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interactions.models import Interaction
from invitations.models import Invitation
from network.models import Contact, OwnerSettings

pytestmark = pytest.mark.django_db
URL = reverse("invitations:policy-preview")


def _policy(**changes) -> dict:
    fields = {
        "timezone": "UTC",
        "review_weekday": 6,
        "policy_min_in_person": 1,
        "policy_min_virtual": 3,
        "policy_window_months": 12,
        "policy_min_known_days": 0,
        "policy_min_known_interactions": 5,
        "recall_desired_retention": 0.9,
        "recall_daily_limit": 20,
    }
    return fields | changes


def _pending(owner, size: int, *, messages: int = 2) -> None:
    today = timezone.localdate()
    contacts = Contact.objects.bulk_create(
        Contact(owner=owner, full_name=f"Person {n:05}") for n in range(size)
    )
    Interaction.objects.bulk_create(
        Interaction(
            owner=owner,
            contact=contact,
            kind=Interaction.Kind.MESSAGE,
            occurred_on=today - datetime.timedelta(days=n + 1),
        )
        for contact in contacts
        for n in range(messages)
    )
    Invitation.objects.bulk_create(
        Invitation(owner=owner, name=contact.full_name, contact=contact) for contact in contacts
    )


def test_lowering_the_virtual_threshold_says_how_many_would_now_meet(owner, owner_client):
    _pending(owner, 3)
    response = owner_client.post(URL, _policy(policy_min_virtual=2), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "3 invitations would now meet your policy" in response.text
    assert "<form" not in response.text
    assert OwnerSettings.for_user(owner).policy_min_virtual == 3


def test_raising_the_threshold_says_how_many_would_no_longer(owner, owner_client):
    _pending(owner, 2, messages=3)
    response = owner_client.post(URL, _policy(policy_min_virtual=4), headers={"HX-Request": "true"})
    assert "2 invitations would no longer meet your policy" in response.text


def test_without_javascript_the_settings_page_comes_back_with_the_preview(owner, owner_client):
    _pending(owner, 1)
    response = owner_client.post(URL, _policy(policy_min_virtual=2))
    assert "Before you save: 1 invitation would now meet your policy." in response.text
    assert 'value="2"' in response.text
    assert OwnerSettings.for_user(owner).policy_min_virtual == 3


def test_a_policy_with_every_rule_off_is_named_not_compared(owner, owner_client):
    response = owner_client.post(
        URL, _policy(policy_min_in_person=0, policy_min_virtual=0), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Keep at least one rule" in response.text


def test_no_change_says_so(owner, owner_client):
    _pending(owner, 2)
    response = owner_client.post(URL, _policy(), headers={"HX-Request": "true"})
    assert "No verdict of your 2 pending invitations would change" in response.text


def test_the_known_for_rule_is_on_the_settings_page(owner_client):
    response = owner_client.get(reverse("network:settings"))
    assert "known for at least (days)" in response.text.lower()
    assert URL in response.text


@pytest.mark.parametrize("size", [10, 2000])
def test_the_preview_costs_the_same_queries_at_10_and_2000_pending(owner, owner_client, size):
    _pending(owner, size)
    owner_client.post(URL, _policy(), headers={"HX-Request": "true"})  # session, settings row
    with CaptureQueriesContext(connection) as queries:
        response = owner_client.post(
            URL, _policy(policy_min_virtual=2), headers={"HX-Request": "true"}
        )
    assert f"{size} invitations would now meet your policy" in response.text
    assert len(queries) == 9
