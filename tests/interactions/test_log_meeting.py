import datetime
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interactions.models import Event, FollowUp, Interaction
from network.models import Contact
from tests.factories import ContactFactory, EventFactory, FollowUpFactory

LOG_URL = reverse("interactions:log-meeting")


def _post(
    client,
    *,
    event="new",
    name="Nordic Innovation Summit",
    date=None,
    place="Oslo",
    rows=(),
    batch=None,
    **extra,
):
    """POST the log form; rows are dicts of AttendeeForm fields, each given a token."""
    data = {
        "event": event,
        "name": name,
        "date": str(date or timezone.localdate()),
        "place": place,
        "batch": str(batch or uuid.uuid4()),
        "row": [],
        **extra,
    }
    for index, row in enumerate(rows):
        token = f"{index:08x}"
        data["row"].append(token)
        data.update(
            {f"row-{token}-{key}": value for key, value in {"kind": "in_person", **row}.items()}
        )
    return client.post(LOG_URL, data)


def test_one_save_logs_everyone_met_at_a_new_event(owner_client, owner):
    ingrid = ContactFactory(owner=owner, full_name="Ingrid Solberg")
    lars = ContactFactory(owner=owner, full_name="Lars Holm")
    response = _post(
        owner_client,
        rows=[
            {"contact": ingrid.pk, "note": "Grid storage", "follow_up": "7"},
            {"contact": lars.pk, "kind": "call"},
            {
                "full_name": "  Mette   Kruse ",
                "stands_for": "Cities should own their grids",
                "company": "Oslo kommune",
            },
        ],
    )
    event = Event.objects.get(owner=owner)
    mette = Contact.objects.get(owner=owner, full_name="Mette Kruse")
    assert (event.name, event.place, event.date) == (
        "Nordic Innovation Summit",
        "Oslo",
        timezone.localdate(),
    )
    assert mette.stands_for == "Cities should own their grids"
    assert mette.how_we_met == "Met at Nordic Innovation Summit"
    assert sorted(
        Interaction.objects.filter(event=event).values_list("contact__full_name", "kind")
    ) == [
        ("Ingrid Solberg", "in_person"),
        ("Lars Holm", "call"),
        ("Mette Kruse", "in_person"),
    ]
    follow_up = FollowUp.objects.get()
    assert (follow_up.contact, follow_up.due_on) == (
        ingrid,
        timezone.localdate() + datetime.timedelta(days=7),
    )

    confirmation = owner_client.get(response["Location"]).content.decode()
    assert "Logged 3 people" in confirmation
    for contact in (ingrid, lars, mette):
        assert contact.get_absolute_url() in confirmation


def test_last_interaction_and_counts_follow_every_save(owner_client, owner):
    contact = ContactFactory(owner=owner)
    _post(
        owner_client,
        event="none",
        date=timezone.localdate() - datetime.timedelta(days=2),
        rows=[{"contact": contact.pk}],
    )
    contact.refresh_from_db()
    assert (
        contact.last_interaction_on,
        contact.in_person_count,
        contact.other_interaction_count,
    ) == (
        timezone.localdate() - datetime.timedelta(days=2),
        1,
        0,
    )


def test_no_event_logs_interactions_on_the_chosen_date(owner_client, owner):
    contact = ContactFactory(owner=owner)
    day = timezone.localdate() - datetime.timedelta(days=3)
    _post(
        owner_client,
        event="none",
        name="",
        date=day,
        rows=[{"contact": contact.pk, "kind": "video"}],
    )
    interaction = Interaction.objects.get()
    assert (interaction.event, interaction.occurred_on, interaction.kind) == (None, day, "video")
    assert not Event.objects.exists()


def test_adding_someone_forgotten_to_an_existing_event_uses_its_date(owner_client, owner):
    event = EventFactory(owner=owner, date=timezone.localdate() - datetime.timedelta(days=10))
    contact = ContactFactory(owner=owner)
    page = owner_client.get(LOG_URL, {"event": event.pk}).content.decode()
    assert f'<option value="{event.pk}" selected>' in page

    _post(owner_client, event=str(event.pk), rows=[{"contact": contact.pk}])
    assert Interaction.objects.get().occurred_on == event.date
    assert Event.objects.count() == 1


def test_a_follow_up_on_a_chosen_date(owner_client, owner):
    contact = ContactFactory(owner=owner)
    day = timezone.localdate() + datetime.timedelta(days=3)
    _post(
        owner_client,
        rows=[{"contact": contact.pk, "follow_up": "date", "follow_up_on": day.isoformat()}],
    )
    assert FollowUp.objects.get().due_on == day


def _errors_and_nothing_saved(response, *messages):
    page = response.content.decode()
    assert response.status_code == 200
    for message in messages:
        assert message in page, message
    assert not Interaction.objects.exists()
    assert not Event.objects.exists()
    assert Contact.objects.filter(full_name="Half Saved").count() == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"date": timezone.localdate() + datetime.timedelta(days=1)}, "This date is in the future"),
        ({"name": "   "}, "Name the event, or choose “No event”."),
        ({"event": "999999"}, "Select a valid choice."),
        ({"date": "31/02/2026"}, "Enter a valid date."),
    ],
)
def test_bad_event_details_are_explained_and_nothing_is_saved(owner_client, owner, kwargs, message):
    response = _post(owner_client, rows=[{"full_name": "Half Saved"}], **kwargs)
    _errors_and_nothing_saved(response, message)


def test_an_empty_list_of_people_is_refused(owner_client):
    _errors_and_nothing_saved(_post(owner_client, rows=[]), "Add at least one person you met.")


def test_a_name_that_is_only_spaces_is_refused(owner_client):
    response = _post(
        owner_client, rows=[{"full_name": "Half Saved"}, {"full_name": "   ", "stands_for": "x"}]
    )
    _errors_and_nothing_saved(response, "Enter the new person&#x27;s name.")


def test_the_same_person_twice_is_refused(owner_client, owner):
    contact = ContactFactory(owner=owner)
    response = _post(
        owner_client,
        rows=[{"full_name": "Half Saved"}, {"contact": contact.pk}, {"contact": contact.pk}],
    )
    _errors_and_nothing_saved(response, "This person is already in the list above.")


def test_a_follow_up_date_in_the_past_or_missing_is_refused(owner_client, owner):
    contact = ContactFactory(owner=owner)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = _post(
        owner_client,
        rows=[
            {"full_name": "Half Saved", "follow_up": "date"},
            {"contact": contact.pk, "follow_up": "date", "follow_up_on": yesterday},
        ],
    )
    _errors_and_nothing_saved(
        response, "Pick the day to follow up.", "Choose a follow-up date from today on."
    )


def test_a_known_email_or_profile_is_offered_for_reuse_instead_of_a_duplicate(owner_client, owner):
    known = ContactFactory(
        owner=owner,
        full_name="Ana Lima",
        email="ana@example.org",
        linkedin_url="https://www.linkedin.com/in/ana",
    )
    response = _post(
        owner_client,
        rows=[
            {"full_name": "Half Saved"},
            {"full_name": "Ana L.", "email": "ANA@example.org"},
            {"full_name": "Ana Again", "linkedin_url": "linkedin.com/in/Ana/"},
        ],
    )
    _errors_and_nothing_saved(
        response, "Ana Lima is already in your network with this email or profile."
    )
    assert (
        f'value="00000001:{known.pk}"' in response.content.decode()
    )  # the "Use Ana Lima instead" button
    assert Contact.objects.filter(owner=owner).count() == 1


def test_a_double_submit_logs_once(owner_client, owner):
    contact = ContactFactory(owner=owner)
    batch = uuid.uuid4()
    first = _post(owner_client, batch=batch, rows=[{"contact": contact.pk}])
    second = _post(owner_client, batch=batch, rows=[{"contact": contact.pk}])
    assert first["Location"] == second["Location"]
    assert Interaction.objects.count() == 1
    assert Event.objects.count() == 1
    assert "This meeting was already saved" in owner_client.get(second["Location"]).content.decode()


def test_a_second_submit_of_a_new_person_lands_on_the_first_confirmation(owner_client, owner):
    batch = uuid.uuid4()
    row = {"full_name": "Lena Fjeld", "email": "lena@example.org"}
    first = _post(owner_client, batch=batch, rows=[row])
    second = _post(owner_client, batch=batch, rows=[row])
    assert second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Contact.objects.filter(owner=owner, full_name="Lena Fjeld").count() == 1
    assert Interaction.objects.count() == 1


def test_another_users_contacts_cannot_be_attached_or_suggested(owner_client, other_user):
    theirs = ContactFactory(owner=other_user, full_name="Private Person")
    response = _post(owner_client, rows=[{"contact": theirs.pk}])
    _errors_and_nothing_saved(response, "This person is not in your network.")

    suggestions = owner_client.get(reverse("interactions:attendee-suggestions"), {"q": "private"})
    assert "Private Person" not in suggestions.content.decode()
    assert (
        owner_client.get(reverse("interactions:attendee-row"), {"contact": theirs.pk}).status_code
        == 404
    )
    assert (
        owner_client.post(LOG_URL, {"add_contact": theirs.pk})
        .content.decode()
        .count("Private Person")
        == 0
    )


def test_another_users_event_cannot_be_chosen(owner_client, owner, other_user):
    theirs = EventFactory(owner=other_user)
    contact = ContactFactory(owner=owner)
    assert (
        f'<option value="{theirs.pk}"'
        not in owner_client.get(LOG_URL, {"event": theirs.pk}).content.decode()
    )
    response = _post(owner_client, event=str(theirs.pk), rows=[{"contact": contact.pk}])
    assert "Select a valid choice." in response.content.decode()
    assert not Interaction.objects.exists()


def test_suggestions_match_as_you_type_and_offer_a_new_person(owner_client, owner):
    ContactFactory(owner=owner, full_name="Ingrid Solberg", stands_for="Grid storage first")
    ContactFactory(owner=owner, full_name="Archived Ingrid", is_archived=True)
    page = owner_client.get(
        reverse("interactions:attendee-suggestions"), {"q": "ingr"}
    ).content.decode()
    assert "Ingrid Solberg" in page
    assert "Grid storage first" in page
    assert "Archived Ingrid" not in page
    assert "Add “ingr” as a new person" in page


def test_the_page_works_without_javascript(owner_client, owner):
    """Find, add, remove and save with plain form posts."""
    contact = ContactFactory(owner=owner, full_name="Ingrid Solberg")
    batch = str(uuid.uuid4())
    base = {"event": "none", "date": timezone.localdate().isoformat(), "batch": batch}

    found = owner_client.post(LOG_URL, {**base, "q": "ingrid", "search": "1"}).content.decode()
    assert f'name="add_contact" value="{contact.pk}"' in found

    added = owner_client.post(LOG_URL, {**base, "add_contact": str(contact.pk)})
    row = added.context["log"].rows[0]
    assert row.existing == contact
    added_new = owner_client.post(
        LOG_URL,
        {
            **base,
            "row": [row.token],
            f"row-{row.token}-contact": contact.pk,
            "add_new": "Mette Kruse",
        },
    )
    tokens = [r.token for r in added_new.context["log"].rows]
    assert len(tokens) == 2

    data = {
        **base,
        "row": tokens,
        f"row-{tokens[0]}-contact": contact.pk,
        f"row-{tokens[0]}-kind": "call",
    }
    data.update({f"row-{tokens[1]}-full_name": "Mette Kruse", f"row-{tokens[1]}-kind": "in_person"})
    removed = owner_client.post(LOG_URL, {**data, "remove": tokens[1]})
    assert [r.token for r in removed.context["log"].rows] == [tokens[0]]

    saved = owner_client.post(LOG_URL, {**data, "row": [tokens[0]], "save": "1"})
    assert saved.status_code == 302
    assert sorted(Interaction.objects.values_list("contact__full_name", "kind")) == [
        ("Ingrid Solberg", "call"),
    ]


def test_saving_thirty_people_costs_the_same_as_saving_three(
    owner_client, owner, django_assert_num_queries
):
    def save(count):
        known = ContactFactory.create_batch(count, owner=owner)
        # Each new row was checked against the network when it was added (attendee-row).
        rows = [{"contact": c.pk, "follow_up": "7"} for c in known] + [
            {"full_name": f"New {n}", "checked": f"New {n}"} for n in range(count)
        ]
        FollowUpFactory(owner=owner, contact=known[0])
        with django_assert_num_queries(QUERIES_TO_SAVE):
            assert _post(owner_client, rows=rows).status_code == 302

    save(3)
    save(30)


# 1 session, 2 user, 3 recent events for the choice, 4 the contacts posted, savepoint 5 and
# release 14, 6 claim the batch, 7 the event, 8 the new contacts, 9 which contacts this log
# created (for its undo), 10 the interactions, 11 settle older follow-ups, 12 the new
# follow-ups, 13 the figures on Contact.
QUERIES_TO_SAVE = 14


def test_snooze_and_done_settle_follow_ups(owner_client, owner):
    follow_up = FollowUpFactory(owner=owner, due_on=timezone.localdate())
    owner_client.post(reverse("interactions:follow-up-snooze", args=[follow_up.pk]), {"days": "7"})
    follow_up.refresh_from_db()
    assert follow_up.due_on == timezone.localdate() + datetime.timedelta(days=7)

    response = owner_client.post(
        reverse("interactions:follow-up-done", args=[follow_up.pk]),
        {"kind": "message", "occurred_on": timezone.localdate().isoformat()},
        follow=True,
    )
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None
    assert Interaction.objects.get(contact=follow_up.contact).kind == "message"
    assert f"Followed up with {follow_up.contact.full_name}." in response.content.decode()


def test_follow_ups_due_show_on_the_dashboard_until_done(owner_client, owner):
    due = FollowUpFactory(
        owner=owner, due_on=timezone.localdate() - datetime.timedelta(days=2), note="Send the deck"
    )
    FollowUpFactory(
        owner=owner,
        due_on=timezone.localdate() + datetime.timedelta(days=5),
        contact__full_name="Later Person",
    )
    page = owner_client.get(reverse("insights:dashboard")).content.decode()
    assert due.contact.full_name in page
    assert "Send the deck" in page
    assert "Later Person" not in page

    owner_client.post(
        reverse("interactions:follow-up-done", args=[due.pk]),
        {"kind": "call", "occurred_on": timezone.localdate().isoformat()},
    )
    assert list(owner_client.get(reverse("insights:dashboard")).context["follow_ups"]) == []


def test_a_bad_snooze_is_explained(owner_client, owner):
    follow_up = FollowUpFactory(owner=owner)
    response = owner_client.post(
        reverse("interactions:follow-up-snooze", args=[follow_up.pk]), {"days": "-5"}, follow=True
    )
    assert "Snooze for a day, a week or a month." in response.content.decode()


def test_another_user_cannot_settle_my_follow_ups(owner, other_user):
    follow_up = FollowUpFactory(owner=owner)
    intruder = Client()
    intruder.force_login(other_user)
    assert (
        intruder.post(
            reverse("interactions:follow-up-done", args=[follow_up.pk]), {"kind": "call"}
        ).status_code
        == 404
    )
    follow_up.refresh_from_db()
    assert follow_up.done_at is None


def test_a_chosen_delay_wins_over_a_leftover_date(owner_client, owner):
    contact = ContactFactory(owner=owner)
    leftover = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    _post(owner_client, rows=[{"contact": contact.pk, "follow_up": "14", "follow_up_on": leftover}])
    assert FollowUp.objects.get().due_on == timezone.localdate() + datetime.timedelta(days=14)
