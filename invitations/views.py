import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from invitations import review as weekly
from invitations.forms import DecisionForm, DeclineMessageForm, HistoryFilterForm, InvitationForm
from invitations.models import DeclineMessage, Invitation, Review
from invitations.policy import declined_now_meeting_policy, invitation_verdicts, policy_change
from network.forms import OwnerSettingsForm
from network.htmx import template_for
from network.models import OwnerSettings

INVITATIONS_PER_PAGE = 50


# The weekly review --------------------------------------------------------------------------
# Its undo stack lives in the session, keyed by the open review, so "u" takes back this
# review's decisions one by one and nothing of a finished review.
REVIEW_HISTORY = "review_history"


@login_required
@require_GET
@vary_on_headers("HX-Request")
def review(request: HttpRequest) -> HttpResponse:
    return _review_walk(request)


@login_required
@require_POST
def review_start(request: HttpRequest) -> HttpResponse:
    weekly.review_start(request.user)
    return _review_walk_or_redirect(request)


@login_required
@require_POST
def review_decide(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.owned_by(request.user).filter(direction=Invitation.Direction.INCOMING),
        pk=invitation_id,
    )
    return review_decision(request, weekly.INVITATION, invitation)


def review_decision(request: HttpRequest, kind: str, subject) -> HttpResponse:
    """One decision posted on one item of the walk, the subject already fetched for its owner
    (by this view for an invitation, by the view of the app that registered the kind)."""
    source = weekly.review_source(kind)
    decision = source.decisions.get(request.POST.get("decision", ""))
    if decision is None:
        messages.error(request, source.choose_text)
        return _review_walk_or_redirect(request)
    owner_settings = OwnerSettings.for_user(request.user)
    outcome = source.decide(request.user, owner_settings, subject, decision, request.POST)
    if outcome.decided:
        entry = {
            "kind": kind,
            "id": subject.pk,
            "decision": decision.name,
            "text": outcome.text,
            "message": outcome.message,
            "copy_label": outcome.copy_label,
            "profile_url": outcome.profile_url,
            "undo": outcome.undo,
        }
        review = weekly.review_open(request.user)
        _save_history(request, review, [*_history(request, review), entry])
    elif outcome.invalid:
        messages.error(request, outcome.text)
    else:
        messages.info(request, outcome.text)
    return _review_walk_or_redirect(request)


@login_required
@require_POST
def review_undo(request: HttpRequest) -> HttpResponse:
    review = weekly.review_open(request.user)
    entries = _history(request, review)
    if not entries:
        messages.info(request, "Nothing to undo in this review.")
        return _review_walk_or_redirect(request)
    # The button names the decision it takes back ("invitation:12"): a second press, or a tab
    # that has not seen a later decision, must not take back another one.
    named = request.POST.get("item")
    if named is not None and named != f"{entries[-1]['kind']}:{entries[-1]['id']}":
        messages.info(
            request, "Nothing undone: that decision was already taken back, or another came since."
        )
        return _review_walk_or_redirect(request)
    entry = entries.pop()
    _save_history(request, review, entries)
    undone = weekly.review_undo(request.user, review, entry)
    if undone:
        messages.success(request, undone)
    else:
        messages.info(request, "That decision was changed since, in another tab: nothing undone.")
    return _review_walk_or_redirect(request)


@login_required
@require_POST
def review_finish(request: HttpRequest) -> HttpResponse:
    review = weekly.review_finish(request.user)
    if review is None:
        messages.info(request, "No review was open.")
    else:
        messages.success(request, f"Review finished: {weekly.review_summary(review)}.")
    return redirect("insights:dashboard")


def _review_walk(request: HttpRequest) -> HttpResponse:
    walk = weekly.review_walk(request.user, OwnerSettings.for_user(request.user))
    history = _history(request, walk.review)
    context = {"walk": walk, "item": walk.current, "last": history[-1] if history else None}
    return render(request, template_for(request, "invitations/review.html", "walk"), context)


def _review_walk_or_redirect(request: HttpRequest) -> HttpResponse:
    """htmx gets the next card in place; a plain POST is redirected to it."""
    if request.htmx:
        return _review_walk(request)
    return redirect("invitations:review")


def _history(request: HttpRequest, review: Review | None) -> list[dict]:
    stored = request.session.get(REVIEW_HISTORY) or {}
    if review is None or stored.get("review") != review.pk:
        return []
    return list(stored.get("entries", []))


def _save_history(request: HttpRequest, review: Review | None, entries: list[dict]) -> None:
    if review is not None:
        request.session[REVIEW_HISTORY] = {"review": review.pk, "entries": entries}


# The Invitations page ----------------------------------------------------------------------

WITHDRAW_AFTER = datetime.timedelta(weeks=3)
OUTGOING_PER_PAGE = 50
HISTORY_PER_PAGE = 50
DECLINED_SHOWN = 5
ALREADY = {
    Invitation.Status.ACCEPTED: "Already accepted in another tab.",
    Invitation.Status.DECLINED: "Already declined in another tab.",
    Invitation.Status.WITHDRAWN: "Already withdrawn in another tab.",
    Invitation.Status.PENDING: "Already changed in another tab: here it is as it stands now.",
}
DONE = {
    "accept": "Accepted {name}: now connect on LinkedIn too.",
    "decline": "Declined {name}.",
    "defer": "{name} comes back to the review on {until:%-d %b %Y}.",
    "withdraw": "Withdrew the invitation to {name}.",
    "undo": "Undone: {name} is as before.",
}


def _get_invitation_for_user(request: HttpRequest, invitation_id: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.owned_by(request.user).select_related("contact"), pk=invitation_id
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def invitation_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    mine = Invitation.objects.owned_by(request.user).select_related("contact")
    incoming = list(mine.pending_incoming(today))
    verdicts = invitation_verdicts(request.user, incoming, today=today)
    for invitation in incoming:
        invitation.verdict = verdicts.get(invitation.pk)
    # Verdict first (meets, almost, does not), then the longest waiting.
    incoming.sort(key=lambda i: (i.verdict.rank if i.verdict else 3, i.sent_at))
    outgoing = Paginator(mine.pending_outgoing().order_by("sent_at", "pk"), OUTGOING_PER_PAGE)
    outgoing_page = outgoing.get_page(request.GET.get("outgoing_page"))
    for invitation in outgoing_page:
        invitation.waited = timezone.now() - invitation.sent_at
        invitation.suggest_withdraw = invitation.waited > WITHDRAW_AFTER
    history_filter = HistoryFilterForm(request.GET or None)
    history = Paginator(
        history_filter.filter(mine.decided()).order_by("-decided_at", "-pk"), HISTORY_PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {
        "incoming": Paginator(incoming, INVITATIONS_PER_PAGE).get_page(request.GET.get("in_page")),
        "outgoing": outgoing_page,
        "history": history,
        "history_filter": history_filter,
        "declined": declined_now_meeting_policy(request.user, limit=DECLINED_SHOWN),
        "today": today,
    }
    return render(
        request, template_for(request, "invitations/invitation_list.html", "history"), context
    )


@login_required
@require_POST
def invitation_decide(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _get_invitation_for_user(request, invitation_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        notice = " ".join(" ".join(errors) for errors in form.errors.values())
        return _card_response(request, invitation, notice, level=messages.ERROR)
    action, data = form.cleaned_data["action"], form.cleaned_data
    status_before = invitation.status
    if action == "accept":
        done = invitation.accept()
    elif action == "decline":
        done = invitation.decline(message=data["message"])
    elif action == "defer":
        done = invitation.defer(data["until"])
    elif action == "withdraw":
        done = invitation.withdraw()
    else:
        done = invitation.undo()
    if done:
        notice = DONE[action].format(name=invitation.name, until=data.get("until"))
        return _card_response(request, invitation, notice, level=messages.SUCCESS)
    if action == "undo" and status_before == invitation.status and not invitation.undo_state:
        notice = "Nothing to undo: this invitation has no decision."
    else:
        notice = ALREADY[invitation.status]
    return _card_response(request, invitation, notice, level=messages.WARNING)


def _card_response(
    request: HttpRequest, invitation: Invitation, notice: str, *, level: int
) -> HttpResponse:
    if not request.htmx:
        messages.add_message(request, level, notice)
        return redirect("invitations:invitation-list")
    if invitation.status == Invitation.Status.PENDING and invitation.is_incoming:
        verdicts = invitation_verdicts(request.user, [invitation])
        invitation.verdict = verdicts.get(invitation.pk)
    response = render(
        request,
        "invitations/invitation_list.html#card",
        {"invitation": invitation, "notice": notice, "today": timezone.localdate()},
    )
    return trigger_client_event(response, "invitations-changed")


@login_required
@require_GET
def invitation_decline(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """The decline step: the chosen message ready to copy, then the decline itself."""
    invitation = _get_invitation_for_user(request, invitation_id)
    default = DeclineMessage.default_for(request.user)
    choices = list(DeclineMessage.objects.owned_by(request.user))
    chosen = next((m for m in choices if str(m.pk) == request.GET.get("message")), default)
    return render(
        request,
        "invitations/invitation_decline.html",
        {"invitation": invitation, "choices": choices, "chosen": chosen},
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_add(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, instance=Invitation(owner=request.user))
    if request.method == "POST" and form.is_valid():
        invitation = form.save()
        messages.success(request, f"Added the invitation of {invitation.name}.")
        return redirect("invitations:invitation-list")
    return render(request, "invitations/invitation_form.html", {"form": form})


@login_required
@require_POST
def invitation_invite(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Records the owner's own invitation to someone they once declined."""
    declined = get_object_or_404(
        Invitation.objects.owned_by(request.user).filter(
            direction=Invitation.Direction.INCOMING, status=Invitation.Status.DECLINED
        ),
        pk=invitation_id,
    )
    invitation = declined.invite_back()
    messages.success(
        request,
        f"Recorded your invitation to {invitation.name}: send it on LinkedIn from their profile.",
    )
    return redirect("invitations:invitation-list")


# Decline messages ----------------------------------------------------------------------------


def _get_message_for_user(request: HttpRequest, declinemessage_id: int) -> DeclineMessage:
    return get_object_or_404(DeclineMessage.objects.owned_by(request.user), pk=declinemessage_id)


@login_required
@require_http_methods(["GET", "POST"])
def decline_message_list(request: HttpRequest) -> HttpResponse:
    DeclineMessage.default_for(request.user)
    form = DeclineMessageForm(request.POST or None, instance=DeclineMessage(owner=request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved the message “{form.instance.title}”.")
        return redirect("invitations:decline-message-list")
    declines = DeclineMessage.objects.owned_by(request.user)
    return render(
        request, "invitations/decline_message_list.html", {"form": form, "declines": declines}
    )


@login_required
@require_http_methods(["GET", "POST"])
def decline_message_edit(request: HttpRequest, declinemessage_id: int) -> HttpResponse:
    decline = _get_message_for_user(request, declinemessage_id)
    form = DeclineMessageForm(request.POST or None, instance=decline)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved the message “{decline.title}”.")
        return redirect("invitations:decline-message-list")
    return render(request, "invitations/decline_message_form.html", {"form": form})


@login_required
@require_POST
def decline_message_delete(request: HttpRequest, declinemessage_id: int) -> HttpResponse:
    decline = _get_message_for_user(request, declinemessage_id)
    decline.delete()
    messages.success(request, f"Deleted the message “{decline.title}”.")
    return redirect("invitations:decline-message-list")


@login_required
@require_POST
def decline_message_default(request: HttpRequest, declinemessage_id: int) -> HttpResponse:
    decline = _get_message_for_user(request, declinemessage_id)
    decline.make_default()
    messages.success(request, f"“{decline.title}” is now the message offered first.")
    return redirect("invitations:decline-message-list")


@login_required
@require_POST
@vary_on_headers("HX-Request")
def policy_preview(request: HttpRequest) -> HttpResponse:
    """Before saving a new policy: how many pending verdicts it would change. htmx swaps in the
    sentence; a plain POST gets the settings page back with the form as typed and the sentence."""
    current = OwnerSettings.for_user(request.user)
    # A second copy: validating the form writes the typed values onto its instance.
    form = OwnerSettingsForm(request.POST, instance=OwnerSettings.for_user(request.user))
    context: dict = {"form": form}
    if form.is_valid():
        context["preview"] = policy_change(request.user, form.instance, current=current)
    else:
        context["preview_errors"] = "Nothing to compare yet: " + " ".join(
            f"{form.fields[name].label if name in form.fields else ''} {' '.join(errors)}".strip()
            for name, errors in form.errors.items()
        )
    return render(
        request, template_for(request, "network/owner_settings.html", "policy-preview"), context
    )
