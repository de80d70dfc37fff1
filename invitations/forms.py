"""Forms of the Invitations page: an invitation added by hand, a decision, the history filter
and the owner's decline messages."""

import datetime
import re
from urllib.parse import unquote, urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from invitations.models import DeclineMessage, Invitation
from network.linkedin import normalize_linkedin_url
from network.widgets import DatePicker

# A trailing slug part LinkedIn adds to tell namesakes apart: "3a9b1c", "12345", "b2".
ID_LIKE = re.compile(r"^(?=.*\d)[0-9a-z]+$")


def name_from_profile_url(url: str) -> str:
    """The person's name as the profile address spells it: /in/lena-fjeld-3a9b1c -> "Lena
    Fjeld"; empty when the address does not tell (an id-only slug)."""
    path = urlsplit(url).path.strip("/").split("/")
    if len(path) < 2:
        return ""
    parts = [part for part in unquote(path[1]).split("-") if part]
    while parts and ID_LIKE.match(parts[-1].lower()):
        parts.pop()
    return " ".join(part[:1].upper() + part[1:] for part in parts)


class InvitationForm(forms.ModelForm):
    sent_on = forms.DateField(
        label="Date", required=False, widget=DatePicker(), help_text="Today if left empty."
    )

    class Meta:
        model = Invitation
        fields = ["direction", "profile_url", "name", "headline", "message"]
        labels = {"profile_url": "LinkedIn profile address", "direction": "Who invited whom?"}
        widgets = {
            "direction": forms.RadioSelect,
            "profile_url": forms.TextInput(
                attrs={"placeholder": "https://www.linkedin.com/in/…", "autofocus": True}
            ),
            "message": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"name": "Filled from the profile address when left empty."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["direction"].choices = [
            (Invitation.Direction.INCOMING, "They invited me"),
            (Invitation.Direction.OUTGOING, "I invited them"),
        ]

    def clean_profile_url(self) -> str:
        return normalize_linkedin_url(self.cleaned_data["profile_url"])

    def clean_sent_on(self) -> datetime.date | None:
        day = self.cleaned_data["sent_on"]
        if day and day > timezone.localdate():
            raise ValidationError("The invitation date cannot be in the future.")
        return day

    def clean(self):
        cleaned = super().clean()
        name = " ".join(cleaned.get("name", "").split())
        if not name and cleaned.get("profile_url"):
            name = name_from_profile_url(cleaned["profile_url"])
        if not name and "profile_url" not in self.errors:
            self.add_error(
                "name",
                "Enter the person's name: the profile address does not spell it out.",
            )
        cleaned["name"] = name
        return cleaned

    def save(self, commit: bool = True) -> Invitation:
        invitation = super().save(commit=False)
        invitation.name = self.cleaned_data["name"]
        if day := self.cleaned_data.get("sent_on"):
            invitation.sent_at = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(12))
            )
        if commit:
            invitation.save()
        return invitation


class DecisionForm(forms.Form):
    ACTIONS = ("accept", "decline", "defer", "withdraw", "undo")

    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    until = forms.DateField(label="Not before", required=False, widget=DatePicker())
    message = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "defer":
            until = cleaned.get("until")
            if not until:
                self.add_error("until", "Choose the day to see this invitation again.")
            elif until <= timezone.localdate():
                self.add_error("until", "Choose a day after today.")
        return cleaned


class HistoryFilterForm(forms.Form):
    decision = forms.ChoiceField(
        required=False,
        choices=[("", "Any decision")]
        + [(s.value, s.label) for s in Invitation.Status if s != Invitation.Status.PENDING],
    )
    since = forms.DateField(label="Decided from", required=False, widget=DatePicker())
    until = forms.DateField(label="until", required=False, widget=DatePicker())

    def filter(self, invitations):
        if not self.is_valid():
            return invitations
        data = self.cleaned_data
        if data["decision"]:
            invitations = invitations.filter(status=data["decision"])
        if data["since"]:
            invitations = invitations.filter(decided_at__date__gte=data["since"])
        if data["until"]:
            invitations = invitations.filter(decided_at__date__lte=data["until"])
        return invitations


class DeclineMessageForm(forms.ModelForm):
    class Meta:
        model = DeclineMessage
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
        labels = {"title": "Name (for you)", "text": "Message"}
