"""The weak-tie part of the weekly review: its one view posts a decision on a flagged tie.

The walk, undo and finish are the review's own views (invitations/views.py); this view only
fetches the tie for its owner and hands it to the walk's decision view.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from insights.models import Tie
from insights.weak_review import TIE
from invitations.views import review_decision


@login_required
@require_POST
def review_tie_decide(request: HttpRequest, contact_id: int) -> HttpResponse:
    tie = get_object_or_404(
        Tie.objects.owned_by(request.user).select_related("contact"), pk=contact_id
    )
    return review_decision(request, TIE, tie)
