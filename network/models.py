"""People: contacts, tags and the owner's settings."""

import datetime
import uuid
import zoneinfo
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from network.linkedin import normalize_linkedin_url
from network.names import name_key


class OwnedQuerySet(models.QuerySet):
    def owned_by(self, user) -> "OwnedQuerySet":
        return self.filter(owner=user)


class Tag(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(max_length=50)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="tag_name_unique_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name


class ContactQuerySet(OwnedQuerySet):
    # Importers create and rename people in bulk, past save(): the folded name follows here.
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for contact in objs:
            contact.name_key = name_key(contact.full_name)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if "full_name" in fields and "name_key" not in fields:
            objs, fields = list(objs), [*fields, "name_key"]
            for contact in objs:
                contact.name_key = name_key(contact.full_name)
        return super().bulk_update(objs, fields, *args, **kwargs)

    def active(self) -> "ContactQuerySet":
        return self.filter(is_archived=False)

    def search(self, text: str) -> "ContactQuerySet":
        """Contacts whose name, company, title or one of whose tags contains every word of text."""
        result = self
        for word in text.split():
            tagged = Contact.tags.through.objects.filter(
                contact_id=OuterRef("pk"), tag__name__icontains=word
            )
            result = result.filter(
                Q(full_name__icontains=word)
                | Q(company__icontains=word)
                | Q(title__icontains=word)
                | Exists(tagged)
            )
        return result


def _photo_path(contact: "Contact", filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"photos/{contact.owner_id}/{uuid.uuid4().hex}{suffix}"


class Contact(models.Model):
    class LinkedInStatus(models.TextChoices):
        CONNECTED = "connected", "Connected"
        NOT_CONNECTED = "not_connected", "Not connected"
        INVITED = "invited", "Invited"
        REMOVED = "removed", "Removed"

    class Source(models.TextChoices):
        HAND = "hand", "Added by hand"
        LINKEDIN = "linkedin", "LinkedIn import"
        VCARD = "vcard", "vCard import"
        CALENDAR = "calendar", "Calendar import"
        JSON = "json", "Kith JSON import"
        MEETING = "meeting", "Logged at a meeting"

    class Closeness(models.IntegerChoices):
        DISTANT = 1, "Distant"
        ACQUAINTANCE = 2, "Acquaintance"
        FRIENDLY = 3, "Friendly"
        CLOSE = 4, "Close"
        VERY_CLOSE = 5, "Very close"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contacts"
    )
    full_name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True)
    title = models.CharField("title or headline", max_length=300, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    linkedin_url = models.URLField("LinkedIn profile", max_length=300, blank=True)
    location = models.CharField(max_length=200, blank=True)
    photo = models.ImageField(upload_to=_photo_path, blank=True)
    how_we_met = models.CharField("how we met", max_length=300, blank=True)
    stands_for = models.CharField(
        "what they stand for",
        max_length=200,
        blank=True,
        help_text="One line you would use to remind yourself who this person is.",
    )
    notes = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts")
    closeness = models.PositiveSmallIntegerField(
        "how close you feel", choices=Closeness.choices, null=True, blank=True
    )
    linkedin_status = models.CharField(
        "LinkedIn connection",
        max_length=20,
        choices=LinkedInStatus.choices,
        default=LinkedInStatus.NOT_CONNECTED,
    )
    connected_on = models.DateField("connected on LinkedIn", null=True, blank=True)
    is_archived = models.BooleanField("archived", default=False)
    source = models.CharField(
        "came from", max_length=20, choices=Source.choices, default=Source.HAND, editable=False
    )
    # full_name folded (case, accents, punctuation), for finding a person however it is typed.
    name_key = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Derived from interactions; kept in step by the layer that owns the logic (insights keeps
    # its own figures in insights.Tie and insights.RecallCard).
    last_interaction_on = models.DateField(null=True, blank=True, editable=False)
    in_person_count = models.PositiveIntegerField(default=0, editable=False)
    other_interaction_count = models.PositiveIntegerField(default=0, editable=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "pk"]
        indexes = [
            models.Index("owner", "is_archived", Lower("full_name"), name="contact_owner_name"),
            models.Index(
                fields=["owner", "is_archived", "last_interaction_on"], name="contact_owner_last"
            ),
            models.Index(fields=["owner", "linkedin_status"], name="contact_owner_linkedin"),
            models.Index(fields=["owner", "email"], name="contact_owner_email"),
            models.Index(fields=["owner", "name_key"], name="contact_owner_name_key"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "linkedin_url"],
                condition=~Q(linkedin_url=""),
                name="contact_linkedin_unique_per_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.name_key = name_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("network:contact-detail", args=[self.pk])

    def clean(self) -> None:
        self.full_name = " ".join(self.full_name.split())
        if not self.full_name:
            raise ValidationError({"full_name": "Enter the person's name."})
        self.email = self.email.strip().lower()
        try:
            self.linkedin_url = normalize_linkedin_url(self.linkedin_url)
        except ValidationError as error:
            raise ValidationError({"linkedin_url": error.messages}) from error
        if self.connected_on and self.connected_on > timezone.localdate():
            raise ValidationError({"connected_on": "The connection date cannot be in the future."})

    def delete(self, *args, **kwargs):
        """Deleting a person deletes their photo file too: nothing of them is left behind."""
        photo = self.photo
        result = super().delete(*args, **kwargs)
        if photo:
            photo.delete(save=False)
        return result

    @property
    def interaction_count(self) -> int:
        return self.in_person_count + self.other_interaction_count

    def archive(self) -> None:
        self.is_archived = True
        self.save(update_fields=["is_archived", "updated_at"])

    def unarchive(self) -> None:
        self.is_archived = False
        self.save(update_fields=["is_archived", "updated_at"])


class OwnerSettings(models.Model):
    """Everything the owner tunes: time zone, review day, connection policy, recall."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kith_settings"
    )
    timezone = models.CharField("time zone", max_length=64, default="UTC")
    review_weekday = models.PositiveSmallIntegerField(
        "weekly review day", choices=Weekday.choices, default=Weekday.SUNDAY
    )
    policy_min_in_person = models.PositiveSmallIntegerField(
        "in-person meetings that qualify",
        default=1,
        validators=[MaxValueValidator(20)],
        help_text="Accept an invitation after this many in-person meetings (0 turns this rule off).",
    )
    policy_min_virtual = models.PositiveSmallIntegerField(
        "virtual interactions that qualify",
        default=3,
        validators=[MaxValueValidator(100)],
        help_text="…or after this many calls, video calls, messages or emails (0 turns this rule off).",
    )
    policy_window_months = models.PositiveSmallIntegerField(
        "counted over the last (months)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    policy_min_known_days = models.PositiveSmallIntegerField(
        "known for at least (days)",
        default=0,
        validators=[MaxValueValidator(3650)],
        help_text="…or after knowing them this long (from the first interaction) with enough "
        "interactions (0 turns this rule off).",
    )
    policy_min_known_interactions = models.PositiveSmallIntegerField(
        "interactions while known",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    recall_desired_retention = models.FloatField(
        "recall target",
        default=0.9,
        validators=[MinValueValidator(0.7), MaxValueValidator(0.97)],
        help_text="The chance of recalling a person that recall checks aim for (0.70 to 0.97).",
    )
    recall_daily_limit = models.PositiveSmallIntegerField(
        "new people to check per day",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="How many people never checked before a recall session adds each day.",
    )
    weak_ties_per_week = models.PositiveSmallIntegerField(
        "weak ties to review per week",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="The weekly review never flags more than this; the weakest come first.",
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "owner settings"

    def __str__(self) -> str:
        return f"Settings of {self.owner}"

    def clean(self) -> None:
        # Every page and import turns dates into the owner's day with this key: one zoneinfo
        # does not know (Mars/Olympus_Mons) would make each of them fail.
        if self.timezone not in zoneinfo.available_timezones():
            raise ValidationError(
                {"timezone": "Choose a time zone from the list, like Europe/Oslo."}
            )
        if not (self.policy_min_in_person or self.policy_min_virtual or self.policy_min_known_days):
            raise ValidationError(
                "Keep at least one rule of your connection policy: in-person meetings, "
                "virtual interactions, or time known."
            )

    @property
    def zone(self) -> datetime.tzinfo:
        """The owner's time zone; UTC for a key this machine's zoneinfo does not know (clean()
        refuses those, but a page or an import must never fail on one)."""
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (
            zoneinfo.ZoneInfoNotFoundError,
            ValueError,
            OSError,
        ):  # OSError: a folder ("America")
            return datetime.UTC

    @classmethod
    def for_user(cls, user) -> "OwnerSettings":
        return cls.objects.get_or_create(owner=user)[0]
