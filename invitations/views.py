from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from invitations.models import Invitation

INVITATIONS_PER_PAGE = 50


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    pending = Invitation.objects.owned_by(request.user).pending().select_related("contact")
    page = Paginator(pending, INVITATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "invitations/review.html", {"page": page})
