import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower

from network.linkedin import normalize_linkedin_url
from network.models import Contact, OwnerSettings, Tag
from network.photos import MAX_PHOTO_BYTES, TOO_LARGE, reencode_photo
from network.similar import SimilarContact, similar_contacts
from network.widgets import DatePicker

MAX_TAGS = 20
CLASH_MESSAGES = {
    "same LinkedIn profile": ("linkedin_url", "{name} already has this LinkedIn profile."),
    "same email": ("email", "{name} already has this email address."),
}


class ContactForm(forms.ModelForm):
    tag_names = forms.CharField(
        label="Tags",
        required=False,
        max_length=500,
        help_text="Separate tags with commas, e.g. climate, Oslo, investors.",
    )
    linkedin_url = forms.CharField(
        label="LinkedIn profile", required=False, max_length=300, widget=forms.URLInput
    )
    # A plain file field: reencode_photo alone decides what is an image (see clean_photo).
    photo = forms.FileField(
        label="Photo",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    class Meta:
        model = Contact
        fields = [
            "full_name",
            "stands_for",
            "company",
            "title",
            "email",
            "phone",
            "linkedin_url",
            "location",
            "how_we_met",
            "linkedin_status",
            "connected_on",
            "closeness",
            "photo",
            "notes",
        ]
        widgets = {
            "connected_on": DatePicker(),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {"full_name": {"required": "Enter the person's name."}}

    # Sent by the "Add as a different person" button, once the owner has seen who is there.
    different_person = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, owner, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.owner = owner
        if self.instance.pk is None:
            self.instance.source = Contact.Source.HAND
        # Who the new person may already be, shown beside the form; clashes are refused.
        self.similar: list[SimilarContact] = []
        self.clashes: list[SimilarContact] = []
        self._previous_photo = self.instance.photo.name
        if self.instance.pk:
            self.fields["tag_names"].initial = ", ".join(
                tag.name for tag in self.instance.tags.all()
            )
        self.fields["full_name"].widget.attrs.update(autofocus=True, autocomplete="off")

    def clean_linkedin_url(self) -> str:
        return normalize_linkedin_url(self.cleaned_data["linkedin_url"])

    def clean(self):
        cleaned = super().clean()
        if "full_name" in cleaned:
            self._check_similar(cleaned)
        return cleaned

    def _check_similar(self, cleaned: dict) -> None:
        is_new = self.instance.pk is None
        self.similar = similar_contacts(
            self.instance.owner,
            full_name=cleaned["full_name"],
            email=cleaned.get("email") or "",
            linkedin_url=cleaned.get("linkedin_url") or "",
            exclude_pk=self.instance.pk,
        )
        # An edit keeps a profile or email it already shared (an import may have done that).
        self.clashes = [
            similar
            for similar in self.similar
            if similar.is_clash
            and (is_new or CLASH_MESSAGES[similar.reason][0] in self.changed_data)
        ]
        for clash in self.clashes:
            field, message = CLASH_MESSAGES[clash.reason]
            self.add_error(field, message.format(name=clash.contact.full_name))
        if not is_new:
            self.similar = self.clashes
        elif self.similar and not self.clashes and not cleaned.get("different_person"):
            self.add_error(
                None,
                "Someone like this is already in your network: use them, or add this person "
                "as a different person.",
            )

    def save_unless_taken(self) -> Contact | None:
        """Saves, or, when someone else saved this LinkedIn profile a moment ago (a double
        submit, two tabs), returns None with the same refusal as a clash found in clean()."""
        try:
            with transaction.atomic():
                return self.save()
        except IntegrityError:
            if self.instance.photo and self.instance.photo.name != self._previous_photo:
                self.instance.photo.storage.delete(self.instance.photo.name)
            self._check_similar(self.cleaned_data)
            if not self.clashes:
                raise
            return None

    def clean_tag_names(self) -> list[str]:
        names: dict[str, str] = {}
        for raw in self.cleaned_data["tag_names"].split(","):
            name = " ".join(raw.split())
            if len(name) > Tag._meta.get_field("name").max_length:
                raise ValidationError(
                    f"“{name[:20]}…” is too long for a tag (50 characters at most)."
                )
            if name:
                names.setdefault(name.lower(), name)
        if len(names) > MAX_TAGS:
            raise ValidationError(f"Use at most {MAX_TAGS} tags.")
        return list(names.values())

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not isinstance(photo, UploadedFile):
            return photo  # unchanged, cleared or none
        if photo.size > MAX_PHOTO_BYTES:
            raise ValidationError(TOO_LARGE)  # before reading a huge upload into memory
        photo.seek(0)
        return reencode_photo(photo.read())

    def save(self, commit: bool = True) -> Contact:
        contact = super().save(commit=commit)
        if commit:
            contact.tags.set(tags_get_or_create(contact.owner, self.cleaned_data["tag_names"]))
            if self._previous_photo and self._previous_photo != contact.photo.name:
                contact.photo.storage.delete(self._previous_photo)
        return contact


def tags_get_or_create(owner, names: list[str]) -> list[Tag]:
    """The owner's tags with these names, creating the missing ones.

    Names are compared in Python, case-insensitively: SQLite's LOWER() leaves letters like Ä
    alone. An owner has tens of tags, not thousands.
    """
    wanted = {name.casefold(): name for name in names}
    existing = {tag.name.casefold(): tag for tag in Tag.objects.owned_by(owner)}
    missing = [Tag(owner=owner, name=name) for key, name in wanted.items() if key not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.name.casefold(): tag for tag in Tag.objects.owned_by(owner)}
    return [existing[key] for key in wanted if key in existing]


class ContactFilterForm(forms.Form):
    SORTS = {
        "name": ("Name", [Lower("full_name"), "pk"]),
        "recent": (
            "Last interaction",
            [F("last_interaction_on").desc(nulls_last=True), Lower("full_name"), "pk"],
        ),
        "quiet": (
            "Longest silence",
            [F("last_interaction_on").asc(nulls_first=True), Lower("full_name"), "pk"],
        ),
    }

    q = forms.CharField(label="Search", required=False, max_length=100)
    tag = forms.ModelChoiceField(
        queryset=Tag.objects.none(), required=False, empty_label="All tags", to_field_name="name"
    )
    status = forms.ChoiceField(
        label="LinkedIn",
        required=False,
        choices=[("", "Any LinkedIn status"), *Contact.LinkedInStatus.choices],
    )
    sort = forms.ChoiceField(
        required=False, choices=[(key, label) for key, (label, _) in SORTS.items()]
    )
    archived = forms.BooleanField(label="Show archived", required=False)

    def __init__(self, *args, owner, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = Tag.objects.owned_by(owner)

    def filter(self, contacts):
        """The contacts matching the valid parts of the form; invalid parts are ignored."""
        self.is_valid()
        data = self.cleaned_data
        contacts = contacts.filter(is_archived=bool(data.get("archived")))
        if data.get("q"):
            contacts = contacts.search(data["q"])
        if data.get("tag"):
            contacts = contacts.filter(tags=data["tag"])
        if data.get("status"):
            contacts = contacts.filter(linkedin_status=data["status"])
        return contacts.order_by(*self.SORTS[data.get("sort") or "name"][1])


class OwnerSettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label="Time zone", choices=[(name, name) for name in sorted(zoneinfo.available_timezones())]
    )

    class Meta:
        model = OwnerSettings
        fields = [
            "timezone",
            "review_weekday",
            "policy_min_in_person",
            "policy_min_virtual",
            "policy_window_months",
            "policy_min_known_days",
            "policy_min_known_interactions",
            "recall_desired_retention",
            "recall_daily_limit",
        ]
