"""The connection policy: each rule's verdict and evidence at its edges, and who an invitation is."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interactions.models import Event, Interaction
from invitations.models import Invitation
from invitations.policy import (
    contact_verdicts,
    declined_now_meeting_policy,
    invitation_verdicts,
    invitations_link_contacts,
    months_before,
)
from network.models import Contact, OwnerSettings
from portability.duplicates import contacts_merge
from portability.vcard import vcard_import

TODAY = datetime.date(2026, 5, 10)
pytestmark = pytest.mark.django_db


def _settings(owner, **rules) -> OwnerSettings:
    settings = OwnerSettings.for_user(owner)
    for field, value in rules.items():
        setattr(settings, f"policy_{field}", value)
    settings.save()
    return settings


def _contact(owner, name="Lena Fjeld", url="") -> Contact:
    return Contact.objects.create(owner=owner, full_name=name, linkedin_url=url)


def _log(owner, contact, kind, days_ago=0, *, on=None, event=None) -> Interaction:
    return Interaction.objects.create(
        owner=owner,
        contact=contact,
        kind=kind,
        occurred_on=on or TODAY - datetime.timedelta(days=days_ago),
        event=event,
    )


def _invite(owner, contact=None, name="Lena Fjeld", url="", **fields) -> Invitation:
    return Invitation.objects.create(
        owner=owner, contact=contact, name=name, profile_url=url, **fields
    )


def _verdict(owner, invitation, settings=None):
    settings = settings or OwnerSettings.for_user(owner)
    return invitation_verdicts(owner, [invitation], settings=settings, today=TODAY)[invitation.pk]


# In person -----------------------------------------------------------------------------------


def test_one_meeting_at_an_event_meets_the_default_policy_and_names_the_event(owner):
    lena = _contact(owner)
    summit = Event.objects.create(owner=owner, name="Nordic Innovation Summit", date=TODAY)
    _log(owner, lena, Interaction.Kind.IN_PERSON, on=datetime.date(2026, 3, 12), event=summit)
    verdict = _verdict(owner, _invite(owner, lena))
    assert (verdict.level, verdict.label, verdict.rank) == ("meets", "Meets your policy", 0)
    assert "Met in person at Nordic Innovation Summit on 12 Mar" in verdict.evidence


def test_a_meeting_last_year_shows_its_year(owner):
    lena = _contact(owner)
    _log(owner, lena, Interaction.Kind.IN_PERSON, on=datetime.date(2025, 10, 2))
    assert "Met in person on 2 Oct 2025" in _verdict(owner, _invite(owner, lena)).evidence


def test_exactly_the_meetings_the_policy_asks_for_meets_and_one_fewer_is_almost(owner):
    _settings(owner, min_in_person=2, min_virtual=0)
    lena = _contact(owner)
    invitation = _invite(owner, lena)
    _log(owner, lena, Interaction.Kind.IN_PERSON, 40)
    almost = _verdict(owner, invitation)
    assert almost.level == "almost"
    assert "Met in person on 31 Mar (your policy: 2)" in almost.evidence
    _log(owner, lena, Interaction.Kind.IN_PERSON, 3)
    met = _verdict(owner, invitation)
    assert met.level == "meets"
    assert "Met in person 2 times, last on 7 May" in met.evidence


def test_never_met_with_a_one_meeting_rule_is_not_almost_but_does_not(owner):
    _settings(owner, min_in_person=1, min_virtual=0)
    lena = _contact(owner)
    _log(owner, lena, Interaction.Kind.MESSAGE, 5)
    verdict = _verdict(owner, _invite(owner, lena))
    assert verdict.level == "does_not"
    assert "Never met in person (your policy: 1)" in verdict.evidence


def test_a_meeting_counts_for_nothing_when_the_in_person_rule_is_off(owner):
    _settings(owner, min_in_person=0, min_virtual=3)
    lena = _contact(owner)
    _log(owner, lena, Interaction.Kind.IN_PERSON, 5)
    verdict = _verdict(owner, _invite(owner, lena))
    assert verdict.level == "does_not"
    assert "No virtual interaction in the last 12 months (your policy: 3)" in verdict.evidence


# Virtual -------------------------------------------------------------------------------------


def test_three_virtual_interactions_meet_and_are_counted_by_kind(owner):
    _settings(owner, min_in_person=0, min_virtual=3, window_months=12)
    lena = _contact(owner)
    for days in (1, 2):
        _log(owner, lena, Interaction.Kind.MESSAGE, days)
    _log(owner, lena, Interaction.Kind.CALL, 3)
    verdict = _verdict(owner, _invite(owner, lena))
    assert verdict.level == "meets"
    assert "2 messages and 1 call in the last 12 months" in verdict.evidence


def test_two_messages_are_one_short_of_three(owner):
    _settings(owner, min_in_person=0, min_virtual=3)
    lena = _contact(owner)
    _log(owner, lena, Interaction.Kind.MESSAGE, 1)
    _log(owner, lena, Interaction.Kind.MESSAGE, 2)
    verdict = _verdict(owner, _invite(owner, lena))
    assert verdict.level == "almost"
    assert verdict.label == "Almost meets your policy"
    assert "2 messages in the last 12 months (your policy: 3)" in verdict.evidence


def test_an_interaction_12_months_and_1_day_ago_is_outside_the_window(owner):
    _settings(owner, min_in_person=0, min_virtual=2, window_months=12)
    lena = _contact(owner)
    invitation = _invite(owner, lena)
    _log(owner, lena, Interaction.Kind.EMAIL, on=datetime.date(2026, 5, 1))
    _log(owner, lena, Interaction.Kind.EMAIL, on=datetime.date(2025, 5, 9))
    outside = _verdict(owner, invitation)
    assert outside.level == "almost"
    assert "1 email in the last 12 months (your policy: 2)" in outside.evidence
    _log(owner, lena, Interaction.Kind.VIDEO, on=datetime.date(2025, 5, 10))
    assert _verdict(owner, invitation).level == "meets"


def test_the_window_is_today_in_the_owners_time_zone(owner, settings):
    """Late on 31 Dec UTC it is already 1 Jan in Auckland: the window moves with the owner."""
    from django.utils import timezone

    owner_settings = _settings(owner, min_in_person=0, min_virtual=1, window_months=1)
    owner_settings.timezone = "Pacific/Auckland"
    owner_settings.save()
    lena = _contact(owner)
    _log(owner, lena, Interaction.Kind.MESSAGE, on=datetime.date(2025, 11, 30))
    invitation = _invite(owner, lena)
    late = datetime.datetime(2025, 12, 31, 12, 0, tzinfo=datetime.UTC)
    original = timezone.now
    timezone.now = lambda: late
    try:
        auckland = invitation_verdicts(owner, [invitation])[invitation.pk]
        owner_settings.timezone = "UTC"
        owner_settings.save()
        utc = invitation_verdicts(owner, [invitation])[invitation.pk]
    finally:
        timezone.now = original
    # Auckland's 1 Jan window opens on 1 Dec; UTC's 31 Dec window opens on 30 Nov.
    assert (auckland.level, utc.level) == ("does_not", "meets")


def test_months_before_the_31st_lands_on_the_months_last_day():
    assert months_before(datetime.date(2026, 5, 31), 3) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 5, 10), 12) == datetime.date(2025, 5, 10)


# Known for -----------------------------------------------------------------------------------


def test_known_long_enough_with_enough_interactions_meets(owner):
    _settings(owner, min_in_person=0, min_virtual=0, min_known_days=365, min_known_interactions=3)
    lena = _contact(owner)
    invitation = _invite(owner, lena)
    _log(owner, lena, Interaction.Kind.EMAIL, 365)
    _log(owner, lena, Interaction.Kind.EMAIL, 300)
    almost = _verdict(owner, invitation)
    assert almost.level == "almost"
    assert (
        "Known for 365 days since 10 May 2025, 2 interactions "
        "(your policy: 365 days and 3 interactions)" in almost.evidence
    )
    _log(owner, lena, Interaction.Kind.EMAIL, 299)
    assert _verdict(owner, invitation).level == "meets"


def test_a_first_interaction_a_few_days_too_recent_is_almost(owner):
    _settings(owner, min_in_person=0, min_virtual=0, min_known_days=365, min_known_interactions=2)
    lena = _contact(owner)
    _log(owner, lena, Interaction.Kind.EMAIL, 360)
    _log(owner, lena, Interaction.Kind.EMAIL, 10)
    assert _verdict(owner, _invite(owner, lena)).level == "almost"


def test_known_rule_off_by_default_says_nothing_of_time_known(owner):
    lena = _contact(owner)
    _log(owner, lena, Interaction.Kind.EMAIL, 900)
    verdict = _verdict(owner, _invite(owner, lena))
    assert not any(sentence.startswith("Known for") for sentence in verdict.evidence)


# Nobody known --------------------------------------------------------------------------------


def test_a_contact_without_interactions_has_none_logged(owner):
    verdict = _verdict(owner, _invite(owner, _contact(owner)))
    assert verdict.level == "does_not"
    assert verdict.evidence == ["No interaction logged with Lena Fjeld"]


def test_a_stranger_is_not_in_your_contacts(owner):
    verdict = _verdict(owner, _invite(owner, name="Ravi Shankar"))
    assert (verdict.level, verdict.rank) == ("does_not", 2)
    assert verdict.evidence == ["Ravi Shankar is not in your contacts"]


def test_the_verdict_changes_the_moment_a_meeting_is_logged(owner):
    lena = _contact(owner)
    invitation = _invite(owner, lena)
    assert _verdict(owner, invitation).level == "does_not"
    _log(owner, lena, Interaction.Kind.IN_PERSON, 0)
    assert _verdict(owner, invitation).level == "meets"


def test_contact_verdicts_judge_a_contact_as_if_it_had_invited(owner):
    lena = _contact(owner)
    _log(owner, lena, Interaction.Kind.IN_PERSON, 0)
    ravi = _contact(owner, "Ravi Shankar")
    verdicts = contact_verdicts(owner, [lena.pk, ravi.pk], today=TODAY)
    assert verdicts[lena.pk].level == "meets"
    assert verdicts[ravi.pk].evidence == ["No interaction logged with Ravi Shankar"]


def test_another_owners_interactions_never_count(owner, other_user):
    lena = _contact(owner)
    theirs = Contact.objects.create(owner=other_user, full_name="Lena Fjeld")
    _log(other_user, theirs, Interaction.Kind.IN_PERSON, 0)
    assert contact_verdicts(owner, [lena.pk, theirs.pk], today=TODAY).keys() == {lena.pk}
    assert _verdict(owner, _invite(owner, lena)).level == "does_not"


# Linking -------------------------------------------------------------------------------------


def test_an_invitation_is_linked_by_its_profile_address(owner):
    lena = _contact(owner, "Lena F.", url="https://www.linkedin.com/in/lenafjeld")
    invitation = _invite(owner, url="https://linkedin.com/in/LenaFjeld/")
    assert invitations_link_contacts(owner) == 1
    invitation.refresh_from_db()
    assert invitation.contact == lena


def test_an_invitation_is_linked_by_a_name_only_one_contact_has(owner):
    lena = _contact(owner, "Lena  Fjeld")
    invitation = _invite(owner, name="lena fjeld")
    assert invitations_link_contacts(owner) == 1
    invitation.refresh_from_db()
    assert invitation.contact == lena


def test_a_name_two_contacts_share_links_neither(owner):
    _contact(owner, "Lena Fjeld", url="https://www.linkedin.com/in/lena-one")
    _contact(owner, "Lena Fjeld")
    invitation = _invite(owner, name="Lena Fjeld")
    assert invitations_link_contacts(owner) == 0
    invitation.refresh_from_db()
    assert invitation.contact is None
    assert _verdict(owner, invitation).evidence == ["Lena Fjeld is not in your contacts"]


def test_a_namesake_with_another_profile_is_another_person(owner):
    _contact(owner, "Lena Fjeld", url="https://www.linkedin.com/in/lena-one")
    invitation = _invite(owner, name="Lena Fjeld", url="https://www.linkedin.com/in/lena-two")
    assert invitations_link_contacts(owner) == 0
    invitation.refresh_from_db()
    assert invitation.contact is None


def test_a_new_contact_made_by_hand_links_its_invitation(owner, django_capture_on_commit_callbacks):
    invitation = _invite(owner, name="Ravi Shankar", url="https://www.linkedin.com/in/ravi")
    with django_capture_on_commit_callbacks(execute=True):
        ravi = Contact.objects.create(
            owner=owner, full_name="Ravi S.", linkedin_url="https://www.linkedin.com/in/ravi"
        )
    invitation.refresh_from_db()
    assert invitation.contact == ravi


def test_meeting_someone_who_invited_you_at_a_logged_event_makes_them_meet_the_policy(
    owner, owner_client, django_capture_on_commit_callbacks
):
    from tests.interactions.test_log_meeting import _post

    invitation = _invite(owner, name="Ravi Shankar", direction=Invitation.Direction.INCOMING)
    with django_capture_on_commit_callbacks(execute=True):
        _post(owner_client, rows=[{"full_name": "Ravi Shankar", "checked": "Ravi Shankar"}])
    invitation.refresh_from_db()
    assert invitation.contact.full_name == "Ravi Shankar"
    verdict = invitation_verdicts(owner, [invitation])[invitation.pk]
    assert verdict.level == "meets"
    assert any("Nordic Innovation Summit" in line for line in verdict.evidence)


def test_a_contact_whose_profile_is_added_later_links_its_invitation(
    owner, django_capture_on_commit_callbacks
):
    invitation = _invite(owner, name="Ravi Shankar", url="https://www.linkedin.com/in/ravi")
    with django_capture_on_commit_callbacks(execute=True):
        ravi = Contact.objects.create(owner=owner, full_name="R. Shankar")
    invitation.refresh_from_db()
    assert invitation.contact is None
    ravi.linkedin_url = "https://www.linkedin.com/in/ravi"
    with django_capture_on_commit_callbacks(execute=True):
        ravi.save()
    invitation.refresh_from_db()
    assert invitation.contact == ravi


def test_another_owners_contact_is_never_linked(owner, other_user):
    Contact.objects.create(owner=other_user, full_name="Lena Fjeld")
    invitation = _invite(owner)
    invitations_link_contacts(owner)
    invitation.refresh_from_db()
    assert invitation.contact is None


# Declined people who now meet the policy -----------------------------------------------------


def test_someone_declined_then_met_at_an_event_is_suggested(owner):
    ravi = _contact(owner, "Ravi Shankar")
    invitation = _invite(
        owner,
        ravi,
        name="Ravi Shankar",
        status=Invitation.Status.DECLINED,
        decided_at=datetime.datetime(2025, 10, 2, 9, 0, tzinfo=datetime.UTC),
    )
    week = Event.objects.create(owner=owner, name="Oslo Innovation Week", date=TODAY)
    _log(owner, ravi, Interaction.Kind.IN_PERSON, on=datetime.date(2025, 11, 20), event=week)
    [(found, verdict, sentence)] = declined_now_meeting_policy(owner)
    assert found == invitation
    assert verdict.level == "meets"
    assert sentence == (
        "You declined Ravi Shankar on 2 Oct 2025; since then you met at Oslo Innovation Week"
    )


def test_someone_declined_after_the_last_meeting_is_not_suggested(owner):
    ravi = _contact(owner, "Ravi Shankar")
    _log(owner, ravi, Interaction.Kind.IN_PERSON, on=datetime.date(2025, 9, 1))
    _invite(
        owner,
        ravi,
        name="Ravi Shankar",
        status=Invitation.Status.DECLINED,
        decided_at=datetime.datetime(2025, 10, 2, 9, 0, tzinfo=datetime.UTC),
    )
    assert declined_now_meeting_policy(owner) == []


# Cost ----------------------------------------------------------------------------------------


def _pending(owner, size: int) -> None:
    contacts = Contact.objects.bulk_create(
        Contact(owner=owner, full_name=f"Person {n:05}") for n in range(size)
    )
    event = Event.objects.create(owner=owner, name="Summit", date=TODAY)
    Interaction.objects.bulk_create(
        Interaction(
            owner=owner,
            contact=contact,
            kind=kind,
            event=event if kind == Interaction.Kind.IN_PERSON else None,
            occurred_on=TODAY - datetime.timedelta(days=n * 40),
        )
        for contact in contacts
        for n, kind in enumerate([Interaction.Kind.IN_PERSON, Interaction.Kind.MESSAGE])
    )
    Invitation.objects.bulk_create(
        Invitation(owner=owner, name=contact.full_name, contact=contact if n % 2 else None)
        for n, contact in enumerate(contacts)
    )


@pytest.mark.parametrize("size", [10, 2000])
def test_verdicts_cost_the_same_queries_at_10_and_2000_pending(owner, size, request):
    _pending(owner, size)
    settings = OwnerSettings.for_user(owner)
    with CaptureQueriesContext(connection) as queries:
        verdicts = invitation_verdicts(
            owner, Invitation.objects.owned_by(owner).pending(), settings=settings, today=TODAY
        )
    assert len(verdicts) == size
    assert len(queries) == 3
    with CaptureQueriesContext(connection) as queries:
        linked = invitations_link_contacts(owner)
    assert linked == size // 2
    assert len(queries) == 3


def test_a_vcard_import_links_the_invitation_of_a_person_it_adds(owner, tmp_path):
    invitation = _invite(owner, name="Ingrid Berg", url="https://www.linkedin.com/in/ingridberg")
    card = tmp_path / "ingrid.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ingrid Berg\r\n"
        "URL:https://www.linkedin.com/in/ingridberg\r\nEND:VCARD\r\n"
    )
    vcard_import(owner, card)
    invitation.refresh_from_db()
    assert invitation.contact.full_name == "Ingrid Berg"


def test_a_merge_that_brings_the_profile_links_the_invitation(
    owner, django_capture_on_commit_callbacks
):
    keep = _contact(owner, "Ingrid Berg")
    _contact(owner, "Ingrid Berg")  # a namesake: the name alone does not tell who invited
    other = _contact(owner, "I. Berg", url="https://www.linkedin.com/in/ingridberg")
    Contact.objects.filter(pk=other.pk).update(full_name="Ingrid B.")
    invitation = _invite(owner, name="Ingrid Berg", url="https://www.linkedin.com/in/ingridberg")
    Invitation.objects.filter(pk=invitation.pk).update(contact=None)
    with django_capture_on_commit_callbacks(execute=True):
        contacts_merge(owner, keep, other, take_from_other={"linkedin_url"})
    invitation.refresh_from_db()
    assert invitation.contact == keep
