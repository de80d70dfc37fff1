"""A LinkedIn export is a snapshot: importing it again never undoes what the owner decided in
Kith since the last import."""

import datetime
from pathlib import Path

from django.utils import timezone

from invitations.models import Invitation
from portability.linkedin import linkedin_import

LINKEDIN = Path(__file__).resolve().parent.parent / "fixtures" / "linkedin"
DECIDED = ["status", "decided_at", "deferred_until", "decline_message", "undo_state", "contact"]


def _decisions(owner) -> dict[str, tuple]:
    return {
        invitation["name"]: tuple(invitation[field] for field in DECIDED)
        for invitation in Invitation.objects.filter(owner=owner).values("name", *DECIDED)
    }


def _incoming(owner, name: str) -> Invitation:
    return Invitation.objects.get(owner=owner, name=name, direction="incoming")


def test_importing_again_keeps_accepted_declined_and_deferred_invitations_as_decided(owner):
    linkedin_import(owner, LINKEDIN / "Invitations.csv")
    assert _incoming(owner, "Oluwaseun Bakare").source == Invitation.Source.LINKEDIN
    assert _incoming(owner, "Oluwaseun Bakare").accept()
    assert _incoming(owner, "Dr. Anja Vuković").decline(message="Let us meet first.")
    next_month = timezone.localdate() + datetime.timedelta(days=30)
    assert _incoming(owner, "Ravi Shankar").defer(next_month)
    decided = _decisions(owner)

    again = linkedin_import(owner, LINKEDIN / "Invitations.csv")
    linkedin_import(owner, LINKEDIN / "Complete_LinkedInDataExport_03-14-2026.zip")

    assert again.counts["invitations"].get("created", 0) == 0
    after = _decisions(owner)
    for name in ("Oluwaseun Bakare", "Dr. Anja Vuković", "Ravi Shankar"):
        assert after[name] == decided[name], name
    assert _incoming(owner, "Oluwaseun Bakare").status == "accepted"
    declined = _incoming(owner, "Dr. Anja Vuković")
    assert (declined.status, declined.decline_message) == ("declined", "Let us meet first.")
    assert _incoming(owner, "Ravi Shankar").deferred_until == next_month
    assert Invitation.objects.filter(owner=owner).count() == 10


def test_a_decision_made_before_a_reimport_can_still_be_undone(owner):
    linkedin_import(owner, LINKEDIN / "Invitations.csv")
    _incoming(owner, "Dr. Anja Vuković").decline(message="Let us meet first.")

    linkedin_import(owner, LINKEDIN / "Invitations.csv")

    invitation = _incoming(owner, "Dr. Anja Vuković")
    assert invitation.undo()
    assert (invitation.status, invitation.decline_message) == ("pending", "")
    assert Invitation.objects.filter(owner=owner, name="Dr. Anja Vuković").count() == 1


def test_an_invitation_put_off_then_accepted_on_linkedin_cannot_be_undone_into_pending(
    owner, tmp_path
):
    linkedin_import(owner, LINKEDIN / "Invitations.csv")
    assert _incoming(owner, "Ravi Shankar").defer(timezone.localdate() + datetime.timedelta(7))
    connections = tmp_path / "Connections.csv"
    connections.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ravi,Shankar,https://www.linkedin.com/in/ravi-shankar-fake,,,,01 Nov 2026\n"
    )

    linkedin_import(owner, connections)
    linkedin_import(owner, LINKEDIN / "Invitations.csv")

    ravi = _incoming(owner, "Ravi Shankar")
    assert (ravi.status, ravi.deferred_until) == ("accepted", None)
    assert not ravi.undo()
    assert _incoming(owner, "Ravi Shankar").status == "accepted"
