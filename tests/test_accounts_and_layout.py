import re

import pytest
from django.urls import reverse

from interactions.stats import contacts_refresh_interaction_stats
from network.models import OwnerSettings
from tests.factories import ContactFactory, InteractionFactory, InvitationFactory, UserFactory

PAGES = [
    "insights:dashboard",
    "network:contact-list",
    "network:contact-create",
    "network:settings",
    "interactions:log-meeting",
    "invitations:review",
    "portability:import",
    "password_change",
]


def test_log_in_lands_on_the_dashboard_and_log_out_returns_to_login(client, db):
    UserFactory(username="ada", password="a sturdy passphrase")
    response = client.post(
        reverse("login"), {"username": "ada", "password": "a sturdy passphrase"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("insights:dashboard")
    assert "Your network" in response.content.decode()

    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert client.get(reverse("insights:dashboard")).status_code == 302


def test_a_wrong_password_is_explained(client, db):
    UserFactory(username="ada", password="a sturdy passphrase")
    response = client.post(reverse("login"), {"username": "ada", "password": "nope"})
    assert "Please enter a correct username and password" in response.content.decode()


def test_logging_in_uses_the_owners_time_zone(client, db):
    user = UserFactory(username="ada", password="a sturdy passphrase")
    OwnerSettings.objects.create(owner=user, timezone="Asia/Tokyo")
    client.post(reverse("login"), {"username": "ada", "password": "a sturdy passphrase"})
    assert client.session["kith_timezone"] == "Asia/Tokyo"


def test_password_change(owner_client, owner):
    response = owner_client.post(
        reverse("password_change"),
        {
            "old_password": "correct horse battery staple",
            "new_password1": "an even better passphrase",
            "new_password2": "an even better passphrase",
        },
        follow=True,
    )
    assert "Your new password is in use." in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password("an even better passphrase")


@pytest.mark.parametrize("name", PAGES)
def test_pages_have_a_strict_csp_and_no_inline_code(owner_client, name):
    response = owner_client.get(reverse(name))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "style-src 'self';" in policy
    assert "unsafe" not in policy
    page = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline script"
    assert not re.search(r"\sstyle=", page), "inline style"
    assert "<style" not in page
    assert not re.search(r"""(src|href)=["']https?://""", page), "a third-party request"


def test_the_dashboard_counts_the_network_with_reasons(owner_client, owner):
    met = ContactFactory(owner=owner, linkedin_status="connected")
    ContactFactory(owner=owner)
    ContactFactory(owner=owner, is_archived=True)
    InteractionFactory(owner=owner, contact=met, kind="in_person")
    InvitationFactory(owner=owner)
    contacts_refresh_interaction_stats(owner.contacts.all())

    response = owner_client.get(reverse("insights:dashboard"))
    assert response.context["network"] == {
        "total": 2,
        "connected": 1,
        "met_in_person": 1,
        "never_interacted": 1,
        "quiet": 0,
    }
    page = response.content.decode()
    assert "At least one in-person meeting logged with them." in page
    assert "1 pending invitation" in page
    assert met.full_name in page


def test_an_empty_network_invites_the_first_contact(owner_client):
    page = owner_client.get(reverse("insights:dashboard")).content.decode()
    assert "Your network is empty." in page


def test_an_htmx_request_after_the_session_expired_loads_the_login_page(client, db):
    response = client.get(
        reverse("network:contact-list"),
        {"q": "ana"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/contacts/?q=an"},
    )
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fcontacts%2F%3Fq%3Dan"
    assert b"<form" not in response.content
