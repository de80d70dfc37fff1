import datetime
import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from interactions.models import FUTURE, Event, Interaction
from network.linkedin import normalize_linkedin_url
from network.models import Contact
from network.similar import SimilarContact, similar_contacts
from network.widgets import DatePicker

FOLLOW_UP_CHOICES = [
    ("", "No follow-up"),
    ("7", "In 1 week"),
    ("14", "In 2 weeks"),
    ("30", "In 1 month"),
    ("date", "On a date…"),
]
RECENT_EVENTS = 30
MAX_ATTENDEES = 100
NEW_EVENT, NO_EVENT = "new", "none"
TOKEN = re.compile(r"[0-9a-f]{8}")


def new_row_token() -> str:
    return uuid.uuid4().hex[:8]


MAX_FOLLOW_UP_YEARS = 10


class MeetingForm(forms.Form):
    """The event part of "Log a meeting": a new event, a recent one, or none."""

    event = forms.ChoiceField(label="Event")
    name = forms.CharField(label="Event name", required=False, max_length=200)
    date = forms.DateField(
        label="Date", required=False, initial=timezone.localdate, widget=DatePicker()
    )
    place = forms.CharField(label="Place", required=False, max_length=200)
    batch = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, owner, chosen_event: Event | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        recent = list(Event.objects.owned_by(owner).gatherings()[:RECENT_EVENTS])
        if chosen_event and chosen_event not in recent:
            recent.insert(0, chosen_event)
        self.events = {str(event.pk): event for event in recent}
        self.fields["event"].choices = [
            (NEW_EVENT, "A new event"),
            (NO_EVENT, "No event: a coffee, a call, a one-off"),
            *((key, str(event)) for key, event in self.events.items()),
        ]
        self.fields["event"].initial = str(chosen_event.pk) if chosen_event else NEW_EVENT
        if not self.is_bound and not chosen_event:
            self.fields["event"].widget.attrs["autofocus"] = True
        self.fields["batch"].initial = uuid.uuid4()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("event") in {NEW_EVENT, NO_EVENT} and "date" not in self.errors:
            # An existing event brings its own date; the field is hidden then.
            if cleaned.get("date") is None:
                self.add_error("date", "Enter the date of the meeting.")
            elif cleaned["date"] > timezone.localdate():
                self.add_error("date", FUTURE)
        if cleaned.get("event") == NEW_EVENT:
            cleaned["name"] = " ".join(cleaned.get("name", "").split())
            if not cleaned["name"]:
                self.add_error("name", "Name the event, or choose “No event”.")
        return cleaned

    @property
    def chosen_event(self) -> Event | None:
        return self.events.get(self.cleaned_data["event"])

    @property
    def day(self) -> datetime.date:
        event = self.chosen_event
        return event.date if event else self.cleaned_data["date"]


class AttendeeForm(forms.Form):
    """One person met: an existing contact (contact id) or a new person (name and details)."""

    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    full_name = forms.CharField(label="Name", required=False, max_length=200)
    company = forms.CharField(required=False, max_length=200)
    title = forms.CharField(label="Title", required=False, max_length=300)
    stands_for = forms.CharField(label="What they stand for", required=False, max_length=200)
    email = forms.EmailField(required=False, max_length=254)
    linkedin_url = forms.CharField(label="LinkedIn profile", required=False, max_length=300)
    kind = forms.ChoiceField(choices=Interaction.Kind.choices, initial=Interaction.Kind.IN_PERSON)
    note = forms.CharField(required=False, max_length=2000)
    follow_up = forms.ChoiceField(label="Follow up", choices=FOLLOW_UP_CHOICES, required=False)
    follow_up_on = forms.DateField(label="Follow-up date", required=False, widget=DatePicker())
    # The new person's name as it was when the owner saw who is already there (nobody, or
    # people they chose not to use): the save does not ask again unless the name changed.
    checked = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, token: str, known: dict[int, Contact], **kwargs) -> None:
        super().__init__(*args, prefix=f"row-{token}", **kwargs)
        self.token = token
        self.known = known
        # Who this new person may already be, shown in the row; clashes refuse the save.
        self.similar: list[SimilarContact] = []

    @property
    def clashes(self) -> list[SimilarContact]:
        return [similar for similar in self.similar if similar.is_clash]

    def look_for_similar(self, owner, *, full_name: str, email="", linkedin_url="") -> None:
        """Find who is already there; when nobody is, the name counts as checked."""
        full_name = " ".join(full_name.split())
        self.similar = similar_contacts(
            owner, full_name=full_name, email=email, linkedin_url=linkedin_url
        )
        if not self.similar and not self.is_bound:
            self.initial["checked"] = full_name

    @property
    def existing(self) -> Contact | None:
        value = self["contact"].value()
        try:
            return self.known.get(int(value)) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def clean_contact(self) -> int | None:
        contact_id = self.cleaned_data["contact"]
        if contact_id is not None and contact_id not in self.known:
            raise ValidationError("This person is not in your network.")
        return contact_id

    def clean_linkedin_url(self) -> str:
        return normalize_linkedin_url(self.cleaned_data["linkedin_url"])

    def clean_checked(self) -> str:
        # Only ever compared with the name (at most 200 characters): a longer one is no match.
        return self.cleaned_data["checked"][:201]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_follow_up_on(self) -> datetime.date | None:
        day = self.cleaned_data["follow_up_on"]
        today = timezone.localdate()
        if day and day < today:
            raise ValidationError("Choose a follow-up date from today on.")
        if day and day > today + datetime.timedelta(days=365 * MAX_FOLLOW_UP_YEARS):
            raise ValidationError(f"Choose a follow-up date within {MAX_FOLLOW_UP_YEARS} years.")
        return day

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("follow_up") == "date"
            and not cleaned.get("follow_up_on")
            and "follow_up_on" not in self.errors
        ):
            self.add_error("follow_up_on", "Pick the day to follow up.")
        if cleaned.get("contact") is None and "contact" not in self.errors:
            cleaned["full_name"] = " ".join(cleaned.get("full_name", "").split())
            if not cleaned["full_name"]:
                self.add_error("full_name", "Enter the new person's name.")
        return cleaned

    @property
    def name_checked(self) -> bool:
        return " ".join(self.cleaned_data.get("checked", "").split()) == self.cleaned_data.get(
            "full_name"
        )

    @property
    def follow_up_date(self) -> datetime.date | None:
        """The chosen delay wins; a date counts when chosen, or when it is all that was given."""
        choice = self.cleaned_data.get("follow_up", "")
        if choice.isdigit():
            return timezone.localdate() + datetime.timedelta(days=int(choice))
        return self.cleaned_data.get("follow_up_on")

    def identities(self) -> set[str]:
        """What makes two rows the same person: the contact, or a new person's name, email or profile."""
        if self.cleaned_data.get("contact") is not None:
            return {f"contact:{self.cleaned_data['contact']}"}
        keys = {f"name:{self.cleaned_data.get('full_name', '').lower()}"}
        for field in ("email", "linkedin_url"):
            if self.cleaned_data.get(field):
                keys.add(f"{field}:{self.cleaned_data[field]}")
        return keys


class LogMeetingForm:
    """The whole "Log a meeting" form: the event and one AttendeeForm per person.

    Rows are identified by short tokens posted as `row`, so people can be added and
    removed in the browser without renumbering anything.
    """

    def __init__(self, owner, data=None, chosen_event: Event | None = None) -> None:
        self.owner = owner
        self.meeting = MeetingForm(data, owner=owner, chosen_event=chosen_event)
        tokens = list(
            dict.fromkeys(t for t in (data.getlist("row") if data else []) if TOKEN.fullmatch(t))
        )
        self.too_many = len(tokens) > MAX_ATTENDEES
        ids = (
            {parse_id(data.get(f"row-{token}-contact")) for token in tokens} - {None}
            if data
            else set()
        )
        self.known = (
            {c.pk: c for c in Contact.objects.owned_by(owner).filter(pk__in=ids)} if ids else {}
        )
        self.rows = [
            AttendeeForm(data, token=token, known=self.known) for token in tokens[:MAX_ATTENDEES]
        ]
        self.errors: list[str] = []
        self.suggestions: list[Contact] = []
        # With the event already chosen ("Add someone else met there"), who comes next.
        self.focus_search = data is None and chosen_event is not None

    def add_row(self, contact: Contact | None = None, name: str = "") -> AttendeeForm:
        """A new unbound row, for the form re-rendered without JavaScript."""
        if contact:
            self.known[contact.pk] = contact
        row = AttendeeForm(
            token=new_row_token(),
            known=self.known,
            initial={"contact": contact.pk if contact else None, "full_name": name},
        )
        if not contact and name:
            row.look_for_similar(self.owner, full_name=name)
        self.rows.append(row)
        return row

    def mark_checked(self, token: str) -> None:
        """ "Add as a different person": the owner has seen who is there and keeps this one new."""
        self.as_draft()
        for row in self.rows:
            if row.token == token:
                row.initial["checked"] = " ".join(str(row.initial.get("full_name") or "").split())

    def remove_row(self, token: str) -> None:
        self.rows = [row for row in self.rows if row.token != token]

    def as_draft(self) -> None:
        """Show the form as typed so far, without errors: a person was added or removed."""
        for form in [self.meeting, *self.rows]:
            if form.is_bound:
                form.initial = {name: form[name].value() for name in form.fields}
                form.is_bound, form.data = False, {}

    def is_valid(self) -> bool:
        self.errors = []
        valid = self.meeting.is_valid()
        valid = all([row.is_valid() for row in self.rows]) and valid
        if self.too_many:
            self.errors.append(f"Log at most {MAX_ATTENDEES} people at once.")
        if not self.rows:
            self.errors.append("Add at least one person you met.")
        seen: set[str] = set()
        for row in self.rows:
            if row.is_valid():
                if seen & row.identities():
                    row.add_error(None, "This person is already in the list above.")
                seen |= row.identities()
        self._offer_existing_contacts()
        return valid and not self.errors and all(not row.errors for row in self.rows)

    def existing_people_found(self) -> bool:
        """Check the new people against the network again (someone may have saved them since)."""
        return self._refuse_clashes(self._new_rows())

    def _new_rows(self) -> list[AttendeeForm]:
        return [row for row in self.rows if row.is_valid() and row.cleaned_data["contact"] is None]

    def _offer_existing_contacts(self) -> None:
        """Before saving a new person, show who is already there.

        One query refuses every profile or email already used; each new name not checked
        yet (not seen in its row when added, or changed since) costs one more.
        """
        new_rows = self._new_rows()
        self._refuse_clashes(new_rows)
        for row in new_rows:
            if row.similar or row.name_checked:
                continue
            row.look_for_similar(
                self.owner,
                full_name=row.cleaned_data["full_name"],
                email=row.cleaned_data["email"],
                linkedin_url=row.cleaned_data["linkedin_url"],
            )
            if row.clashes:
                self._refuse(row, row.clashes[0].contact)
            elif row.similar:
                row.add_error(
                    None,
                    "Someone like this is already in your network: use them, "
                    "or add this person as a different person.",
                )

    def _refuse_clashes(self, new_rows: list[AttendeeForm]) -> bool:
        """A new person whose LinkedIn profile or email is already used is that person."""
        emails = {row.cleaned_data["email"] for row in new_rows} - {""}
        urls = {row.cleaned_data["linkedin_url"] for row in new_rows} - {""}
        if not emails and not urls:
            return False
        matches = list(
            Contact.objects.owned_by(self.owner)
            .alias(email_lower=Lower("email"))
            .filter(Q(email_lower__in=emails) | Q(linkedin_url__in=urls))
            .order_by("pk")
        )
        refused = False
        for row in new_rows:
            clash = _clash(row.cleaned_data, matches)
            if clash:
                row.similar = [clash]
                self._refuse(row, clash.contact)
                refused = True
        return refused

    @staticmethod
    def _refuse(row: AttendeeForm, contact: Contact) -> None:
        row.add_error(
            None, f"{contact.full_name} is already in your network with this email or profile."
        )

    @property
    def batch(self) -> uuid.UUID:
        return self.meeting.cleaned_data["batch"]

    @property
    def posted_batch(self) -> uuid.UUID | None:
        """The form's batch as posted, before any validation: None when missing or malformed."""
        try:
            return uuid.UUID(str(self.meeting.data.get("batch", "")))
        except ValueError:
            return None


def _clash(person: dict, contacts: list[Contact]) -> SimilarContact | None:
    """The contact with this person's profile, or with their email unless the profiles differ."""
    url, email = person["linkedin_url"], person["email"]
    for contact in contacts:
        if url and contact.linkedin_url == url:
            return SimilarContact(contact, "same LinkedIn profile", is_clash=True)
    for contact in contacts:
        urls_differ = bool(url and contact.linkedin_url and url != contact.linkedin_url)
        if email and contact.email.lower() == email and not urls_differ:
            return SimilarContact(contact, "same email", is_clash=True)
    return None


def parse_id(value) -> int | None:
    """A database id from user input, or None: never raises, whatever was posted."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


class QuickLogForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["kind", "occurred_on", "note"]
        widgets = {
            "occurred_on": DatePicker(),
            "note": forms.TextInput(attrs={"placeholder": "What you talked about (optional)"}),
        }
        labels = {"occurred_on": "Date"}


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["occurred_on", "kind", "initiated_by", "event", "note"]
        widgets = {
            "occurred_on": DatePicker(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = Event.objects.owned_by(self.instance.owner)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["name", "date", "place", "notes"]
        widgets = {
            "date": DatePicker(),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
