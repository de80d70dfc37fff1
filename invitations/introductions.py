"""Introduction requests: someone in the network asks the owner to introduce them to someone else.

Kith shows how well the owner knows each side (in words, with the policy verdict as if each had
invited the owner), drafts the text of each decision for the owner to copy, and records the
decision so that it can be undone.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.timesince import timesince

from invitations.models import IntroductionRequest
from invitations.policy import Verdict, contact_verdicts
from network.models import Contact

SUGGESTIONS_LIMIT = 8

# What a decision may follow: asking the target first leaves the introduction or a decline to come.
DECISIONS = {
    IntroductionRequest.Status.INTRODUCED: [
        IntroductionRequest.Status.OPEN,
        IntroductionRequest.Status.ASKED_TARGET,
    ],
    IntroductionRequest.Status.ASKED_TARGET: [IntroductionRequest.Status.OPEN],
    IntroductionRequest.Status.DECLINED: [
        IntroductionRequest.Status.OPEN,
        IntroductionRequest.Status.ASKED_TARGET,
    ],
}


@dataclass(frozen=True)
class Side:
    """One person of a request and what the owner knows of them."""

    role: str  # "Asks" | "Would meet"
    contact: Contact
    facts: list[str]
    verdict: Verdict | None


def people_matching(owner, text: str) -> list[Contact]:
    """The owner's active contacts matching text, as the contact search finds them; a few only."""
    if not text.strip():
        return []
    return list(Contact.objects.owned_by(owner).active().search(text)[:SUGGESTIONS_LIMIT])


def first_name(contact: Contact) -> str:
    return contact.full_name.split()[0] if contact.full_name.split() else contact.full_name


def contact_facts(contact: Contact, *, today: datetime.date | None = None) -> list[str]:
    """How well the owner knows contact, in plain sentences."""
    today = today or timezone.localdate()
    facts = []
    if contact.last_interaction_on:
        when = contact.last_interaction_on
        ago = "today" if when >= today else f"{timesince(when, today).split(',')[0]} ago"
        facts.append(f"Last interaction on {when:%-d %b %Y} ({ago})")
    else:
        facts.append(f"No interaction logged with {contact.full_name}")
    if contact.in_person_count == 0:
        facts.append("Never met in person")
    elif contact.in_person_count == 1:
        facts.append("Met in person once")
    else:
        facts.append(f"Met in person {contact.in_person_count} times")
    if contact.stands_for:
        facts.append(f"Stands for: {contact.stands_for}")
    else:
        facts.append(f"You have not noted what {first_name(contact)} stands for")
    return facts


def introduction_sides(
    owner, introduction: IntroductionRequest, *, today: datetime.date | None = None
) -> list[Side]:
    """Both people of the request with their evidence; the verdicts in one policy computation."""
    requester, target = introduction.requester, introduction.target
    verdicts = contact_verdicts(owner, [requester.pk, target.pk], today=today)
    return [
        Side("Asks", requester, contact_facts(requester, today=today), verdicts.get(requester.pk)),
        Side("Would meet", target, contact_facts(target, today=today), verdicts.get(target.pk)),
    ]


def _about(contact: Contact) -> str:
    role = " at ".join(part for part in (contact.title, contact.company) if part)
    return f"{contact.full_name} ({role})" if role else contact.full_name


def _because(reason: str) -> str:
    reason = " ".join(reason.split()).rstrip(".")
    return f" {reason[0].upper()}{reason[1:]}." if reason else ""


def draft_introduction(introduction: IntroductionRequest) -> str:
    """A message to both people, written so that either can still say no kindly."""
    requester, target = introduction.requester, introduction.target
    return (
        f"Hi {first_name(requester)}, hi {first_name(target)},\n\n"
        f"I'd like to introduce you to each other. {first_name(target)}, meet "
        f"{_about(requester)}, who asked me for this introduction.{_because(introduction.reason)}"
        f"\n{first_name(requester)}, meet {_about(target)}.\n\n"
        "I have asked you both before writing this. If you'd like to talk, reply to each other "
        "directly; if the timing is not right, a short note is all it takes, no explanation "
        "needed.\n\nBest wishes"
    )


def draft_ask_target(introduction: IntroductionRequest) -> str:
    """A message to the target asking whether they want the introduction at all."""
    requester, target = introduction.requester, introduction.target
    return (
        f"Hi {first_name(target)},\n\n"
        f"{_about(requester)} asked me to introduce you.{_because(introduction.reason)}\n\n"
        "Would you like me to make the introduction? Saying no is perfectly fine: I will "
        f"simply let {first_name(requester)} know it is not possible right now.\n\nBest wishes"
    )


def draft_decline(introduction: IntroductionRequest, target_verdict: Verdict | None) -> str:
    """A kind no to the requester; honest about why when the owner hardly knows the target."""
    requester, target = introduction.requester, introduction.target
    if target_verdict is None or target_verdict.level == "does_not":
        why = (
            f"I don't know {first_name(target)} well enough to make a good introduction, and "
            "I would not want to vouch for something I cannot stand behind."
        )
    else:
        why = "I am not able to make this introduction right now."
    return (
        f"Hi {first_name(requester)},\n\n"
        f"Thank you for asking me to introduce you to {target.full_name}. {why} "
        "I hope you find another way to connect, and I'm glad you asked me.\n\nBest wishes"
    )


def introduction_decide(introduction: IntroductionRequest, status: str) -> bool:
    """Records a decision if the request is still where that decision may follow; False when
    another tab decided first."""
    now = timezone.now()
    changed = IntroductionRequest.objects.filter(
        pk=introduction.pk, status__in=DECISIONS[status]
    ).update(status=status, decided_at=now)
    if changed:
        introduction.status, introduction.decided_at = status, now
    return bool(changed)


def introduction_undo(introduction: IntroductionRequest) -> bool:
    """Back to open, waiting for a decision; False if it was open already."""
    changed = (
        IntroductionRequest.objects.filter(pk=introduction.pk)
        .exclude(status=IntroductionRequest.Status.OPEN)
        .update(status=IntroductionRequest.Status.OPEN, decided_at=None)
    )
    if changed:
        introduction.status, introduction.decided_at = IntroductionRequest.Status.OPEN, None
    return bool(changed)


def introductions_for_list(owner):
    """The owner's requests, the ones waiting first (open, then asked), newest first within."""
    waiting = [IntroductionRequest.Status.OPEN, IntroductionRequest.Status.ASKED_TARGET]
    return (
        IntroductionRequest.objects.owned_by(owner)
        .select_related("requester", "target")
        .alias(decided=Case(When(status__in=waiting, then=Value(0)), default=Value(1)))
        .order_by("decided", "-created_at", "-pk")
    )


class IntroductionRequestForm(forms.ModelForm):
    """Who asks, whom they would meet, and why; both people among the owner's own contacts."""

    class Meta:
        model = IntroductionRequest
        fields = ["requester", "target", "reason"]
        labels = {"requester": "Who asks", "target": "Whom they would meet"}
        error_messages = {
            "requester": {
                "required": "Choose who asks for the introduction.",
                "invalid_choice": "Choose who asks among your contacts.",
            },
            "target": {
                "required": "Choose whom they would like to meet.",
                "invalid_choice": "Choose whom they would meet among your contacts.",
            },
        }

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        for name in ("requester", "target"):
            # The choices come from the search field: never render 30,000 options.
            self.fields[name].queryset = Contact.objects.owned_by(owner)
            self.fields[name].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        requester, target = cleaned.get("requester"), cleaned.get("target")
        if requester and target and requester == target:
            self.add_error(
                "target", "Someone cannot be introduced to themselves: choose another person."
            )
        return cleaned

    def save(self, commit: bool = True) -> IntroductionRequest:
        """The new request, or the one already waiting for the same two people (the database
        decides: a double submit records one)."""
        self.instance.owner = self.owner
        try:
            with transaction.atomic():
                return super().save(commit)
        except IntegrityError:
            return IntroductionRequest.objects.owned_by(self.owner).get(
                requester=self.cleaned_data["requester"],
                target=self.cleaned_data["target"],
                status__in=[
                    IntroductionRequest.Status.OPEN,
                    IntroductionRequest.Status.ASKED_TARGET,
                ],
            )
