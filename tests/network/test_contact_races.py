"""Two people submitting one LinkedIn profile at the same moment (a double tap, two tabs): the
database's unique constraint decides, and the second gets the same refusal as any clash.

Two threads are two connections: on PostgreSQL the second INSERT waits for the first to commit,
on SQLite (a file per test process) for its write lock; either way the constraint answers."""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from network.forms import ContactForm
from network.models import Contact
from tests.factories import UserFactory

URL = "https://www.linkedin.com/in/nora-solberg"


def _data(name: str) -> dict:
    return {"full_name": name, "linkedin_url": URL, "linkedin_status": "connected"}


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_adds_of_one_profile_make_one_person_and_one_clear_refusal():
    owner = UserFactory(username="racer")
    forms = [ContactForm(_data(name), owner=owner) for name in ("Nora Solberg", "Nora S.")]
    # Both pass their checks before either saves: the race the constraint must decide.
    assert all(form.is_valid() for form in forms)
    barrier, results = threading.Barrier(2), {}

    def save(index: int) -> None:
        try:
            barrier.wait()
            results[index] = forms[index].save_unless_taken()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Contact.objects.filter(owner=owner).count() == 1
    saved = Contact.objects.get(owner=owner)
    loser = forms[0] if results[0] is None else forms[1]
    assert sorted(result is None for result in results.values()) == [False, True]
    assert loser.errors["linkedin_url"] == [f"{saved.full_name} already has this LinkedIn profile."]
    assert [similar.contact.pk for similar in loser.clashes] == [saved.pk]


@pytest.mark.django_db(transaction=True)
def test_a_profile_saved_between_the_check_and_the_save_is_refused_not_a_server_error():
    owner = UserFactory(username="late")
    form = ContactForm(_data("Nora S."), owner=owner)
    assert form.is_valid()
    Contact.objects.create(owner=owner, full_name="Nora Solberg", linkedin_url=URL)

    assert form.save_unless_taken() is None
    assert form.errors["linkedin_url"] == ["Nora Solberg already has this LinkedIn profile."]
    assert Contact.objects.filter(owner=owner).count() == 1
    client = Client()
    client.force_login(owner)
    page = client.post(reverse("network:contact-create"), _data("Nora S.")).content.decode()
    assert "Nora Solberg already has this LinkedIn profile." in page
