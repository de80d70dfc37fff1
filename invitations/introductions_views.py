"""Pages of the introduction requests: the list, recording one, and deciding it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interactions.forms import parse_id
from invitations import introductions
from invitations.introductions import IntroductionRequestForm
from invitations.models import IntroductionRequest
from network.models import Contact

INTRODUCTIONS_PER_PAGE = 50
SIDES = {"requester": "Who asks", "target": "Whom they would meet"}
Status = IntroductionRequest.Status
DECISION_MESSAGES = {
    Status.INTRODUCED: "Marked as introduced. Copy the introduction and send it to both.",
    Status.ASKED_TARGET: "Marked as asked first. Copy the message and send it to {target}.",
    Status.DECLINED: "Marked as declined. Copy the kind reply and send it to {requester}.",
}


def _get_introduction_for_user(
    request: HttpRequest, introductionrequest_id: int
) -> IntroductionRequest:
    return get_object_or_404(
        IntroductionRequest.objects.owned_by(request.user).select_related("requester", "target"),
        pk=introductionrequest_id,
    )


@login_required
@require_GET
def introduction_list(request: HttpRequest) -> HttpResponse:
    requests = introductions.introductions_for_list(request.user)
    page = Paginator(requests, INTRODUCTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "invitations/introduction_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def introduction_create(request: HttpRequest) -> HttpResponse:
    finding = "find" in request.POST
    form = IntroductionRequestForm(
        request.POST if request.method == "POST" and not finding else None,
        initial={"reason": request.POST.get("reason", "")},
        owner=request.user,
    )
    if form.is_bound and form.is_valid():
        introduction = form.save()
        if introduction is form.instance:
            messages.success(request, f"Request recorded: {introduction}.")
        else:
            messages.info(request, f"This request is already waiting: {introduction}.")
        return redirect("invitations:introduction-detail", introduction.pk)
    values = request.POST if request.method == "POST" else request.GET
    return render(
        request,
        "invitations/introduction_form.html",
        {"form": form, "sides": _picker_sides(request, values, form)},
    )


@login_required
@require_GET
def introduction_people(request: HttpRequest) -> HttpResponse:
    """The search field's suggestions for one side, keeping the person already chosen."""
    name = request.GET.get("side")
    if name not in SIDES:
        name = "requester"
    side = _picker_sides(request, request.GET, None, only=name)[0]
    return render(request, "invitations/introduction_form.html#choices", {"side": side})


def _picker_sides(request: HttpRequest, values, form, *, only: str | None = None) -> list[dict]:
    """Each side's search text, its matching contacts and the one chosen (kept listed first)."""
    names = [only] if only else list(SIDES)
    chosen_ids = {name: values.get(name, "") for name in names}
    owned = Contact.objects.owned_by(request.user)
    # Only what can be a row id reaches the database: "²" passes isdigit(), and 20 digits
    # overflow the column.
    valid_ids = [v for v in chosen_ids.values() if parse_id(v) is not None]
    chosen = {str(contact.pk): contact for contact in owned.filter(pk__in=valid_ids)}
    sides = []
    for name in names:
        query = values.get(f"{name}_q", "")[:100]
        person = chosen.get(chosen_ids[name])
        people = [person] if person else []
        people += [p for p in introductions.people_matching(request.user, query) if p != person]
        sides.append(
            {
                "name": name,
                "label": SIDES[name],
                "q": query,
                "people": people,
                "chosen": person,
                "field": form[name] if form is not None else None,
            }
        )
    return sides


@login_required
@require_GET
def introduction_detail(request: HttpRequest, introductionrequest_id: int) -> HttpResponse:
    introduction = _get_introduction_for_user(request, introductionrequest_id)
    sides = introductions.introduction_sides(request.user, introduction)
    drafts = {
        Status.INTRODUCED: introductions.draft_introduction(introduction),
        Status.ASKED_TARGET: introductions.draft_ask_target(introduction),
        Status.DECLINED: introductions.draft_decline(introduction, sides[1].verdict),
    }
    return render(
        request,
        "invitations/introduction_detail.html",
        {"introduction": introduction, "sides": sides, "drafts": drafts},
    )


@login_required
@require_POST
def introduction_decide(request: HttpRequest, introductionrequest_id: int) -> HttpResponse:
    introduction = _get_introduction_for_user(request, introductionrequest_id)
    decision = request.POST.get("decision", "")
    if decision not in introductions.DECISIONS:
        messages.error(request, "Choose introduce, ask first or decline.")
    elif introductions.introduction_decide(introduction, decision):
        messages.success(
            request,
            DECISION_MESSAGES[decision].format(
                target=introduction.target.full_name, requester=introduction.requester.full_name
            ),
        )
    else:
        messages.info(
            request,
            f"This request was already marked “{introduction.get_status_display()}”, "
            "perhaps in another tab: nothing was changed.",
        )
    return redirect("invitations:introduction-detail", introduction.pk)


@login_required
@require_POST
def introduction_undo(request: HttpRequest, introductionrequest_id: int) -> HttpResponse:
    introduction = _get_introduction_for_user(request, introductionrequest_id)
    if introductions.introduction_undo(introduction):
        messages.success(request, "Undone: the request waits for your decision again.")
    else:
        messages.info(request, "This request was already waiting for your decision.")
    return redirect("invitations:introduction-detail", introduction.pk)


@login_required
@require_POST
def introduction_outcome(request: HttpRequest, introductionrequest_id: int) -> HttpResponse:
    introduction = _get_introduction_for_user(request, introductionrequest_id)
    outcome = request.POST.get("outcome", "").strip()
    limit = IntroductionRequest._meta.get_field("outcome").max_length
    if len(outcome) > limit:
        messages.error(request, f"The note is too long: at most {limit} characters, nothing saved.")
    else:
        IntroductionRequest.objects.filter(pk=introduction.pk).update(outcome=outcome)
        messages.success(request, "Note on the outcome saved.")
    return redirect("invitations:introduction-detail", introduction.pk)
