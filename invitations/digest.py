"""The weekly digest: on the owner's review day, one email with what waits for the review.

Beat's hourly sweep (`owners_due_for_digest`) finds the owners whose local day is their review
day and whose local time has reached DIGEST_HOUR; one task per owner then calls `digest_send`.
Each digest is claimed first by inserting the owner's DigestSent row for the week: the unique
(owner, week) lets exactly one of two simultaneous tasks insert it, and only that one sends.
"""

import datetime
import logging
import zoneinfo
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from interactions.models import FollowUp
from invitations.models import DigestSent, Invitation
from invitations.policy import declined_now_meeting_policy, invitation_verdicts
from invitations.review import review_waiting
from network.models import OwnerSettings

logger = logging.getLogger(__name__)

DIGEST_HOUR = 8
FIRST_FEW = 5
# A claim whose sender died before recording the send (a killed worker) is given to the next
# run after this long; a send gives up on the mail server long before (EMAIL_TIMEOUT).
STALE_CLAIM = datetime.timedelta(minutes=15)


class Outcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already sent this week"
    NO_EMAIL = "no email address"


@dataclass(frozen=True)
class Digest:
    owner: object
    week: datetime.date
    subject: str
    text: str
    html: str

    def message(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            self.subject, self.text, settings.DEFAULT_FROM_EMAIL, [self.owner.email]
        )
        message.attach_alternative(self.html, "text/html")
        return message


def _owner_settings(owner) -> OwnerSettings:
    # Not saved: an owner who never opened Settings has the defaults.
    return OwnerSettings.objects.filter(owner=owner).first() or OwnerSettings(owner=owner)


def _local_now(owner_settings: OwnerSettings, now: datetime.datetime) -> datetime.datetime:
    return now.astimezone(owner_settings.zone)


def review_week(review_weekday: int, local_today: datetime.date) -> datetime.date:
    """The Monday of the week of the latest review day on or before local_today.

    On the review day that is the Monday of the owner's local week; a task that runs late
    (after local midnight) still counts for the review day it was queued on."""
    review_day = local_today - datetime.timedelta(days=(local_today.weekday() - review_weekday) % 7)
    return review_day - datetime.timedelta(days=review_day.weekday())


def owners_due_for_digest(now: datetime.datetime | None = None) -> QuerySet:
    """Active owners whose local day is their review day, from DIGEST_HOUR their time, who
    have no digest for this week yet. Two queries however many owners: their time zones,
    then the owners."""
    now = now or timezone.now()
    defaults = OwnerSettings()
    zones = set(OwnerSettings.objects.values_list("timezone", flat=True).distinct())
    due = Q(pk__in=[])
    for zone in zones | {defaults.timezone}:
        try:
            local = now.astimezone(zoneinfo.ZoneInfo(zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            logger.warning("Weekly digest: skipping owners with the unknown time zone %r", zone)
            continue
        if local.hour < DIGEST_HOUR:
            continue
        week = local.date() - datetime.timedelta(days=local.weekday())
        in_zone = Q(kith_settings__timezone=zone, kith_settings__review_weekday=local.weekday())
        if zone == defaults.timezone and local.weekday() == defaults.review_weekday:
            in_zone |= Q(kith_settings__isnull=True)
        due |= in_zone & ~Exists(DigestSent.objects.filter(owner=OuterRef("pk"), week=week))
    return get_user_model().objects.filter(due, is_active=True).order_by("pk")


def digest_build(owner, *, now: datetime.datetime | None = None) -> Digest:
    """The digest as of now in the owner's time zone: both parts rendered."""
    owner_settings = _owner_settings(owner)
    today = _local_now(owner_settings, now or timezone.now()).date()
    pending = list(
        Invitation.objects.owned_by(owner).pending_incoming(today).select_related("contact")
    )
    verdicts = invitation_verdicts(owner, pending, settings=owner_settings, today=today)
    # The order the review walks them in: verdict, then the longest waiting first.
    pending.sort(key=lambda invitation: (verdicts[invitation.pk].rank, invitation.sent_at))
    levels = [verdicts[invitation.pk].level for invitation in pending]
    follow_ups_due = FollowUp.objects.owned_by(owner).due(today).select_related("contact")
    follow_ups_count = follow_ups_due.count()
    context = {
        "owner": owner,
        "today": today,
        "pending_count": len(pending),
        "meets_count": levels.count("meets"),
        "almost_count": levels.count("almost"),
        "does_not_count": levels.count("does_not"),
        "first_pending": [
            (invitation, verdicts[invitation.pk]) for invitation in pending[:FIRST_FEW]
        ],
        "pending_more": max(len(pending) - FIRST_FEW, 0),
        "follow_ups_count": follow_ups_count,
        "follow_ups": list(follow_ups_due[:FIRST_FEW]),
        "follow_ups_more": max(follow_ups_count - FIRST_FEW, 0),
        "declined_now_meeting": declined_now_meeting_policy(
            owner, settings=owner_settings, today=today, limit=FIRST_FEW
        ),
        # The review's other parts (weak ties), told by the apps that add them.
        "also_waiting": review_waiting(owner, today),
        "review_url": settings.KITH_BASE_URL + reverse("invitations:review"),
        "settings_url": settings.KITH_BASE_URL + reverse("network:settings"),
    }
    if len(pending) == 1:
        subject = "Your weekly review: 1 invitation waits"
    elif pending:
        subject = f"Your weekly review: {len(pending)} invitations wait"
    else:
        subject = "Your weekly review: no invitations wait"
    return Digest(
        owner=owner,
        week=review_week(owner_settings.review_weekday, today),
        subject=subject,
        text=render_to_string("invitations/email/digest.txt", context),
        html=render_to_string("invitations/email/digest.html", context),
    )


def _claim(owner, week: datetime.date, now: datetime.datetime) -> DigestSent | None:
    """This week's claim if this call got it, None if another run has it or sent it."""
    try:
        # The savepoint keeps a caller's transaction usable after the duplicate insert fails.
        with transaction.atomic():
            return DigestSent.objects.create(owner=owner, week=week)
    except IntegrityError:
        pass
    # A claim never marked sent and older than any send can take was left by a dead worker:
    # the conditional update lets one run take it over.
    taken = DigestSent.objects.filter(
        owner=owner, week=week, sent_at__isnull=True, created_at__lt=now - STALE_CLAIM
    ).update(created_at=now)
    return DigestSent.objects.get(owner=owner, week=week) if taken else None


def digest_send(owner, *, now: datetime.datetime | None = None) -> Outcome:
    """Send the owner this week's digest unless it was sent already. A send that fails
    releases its claim and raises, so the next run sends it."""
    now = now or timezone.now()
    if not owner.email:
        return Outcome.NO_EMAIL
    claim = _claim(owner, _week(owner, now), now)
    if claim is None:
        return Outcome.ALREADY_SENT
    try:
        digest_build(owner, now=now).message().send()
    except BaseException:
        claim.delete()
        raise
    DigestSent.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
    return Outcome.SENT


def _week(owner, now: datetime.datetime) -> datetime.date:
    owner_settings = _owner_settings(owner)
    return review_week(owner_settings.review_weekday, _local_now(owner_settings, now).date())


def digest_already_sent(owner, *, now: datetime.datetime | None = None) -> bool:
    """Whether this week's digest is claimed (for the dry run, which claims nothing)."""
    return DigestSent.objects.filter(owner=owner, week=_week(owner, now or timezone.now())).exists()
