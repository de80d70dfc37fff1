"""Every change to interactions: a meeting with many people, one quick interaction, an edit,
a delete and its undo, an event's date moving, a whole log undone.

Each change is one transaction that also refreshes the contacts' stored figures
(interactions/stats.py), with a fixed number of queries however many people.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from interactions.forms import NEW_EVENT, EventForm, InteractionForm, LogMeetingForm
from interactions.models import Event, FollowUp, Interaction, MeetingLog
from interactions.signals import interactions_changed_on_commit
from interactions.stats import contacts_refresh_interaction_stats
from network.models import Contact
from network.signals import contacts_created


class AlreadySaved(Exception):
    """The same "Log a meeting" form was submitted twice."""


class PersonTaken(Exception):
    """While this log was being saved, someone else saved one of its new people (same profile).

    The form has been checked again and now says who is already there.
    """


def follow_ups_close(owner, contact_ids: list[int], day: datetime.date) -> int:
    """Logging an interaction with someone settles the follow-ups set on or before that day."""
    return (
        FollowUp.objects.owned_by(owner)
        .open()
        .filter(contact_id__in=contact_ids, created_at__date__lte=day)
        .update(done_at=timezone.now())
    )


def meeting_save(log: LogMeetingForm) -> list[Interaction]:
    """Save a valid LogMeetingForm: the event, new contacts, interactions and follow-ups.

    The MeetingLog row is inserted first: a second submit of the same form blocks on its
    unique constraint until the first commits, then fails and is told AlreadySaved.
    """
    owner = log.owner
    try:
        with transaction.atomic():
            claim = MeetingLog.objects.create(
                owner=owner,
                batch=log.batch,
                created_event=log.meeting.cleaned_data["event"] == NEW_EVENT,
            )
            return _meeting_save(log, claim)
    except IntegrityError as error:
        # Everything of this attempt was rolled back; what the database now holds decides.
        if MeetingLog.objects.owned_by(owner).filter(batch=log.batch).exists():
            raise AlreadySaved from error
        if log.existing_people_found():
            raise PersonTaken from error
        raise


def _meeting_save(log: LogMeetingForm, claim: MeetingLog) -> list[Interaction]:
    owner, meeting = log.owner, log.meeting.cleaned_data
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
            source=Contact.Source.MEETING,
        )
        for row in new_people
    )
    if created:
        transaction.on_commit(lambda: contacts_created.send(sender=Contact, owner=owner))
        MeetingLog.contacts_created.through.objects.bulk_create(
            MeetingLog.contacts_created.through(meetinglog=claim, contact=contact)
            for contact in created
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
    interactions_changed_on_commit(owner, contact_ids)
    return interactions


def meeting_log_exists(owner, batch: uuid.UUID | None) -> bool:
    """Whether this form was saved already (and perhaps undone since)."""
    return batch is not None and MeetingLog.objects.owned_by(owner).filter(batch=batch).exists()


@dataclass
class Undone:
    """What "Undo this log" removed."""

    interactions: int
    follow_ups: int
    contacts: list[str]
    event: str | None

    def message(self) -> str:
        parts = [f"{self.interactions} interaction{pluralize(self.interactions)}"]
        if self.follow_ups:
            parts.append(f"{self.follow_ups} follow-up{pluralize(self.follow_ups)}")
        if self.contacts:
            people = "the new person" if len(self.contacts) == 1 else "the new people"
            parts.append(f"{people} {', '.join(self.contacts)}")
        if self.event:
            parts.append(f"the event {self.event}")
        return f"Undone: removed {'; '.join(parts)}."


def meeting_undo(owner, batch: uuid.UUID) -> Undone | None:
    """Remove what one "Log a meeting" save added, and nothing more.

    Its interactions and their follow-ups go; people and the event it created go too
    unless something else has been logged with them since. Follow-ups the log settled
    stay settled. None when there is nothing (left) to undo.
    """
    with transaction.atomic():
        # The conditional update claims the undo: of two undo clicks, one does the work.
        if not (
            MeetingLog.objects.owned_by(owner)
            .filter(batch=batch, undone_at__isnull=True)
            .update(undone_at=timezone.now())
        ):
            return None
        claim = MeetingLog.objects.owned_by(owner).get(batch=batch)
        interactions = Interaction.objects.owned_by(owner).filter(batch=batch)
        contact_ids = set(interactions.values_list("contact_id", flat=True))
        event_ids = set(interactions.exclude(event=None).values_list("event_id", flat=True))
        follow_ups, _ = FollowUp.objects.owned_by(owner).filter(interaction__batch=batch).delete()
        _, deleted = interactions.delete()
        # "Nothing else": no interaction, follow-up, invitation, tag or photo added since.
        lonely = Contact.objects.owned_by(owner).filter(
            pk__in=claim.contacts_created.values("pk"),
            interactions=None,
            follow_ups=None,
            invitations=None,
            tags=None,
            photo="",
        )
        names = sorted(lonely.values_list("full_name", flat=True))
        lonely.delete()
        event_name = None
        if claim.created_event:
            empty = Event.objects.owned_by(owner).filter(pk__in=event_ids, interactions=None)
            event_name = next(iter(empty.values_list("name", flat=True)), None)
            empty.delete()
        contacts_refresh_interaction_stats(contact_ids)
        interactions_changed_on_commit(owner, contact_ids)
    return Undone(
        interactions=deleted.get(Interaction._meta.label, 0),
        follow_ups=follow_ups,
        contacts=names,
        event=event_name,
    )


def follow_up_done_log(follow_up: FollowUp, **fields) -> Interaction | None:
    """Log how the owner followed up and mark it done; None if it was done already."""
    with transaction.atomic():
        # A conditional update: of two "Done" clicks, only one logs an interaction.
        if not FollowUp.objects.filter(pk=follow_up.pk, done_at__isnull=True).update(
            done_at=timezone.now()
        ):
            return None
        return interaction_log(follow_up.owner, follow_up.contact, **fields)


def interaction_save(form: InteractionForm) -> Interaction:
    """Save an edited interaction and keep its contact's figures right."""
    with transaction.atomic():
        interaction = form.save()
        contacts_refresh_interaction_stats([interaction.contact_id])
        interactions_changed_on_commit(interaction.owner, [interaction.contact_id])
    return interaction


def interaction_delete(interaction: Interaction) -> dict:
    """Delete one interaction; returns what interaction_restore needs to bring it back."""
    snapshot = {
        "pk": interaction.pk,
        "contact": interaction.contact_id,
        "event": interaction.event_id,
        "occurred_on": interaction.occurred_on.isoformat(),
        "kind": interaction.kind,
        "initiated_by": interaction.initiated_by,
        "note": interaction.note,
        "source": interaction.source,
        "external_id": interaction.external_id,
        "batch": str(interaction.batch) if interaction.batch else None,
        "follow_ups": list(interaction.follow_ups.values_list("pk", flat=True)),
    }
    with transaction.atomic():
        interaction.delete()
        contacts_refresh_interaction_stats([snapshot["contact"]])
        interactions_changed_on_commit(interaction.owner, [snapshot["contact"]])
    return snapshot


def interaction_restore(owner, snapshot: dict) -> Interaction | None:
    """Bring back an interaction from interaction_delete's snapshot; None if its contact is gone."""
    contact = Contact.objects.owned_by(owner).filter(pk=snapshot.get("contact")).first()
    if contact is None:
        return None
    event = Event.objects.owned_by(owner).filter(pk=snapshot["event"]).first()
    with transaction.atomic():
        restored, _ = Interaction.objects.owned_by(owner).get_or_create(
            pk=snapshot["pk"],
            defaults=dict(
                owner=owner,
                contact=contact,
                event=event,
                occurred_on=snapshot["occurred_on"],
                kind=snapshot["kind"],
                initiated_by=snapshot["initiated_by"],
                note=snapshot["note"],
                source=snapshot["source"],
                external_id=snapshot["external_id"],
                batch=snapshot.get("batch"),
            ),
        )
        FollowUp.objects.owned_by(owner).filter(pk__in=snapshot.get("follow_ups", [])).update(
            interaction=restored
        )
        contacts_refresh_interaction_stats([contact.pk])
        interactions_changed_on_commit(owner, [contact.pk])
    return restored


def event_save(form: EventForm) -> Event:
    """Save an edited event; the people met there move with its date.

    A later coffee logged against the same event keeps its own date.
    """
    with transaction.atomic():
        event = form.save()
        if "date" in form.changed_data:
            event.interactions.filter(occurred_on=form.initial["date"]).update(
                occurred_on=event.date
            )
            met = Contact.objects.filter(interactions__event=event).distinct()
            contacts_refresh_interaction_stats(met)
            interactions_changed_on_commit(event.owner, met.values_list("pk", flat=True))
    return event


def interaction_log(owner, contact: Contact, **fields) -> Interaction:
    """Log one interaction with one contact, settle their follow-ups, keep their figures right."""
    with transaction.atomic():
        interaction = Interaction.objects.create(owner=owner, contact=contact, **fields)
        follow_ups_close(owner, [contact.pk], interaction.occurred_on)
        contacts_refresh_interaction_stats([contact.pk])
        interactions_changed_on_commit(owner, [contact.pk])
    return interaction
