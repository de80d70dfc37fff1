import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from interactions.forms import (
    TOKEN,
    AttendeeForm,
    EventForm,
    InteractionForm,
    LogMeetingForm,
    QuickLogForm,
    new_row_token,
    parse_id,
)
from interactions.meetings import (
    AlreadySaved,
    PersonTaken,
    event_save,
    follow_up_done_log,
    interaction_log,
    interaction_restore,
    interaction_save,
    meeting_log_exists,
    meeting_save,
    meeting_undo,
)
from interactions.meetings import (
    interaction_delete as delete_interaction,
)
from interactions.models import Event, FollowUp, Interaction
from network.htmx import template_for
from network.models import Contact

SUGGESTIONS = 8
EVENTS_PER_PAGE = 30
UNDO_SESSION_KEY = "kith_undo_interaction"
SNOOZE_DAYS = {"1", "7", "30"}


def _get_contact_for_user(request: HttpRequest, contact_id: int) -> Contact:
    return get_object_or_404(Contact.objects.owned_by(request.user), pk=contact_id)


def _get_event_for_user(request: HttpRequest, event_id: int) -> Event:
    return get_object_or_404(Event.objects.owned_by(request.user), pk=event_id)


def _get_interaction_for_user(request: HttpRequest, interaction_id: int) -> Interaction:
    return get_object_or_404(
        Interaction.objects.owned_by(request.user).select_related("contact"), pk=interaction_id
    )


def _get_follow_up_for_user(request: HttpRequest, followup_id: int) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.owned_by(request.user).select_related("contact"), pk=followup_id
    )


def _chosen_event(request: HttpRequest) -> Event | None:
    event_id = parse_id(request.GET.get("event"))
    return Event.objects.owned_by(request.user).filter(pk=event_id).first() if event_id else None


def _contact_or_none(request: HttpRequest, value: str | None) -> Contact | None:
    contact_id = parse_id(value)
    return (
        Contact.objects.owned_by(request.user).filter(pk=contact_id).first() if contact_id else None
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_meeting(request: HttpRequest) -> HttpResponse:
    log = LogMeetingForm(request.user, request.POST or None, chosen_event=_chosen_event(request))
    if request.method == "POST":
        if _apply_row_action(request, log):  # the page without JavaScript adds and removes rows
            return _render_log(request, log)
        if log.is_valid():
            try:
                meeting_save(log)
            except AlreadySaved:
                return _already_saved(request, log.batch)
            except PersonTaken:
                return _render_log(request, log)
            return redirect(f"{reverse('interactions:log-saved')}?batch={log.batch}")
        # A second submit of a saved form fails validation when the first has just saved the
        # people it adds ("already in your network"): it lands where the first one did.
        if meeting_log_exists(request.user, log.posted_batch):
            return _already_saved(request, log.posted_batch)
    return _render_log(request, log)


def _already_saved(request: HttpRequest, batch: uuid.UUID) -> HttpResponse:
    messages.info(request, "This meeting was already saved; nothing was logged twice.")
    return redirect(f"{reverse('interactions:log-saved')}?batch={batch}")


def _render_log(request: HttpRequest, log: LogMeetingForm) -> HttpResponse:
    context = {"log": log, "suggestions": log.suggestions, "q": request.POST.get("q", "")[:100]}
    return render(request, "interactions/log_meeting.html", context)


def _apply_row_action(request: HttpRequest, log: LogMeetingForm) -> bool:
    """Handle the buttons that edit the list of people when JavaScript is off."""
    if "add_contact" in request.POST:
        log.add_row(contact=_contact_or_none(request, request.POST["add_contact"]))
    elif "add_new" in request.POST:
        log.add_row(name=request.POST["add_new"][:200])
    elif "remove" in request.POST:
        log.remove_row(request.POST["remove"])
    elif "different" in request.POST:
        log.mark_checked(request.POST["different"])
    elif "reuse" in request.POST:
        token, _, contact_id = request.POST["reuse"].partition(":")
        if contact := _contact_or_none(request, contact_id):
            log.remove_row(token)
            log.add_row(contact=contact)
    elif "search" in request.POST or request.POST.get("q", "").strip():
        # Enter in the search box submits the form: without JavaScript, that means "find".
        log.suggestions = _suggestions(request, request.POST.get("q", ""))
    else:
        return False
    log.as_draft()
    return True


def _suggestions(request: HttpRequest, text: str) -> list[Contact]:
    text = text.replace("\x00", "").strip()[:100]
    if not text:
        return []
    return list(
        Contact.objects.owned_by(request.user)
        .active()
        .search(text)
        .order_by("full_name")[:SUGGESTIONS]
    )


@login_required
@require_GET
def attendee_suggestions(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    return render(
        request,
        "interactions/log_meeting.html#suggestions",
        {"suggestions": _suggestions(request, query), "q": query},
    )


@login_required
@require_GET
def attendee_row(request: HttpRequest) -> HttpResponse:
    """One more person for the log form: an existing contact, or a new person by name."""
    contact = None
    if "contact" in request.GET:
        contact = _get_contact_for_user(request, parse_id(request.GET["contact"]))
    token = request.GET.get("token", "")
    name = request.GET.get("name", "").replace("\x00", "").strip()[:200]
    row = AttendeeForm(
        token=token if TOKEN.fullmatch(token) else new_row_token(),
        known={contact.pk: contact} if contact else {},
        initial={"contact": contact.pk if contact else None, "full_name": name},
    )
    if not contact and name:
        row.look_for_similar(request.user, full_name=name)
    return render(request, "interactions/log_meeting.html#attendee", {"row": row})


def _batch_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# A log sets at most one follow-up per interaction; open or done, it shows on the confirmation.
_follow_up_set_on = FollowUp.objects.filter(interaction=OuterRef("pk")).order_by("pk")


@login_required
@require_GET
def log_saved(request: HttpRequest) -> HttpResponse:
    batch = _batch_or_none(request.GET.get("batch", ""))
    logged = list(
        Interaction.objects.owned_by(request.user)
        .filter(batch=batch)
        .select_related("contact", "event")
        .annotate(follow_up_on=Subquery(_follow_up_set_on.values("due_on")[:1]))
        .order_by("contact__full_name")
    )
    if not logged:
        return redirect("interactions:log-meeting")
    context = {
        "logged": logged,
        "event": logged[0].event,
        "batch": batch,
        "follow_ups_set": any(interaction.follow_up_on for interaction in logged),
    }
    return render(request, "interactions/log_saved.html", context)


@login_required
@require_POST
def log_undo(request: HttpRequest) -> HttpResponse:
    """Undo this log: the whole save goes, nothing else comes back."""
    batch = _batch_or_none(request.POST.get("batch", ""))
    undone = meeting_undo(request.user, batch) if batch else None
    text = undone.message() if undone else "There is nothing to undo: this log was already undone."
    if request.htmx:
        context = {"undone": True, "undone_message": text}
        return render(request, "interactions/log_saved.html#undone", context)
    if undone:
        messages.success(request, text)
    else:
        messages.error(request, text)
    return redirect("interactions:log-meeting")


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def quick_log(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _get_contact_for_user(request, contact_id)
    form = QuickLogForm(request.POST or None)
    logged = None
    if request.method == "POST" and form.is_valid():
        logged = interaction_log(request.user, contact, **form.cleaned_data)
        if not request.htmx:
            messages.success(
                request, f"Logged: {logged.get_kind_display().lower()} with {contact.full_name}."
            )
            return redirect(contact)
        form = QuickLogForm()
    response = render(
        request,
        template_for(request, "interactions/quick_log.html", "quick-log"),
        {"form": form, "contact": contact, "logged": logged},
    )
    if logged:
        trigger_client_event(response, "interaction-logged")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def interaction_edit(request: HttpRequest, interaction_id: int) -> HttpResponse:
    interaction = _get_interaction_for_user(request, interaction_id)
    form = InteractionForm(request.POST or None, instance=interaction)
    if request.method == "POST" and form.is_valid():
        interaction_save(form)
        messages.success(request, "Interaction saved.")
        return redirect(interaction.contact)
    return render(
        request, "interactions/interaction_form.html", {"form": form, "interaction": interaction}
    )


@login_required
@require_POST
def interaction_delete(request: HttpRequest, interaction_id: int) -> HttpResponse:
    interaction = _get_interaction_for_user(request, interaction_id)
    contact = interaction.contact
    request.session[UNDO_SESSION_KEY] = delete_interaction(interaction)
    messages.success(
        request,
        f"Deleted the {interaction.get_kind_display().lower()} with {contact.full_name}.",
        extra_tags="undo",
    )
    return redirect(contact)


@login_required
@require_POST
def interaction_undo_delete(request: HttpRequest) -> HttpResponse:
    saved = request.session.pop(UNDO_SESSION_KEY, None)
    restored = interaction_restore(request.user, saved) if saved else None
    if restored is None:
        messages.error(request, "There is nothing to undo.")
        return redirect("insights:dashboard")
    messages.success(request, "Restored.")
    return redirect(restored.contact)


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    events = (
        Event.objects.owned_by(request.user)
        .annotate(people=Count("interactions__contact", distinct=True))
        .order_by("-date", "-pk")
    )
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "interactions/event_list.html", {"page": page})


@login_required
@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _get_event_for_user(request, event_id)
    met = event.interactions.select_related("contact").order_by("contact__full_name", "pk")
    follow_ups = (
        FollowUp.objects.owned_by(request.user)
        .filter(interaction__event=event)
        .select_related("contact")
    )
    return render(
        request,
        "interactions/event_detail.html",
        {"event": event, "met": met, "follow_ups": follow_ups},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _get_event_for_user(request, event_id)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        event_save(form)
        messages.success(request, f"{event.name} saved.")
        return redirect("interactions:event-detail", event_id=event.pk)
    return render(request, "interactions/event_form.html", {"form": form, "event": event})


@login_required
@require_POST
def follow_up_done(request: HttpRequest, followup_id: int) -> HttpResponse:
    follow_up = _get_follow_up_for_user(request, followup_id)
    form = QuickLogForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(form.errors.get("occurred_on", ["Choose how you followed up."]))
        )
    elif follow_up_done_log(follow_up, **form.cleaned_data):
        messages.success(request, f"Followed up with {follow_up.contact.full_name}.")
    return _follow_ups_changed(request)


@login_required
@require_POST
def follow_up_snooze(request: HttpRequest, followup_id: int) -> HttpResponse:
    follow_up = _get_follow_up_for_user(request, followup_id)
    days = request.POST.get("days", "7")
    if days not in SNOOZE_DAYS:
        messages.error(request, "Snooze for a day, a week or a month.")
    else:
        follow_up.snooze(int(days))
        messages.success(
            request,
            f"Snoozed: {follow_up.contact.full_name} is due on {follow_up.due_on:%d %b %Y}.",
        )
    return _follow_ups_changed(request)


def _follow_ups_changed(request: HttpRequest) -> HttpResponse:
    response = redirect("insights:dashboard")
    if request.htmx:
        response = HttpResponse(status=204)
        trigger_client_event(response, "follow-ups-changed")
    return response
