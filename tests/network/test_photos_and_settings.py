import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from network.models import Contact, OwnerSettings


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _png(name="face.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_photo_is_shown_to_its_owner_only_and_removed_with_the_contact(
    owner_client, owner, client, other_user
):
    owner_client.post(
        reverse("network:contact-create"),
        {"full_name": "Photo Person", "linkedin_status": "not_connected", "photo": _png()},
    )
    contact = Contact.objects.get(owner=owner)
    storage, name = contact.photo.storage, contact.photo.name
    assert name.startswith(f"photos/{owner.pk}/")

    photo_url = reverse("network:contact-photo", args=[contact.pk])
    assert photo_url in owner_client.get(contact.get_absolute_url()).content.decode()
    response = owner_client.get(photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")

    intruder = Client()
    intruder.force_login(other_user)
    assert intruder.get(photo_url).status_code == 404

    owner_client.post(reverse("network:contact-delete", args=[contact.pk]))
    assert not storage.exists(name)


def test_replacing_a_photo_removes_the_old_file(owner_client, owner):
    owner_client.post(
        reverse("network:contact-create"),
        {"full_name": "Photo Person", "linkedin_status": "not_connected", "photo": _png()},
    )
    contact = Contact.objects.get(owner=owner)
    old = contact.photo.name
    owner_client.post(
        reverse("network:contact-edit", args=[contact.pk]),
        {"full_name": "Photo Person", "linkedin_status": "not_connected", "photo": _png("new.png")},
    )
    contact.refresh_from_db()
    assert contact.photo.name != old
    assert not contact.photo.storage.exists(old)
    contact.delete()


def test_a_file_that_is_not_an_image_is_refused(owner_client):
    fake = SimpleUploadedFile("face.png", b"<?php echo 1; ?>", content_type="image/png")
    response = owner_client.post(
        reverse("network:contact-create"),
        {"full_name": "Photo Person", "linkedin_status": "not_connected", "photo": fake},
    )
    assert "This file is not a photo Kith can read" in response.content.decode()
    assert not Contact.objects.exists()


def test_a_contact_without_photo_has_no_photo_url(owner_client, owner):
    contact = Contact.objects.create(owner=owner, full_name="No Photo")
    assert owner_client.get(reverse("network:contact-photo", args=[contact.pk])).status_code == 404


def test_settings_save_the_time_zone_and_policy(owner_client, owner):
    response = owner_client.post(
        reverse("network:settings"),
        {
            "timezone": "Europe/Oslo",
            "review_weekday": 4,
            "policy_min_in_person": 1,
            "policy_min_virtual": 5,
            "policy_window_months": 6,
            "policy_min_known_days": 0,
            "policy_min_known_interactions": 5,
            "recall_desired_retention": 0.85,
            "recall_daily_limit": 10,
        },
        follow=True,
    )
    assert "Settings saved." in response.content.decode()
    saved = OwnerSettings.objects.get(owner=owner)
    assert (saved.timezone, saved.review_weekday, saved.policy_min_virtual) == ("Europe/Oslo", 4, 5)
    assert owner_client.session["kith_timezone"] == "Europe/Oslo"


def test_settings_refuse_an_unknown_time_zone_and_an_empty_policy(owner_client, owner):
    response = owner_client.post(
        reverse("network:settings"),
        {
            "timezone": "Mars/Olympus",
            "review_weekday": 9,
            "policy_min_in_person": 0,
            "policy_min_virtual": 0,
            "policy_window_months": 0,
            "recall_desired_retention": 2,
            "recall_daily_limit": 10,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice. Mars/Olympus is not one of the available choices." in page
    assert "Keep at least one rule of your connection policy" in page
    assert OwnerSettings.objects.get(owner=owner).timezone == "UTC"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(document.cookie)", "Enter a LinkedIn profile address"),
        ("https://www.linkedin.com/in/ada\r\nEND:VCARD\r\nBEGIN:VCARD", "line breaks"),
        ("http://[::1", "not a web address Kith can read"),
    ],
    ids=["javascript", "crlf", "broken-ipv6"],
)
def test_the_contact_form_refuses_the_linkedin_addresses_an_import_refuses(
    owner_client, url, message
):
    response = owner_client.post(
        reverse("network:contact-create"),
        {"full_name": "Hostile Person", "linkedin_status": "not_connected", "linkedin_url": url},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Contact.objects.exists()


@pytest.mark.parametrize("stored", ["Mars/Olympus_Mons", "America", "Etc", "../etc/passwd"])
def test_a_stored_time_zone_zoneinfo_cannot_open_reads_as_utc_and_pages_still_load(
    client, owner, stored
):
    """clean() refuses such keys, but one stored by an older version or by hand (a folder such as
    "America" makes zoneinfo raise IsADirectoryError) must not take the owner's pages down."""
    OwnerSettings.for_user(owner)
    OwnerSettings.objects.filter(owner=owner).update(timezone=stored)
    assert OwnerSettings.objects.get(owner=owner).zone == datetime.UTC
    client.force_login(owner)
    session = client.session
    session["kith_timezone"] = stored
    session.save()
    for url in ("/", "/contacts/", "/recall/", "/review/"):
        assert client.get(url).status_code == 200, url
