"""Two submits of one "Log a meeting" form at the same moment (a double tap) log once.

Each round posts the same form from two threads, each with its own database connection,
released together by a barrier: the database's unique constraint on the claimed batch decides.
"""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interactions.models import Event, Interaction
from network.models import Contact
from tests.factories import UserFactory

ROUNDS = 12


def _form(batch: uuid.UUID, name: str) -> dict:
    return {
        "event": "new",
        "name": "Nordic Innovation Summit",
        "date": timezone.localdate().isoformat(),
        "place": "Oslo",
        "batch": str(batch),
        "row": ["0000000a"],
        "row-0000000a-full_name": name,
        # As the row is posted once it was added: its name checked against the network.
        "row-0000000a-checked": name,
        "row-0000000a-kind": "in_person",
        "save": "1",
    }


def _double_tap(user, data: dict, other: dict | None = None) -> list:
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(2)
    responses = [None, None]

    def submit(index: int) -> None:
        try:
            barrier.wait()
            posted = other if index and other else data
            responses[index] = clients[index].post(reverse("interactions:log-meeting"), posted)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=submit, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_creates_the_new_person_once_and_both_land_on_one_confirmation():
    owner = UserFactory(username="owner")
    for round_ in range(ROUNDS):
        batch = uuid.uuid4()
        name = f"Lena Fjeld {round_}"
        first, second = _double_tap(owner, _form(batch, name))

        assert (first.status_code, second.status_code) == (302, 302)
        assert first["Location"] == second["Location"]
        assert str(batch) in first["Location"]
        assert Contact.objects.filter(owner=owner, full_name=name).count() == 1
        assert Interaction.objects.filter(owner=owner, batch=batch).count() == 1
    assert Event.objects.filter(owner=owner).count() == ROUNDS


@pytest.mark.django_db(transaction=True)
def test_two_logs_adding_one_linkedin_profile_at_once_add_one_person_and_explain_the_other():
    owner = UserFactory(username="owner")
    for round_ in range(ROUNDS):
        url = f"https://www.linkedin.com/in/lena-fjeld-{round_}"
        forms = [_form(uuid.uuid4(), f"Lena Fjeld {round_}") for _ in range(2)]
        for form in forms:
            form["row-0000000a-linkedin_url"] = url
        responses = _double_tap(owner, *forms)

        assert sorted(response.status_code for response in responses) == [200, 302]
        refused = next(response for response in responses if response.status_code == 200)
        assert "is already in your network with this email or profile" in refused.content.decode()
        assert Contact.objects.filter(owner=owner, linkedin_url=url).count() == 1
        assert Interaction.objects.filter(owner=owner, contact__linkedin_url=url).count() == 1
