"""Saving what the owner logged: a meeting with many people, or one quick interaction.

Each save is one transaction with a fixed number of queries, however many people.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from interactions.forms import NEW_EVENT, LogMeetingForm
from interactions.models import Event, FollowUp, Interaction
from interactions.stats import contacts_refresh_interaction_stats
from network.models import Contact


class AlreadySaved(Exception):
    """The same "Log a meeting" form was submitted twice."""


def follow_ups_close(owner, contact_ids: list[int], day: datetime.date) -> int:
    """Logging an interaction with someone settles the follow-ups set on or before that day."""
    return (
        FollowUp.objects.owned_by(owner)
        .open()
        .filter(contact_id__in=contact_ids, created_at__date__lte=day)
        .update(done_at=timezone.now())
    )


def meeting_save(log: LogMeetingForm) -> list[Interaction]:
    """Save a valid LogMeetingForm: the event, new contacts, interactions and follow-ups."""
    owner, meeting = log.owner, log.meeting.cleaned_data
    if Interaction.objects.owned_by(owner).filter(batch=log.batch).exists():
        raise AlreadySaved
    try:
        with transaction.atomic():
            return _meeting_save(log, owner, meeting)
    except IntegrityError as error:
        # Two submits raced each other; the unique (owner, batch, contact) stopped the second.
        if Interaction.objects.owned_by(owner).filter(batch=log.batch).exists():
            raise AlreadySaved from error
        raise


def _meeting_save(log: LogMeetingForm, owner, meeting: dict) -> list[Interaction]:
    event = log.meeting.chosen_event
    if meeting["event"] == NEW_EVENT:
        event = Event.objects.create(
            owner=owner, name=meeting["name"], date=meeting["date"], place=meeting["place"].strip()
        )
    day = log.meeting.day

    new_people = [row for row in log.rows if row.cleaned_data["contact"] is None]
    created = Contact.objects.bulk_create(
        Contact(
            owner=owner,
            full_name=row.cleaned_data["full_name"],
            company=row.cleaned_data["company"].strip(),
            title=row.cleaned_data["title"].strip(),
            stands_for=row.cleaned_data["stands_for"].strip(),
            email=row.cleaned_data["email"],
            linkedin_url=row.cleaned_data["linkedin_url"],
            how_we_met=f"Met at {event.name}" if event else "",
        )
        for row in new_people
    )
    contact_for = {row.token: contact for row, contact in zip(new_people, created, strict=True)}
    for row in log.rows:
        if row.cleaned_data["contact"] is not None:
            contact_for[row.token] = log.known[row.cleaned_data["contact"]]

    interactions = Interaction.objects.bulk_create(
        Interaction(
            owner=owner,
            contact=contact_for[row.token],
            event=event,
            occurred_on=day,
            kind=row.cleaned_data["kind"],
            note=row.cleaned_data["note"].strip(),
            batch=log.batch,
        )
        for row in log.rows
    )
    contact_ids = [contact.pk for contact in contact_for.values()]
    follow_ups_close(owner, contact_ids, day)
    FollowUp.objects.bulk_create(
        FollowUp(
            owner=owner,
            contact=interaction.contact,
            interaction=interaction,
            due_on=row.follow_up_date,
            note=row.cleaned_data["note"].strip()[:300],
        )
        for row, interaction in zip(log.rows, interactions, strict=True)
        if row.follow_up_date
    )
    contacts_refresh_interaction_stats(contact_ids)
    return interactions


def interaction_log(owner, contact: Contact, **fields) -> Interaction:
    """Log one interaction with one contact, settle their follow-ups, keep their figures right."""
    with transaction.atomic():
        interaction = Interaction.objects.create(owner=owner, contact=contact, **fields)
        follow_ups_close(owner, [contact.pk], interaction.occurred_on)
        contacts_refresh_interaction_stats([contact.pk])
    return interaction
