"""One factory per model, named <Model>Factory: the owner-isolation test finds them by name."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from interactions.models import Event, FollowUp, Interaction
from invitations.models import DeclineMessage, DigestSent, IntroductionRequest, Invitation, Review
from network.models import Contact, OwnerSettings, Tag
from portability.models import ImportRun


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"tag {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    owner = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"Person {n}")
    company = "Acme"
    title = "Engineer"
    stands_for = "Builds things that last"


class OwnerSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OwnerSettings
        django_get_or_create = ("owner",)

    owner = factory.SubFactory(UserFactory)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Meetup {n}")
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    place = "Oslo"


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    owner = factory.SubFactory(UserFactory)
    contact = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    kind = Interaction.Kind.IN_PERSON


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Inviter {n}")
    headline = "Founder"
    message = "Hi, let's connect"


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    owner = factory.SubFactory(UserFactory)
    contact = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))
    due_on = factory.LazyFunction(timezone.localdate)
    note = "Send the report"


class ImportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportRun

    owner = factory.SubFactory(UserFactory)
    kind = ImportRun.Kind.VCARD
    original_name = "contacts.vcf"
    status = ImportRun.Status.DONE
    summary = factory.LazyFunction(
        lambda: {"counts": {"contacts": {"created": 1}}, "skipped": [], "skipped_total": 0}
    )


class IntroductionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntroductionRequest

    owner = factory.SubFactory(UserFactory)
    requester = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))
    target = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))
    reason = "Looking for advice on hiring a first engineer"


class DeclineMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeclineMessage

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Decline {n}")
    text = "I connect with people I have met; let us meet first."


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    owner = factory.SubFactory(UserFactory)


class DigestSentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DigestSent

    owner = factory.SubFactory(UserFactory)
    # The Monday of the current week, as the digest claims it.
    week = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    )
    sent_at = factory.LazyFunction(timezone.now)
