from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from interactions.models import FollowUp, Interaction
from invitations.models import Invitation
from invitations.review import review_last_finished
from network.htmx import template_for
from network.models import Contact

RECENT_INTERACTIONS = 8
FOLLOW_UPS_SHOWN = 20
QUIET_AFTER_DAYS = 365


@login_required
@require_GET
@vary_on_headers("HX-Request")
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    quiet_since = today - timedelta(days=QUIET_AFTER_DAYS)
    network = (
        Contact.objects.owned_by(request.user)
        .active()
        .aggregate(
            total=Count("pk"),
            connected=Count("pk", filter=Q(linkedin_status=Contact.LinkedInStatus.CONNECTED)),
            met_in_person=Count("pk", filter=Q(in_person_count__gt=0)),
            never_interacted=Count("pk", filter=Q(last_interaction_on__isnull=True)),
            quiet=Count("pk", filter=Q(last_interaction_on__lt=quiet_since)),
        )
    )
    interactions = Interaction.objects.owned_by(request.user)
    context = {
        "network": network,
        "quiet_after_days": QUIET_AFTER_DAYS,
        "interactions_last_30_days": interactions.since(today - timedelta(days=30)).count(),
        "pending_invitations": Invitation.objects.owned_by(request.user)
        .pending_incoming(today)
        .count(),
        "last_review": review_last_finished(request.user),
        "recent": interactions.select_related("contact", "event")[:RECENT_INTERACTIONS],
        "follow_ups": FollowUp.objects.owned_by(request.user)
        .due(today)
        .select_related("contact")[:FOLLOW_UPS_SHOWN],
        "today": today,
        "kinds": Interaction.Kind.choices,
    }
    return render(request, template_for(request, "insights/dashboard.html", "follow-ups"), context)
