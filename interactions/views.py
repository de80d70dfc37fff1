import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
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
from interactions.meetings import AlreadySaved, interaction_log, meeting_save
from interactions.models import Event, FollowUp, Interaction
from interactions.stats import contacts_refresh_interaction_stats
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
                messages.info(request, "This meeting was already saved; nothing was logged twice.")
            return redirect(f"{reverse('interactions:log-saved')}?batch={log.batch}")
    return _render_log(request, log)


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
    row = AttendeeForm(
        token=token if TOKEN.fullmatch(token) else new_row_token(),
        known={contact.pk: contact} if contact else {},
        initial={
            "contact": contact.pk if contact else None,
            "full_name": request.GET.get("name", "").strip()[:200],
        },
    )
    return render(request, "interactions/log_meeting.html#attendee", {"row": row})


@login_required
@require_GET
def log_saved(request: HttpRequest) -> HttpResponse:
    try:
        batch = uuid.UUID(request.GET.get("batch", ""))
    except ValueError:
        return redirect("interactions:log-meeting")
    logged = list(
        Interaction.objects.owned_by(request.user)
        .filter(batch=batch)
        .select_related("contact", "event")
        .order_by("contact__full_name")
    )
    if not logged:
        return redirect("interactions:log-meeting")
    return render(
        request, "interactions/log_saved.html", {"logged": logged, "event": logged[0].event}
    )


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
        with transaction.atomic():
            form.save()
            contacts_refresh_interaction_stats([interaction.contact_id])
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
    request.session[UNDO_SESSION_KEY] = {
        "pk": interaction.pk,
        "contact": contact.pk,
        "event": interaction.event_id,
        "occurred_on": interaction.occurred_on.isoformat(),
        "kind": interaction.kind,
        "initiated_by": interaction.initiated_by,
        "note": interaction.note,
        "source": interaction.source,
        "external_id": interaction.external_id,
        "batch": str(interaction.batch) if interaction.batch else None,
        "follow_ups": list(interaction.follow_ups.values_list("pk", flat=True)),
    }
    with transaction.atomic():
        interaction.delete()
        contacts_refresh_interaction_stats([contact.pk])
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
    contact = Contact.objects.owned_by(request.user).filter(pk=(saved or {}).get("contact")).first()
    if not saved or not contact:
        messages.error(request, "There is nothing to undo.")
        return redirect("insights:dashboard")
    event = Event.objects.owned_by(request.user).filter(pk=saved["event"]).first()
    with transaction.atomic():
        restored, _ = Interaction.objects.owned_by(request.user).get_or_create(
            pk=saved["pk"],
            defaults=dict(
                owner=request.user,
                contact=contact,
                event=event,
                occurred_on=saved["occurred_on"],
                kind=saved["kind"],
                initiated_by=saved["initiated_by"],
                note=saved["note"],
                source=saved["source"],
                external_id=saved["external_id"],
                batch=saved.get("batch"),
            ),
        )
        FollowUp.objects.owned_by(request.user).filter(pk__in=saved.get("follow_ups", [])).update(
            interaction=restored
        )
        contacts_refresh_interaction_stats([contact.pk])
    messages.success(request, "Restored.")
    return redirect(contact)


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
        with transaction.atomic():
            form.save()
            if "date" in form.changed_data:
                # People met at the event move with its date; a later coffee logged
                # against the same event keeps its own.
                event.interactions.filter(occurred_on=form.initial["date"]).update(
                    occurred_on=event.date
                )
                contacts_refresh_interaction_stats(
                    Contact.objects.filter(interactions__event=event).distinct()
                )
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
    elif follow_up.done_at is None:
        with transaction.atomic():
            interaction_log(request.user, follow_up.contact, **form.cleaned_data)
            follow_up.mark_done()
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
