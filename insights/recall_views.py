"""The Recall page: today's checks one card at a time (htmx, or plain POSTs without JavaScript).

A check shows the cue (the face, or the name and company), takes the owner's answer, then shows
the answer side, where "what they stand for" can be fixed on the spot, and goes on to the next.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from insights.models import Rating, RecallCard, RecallLog
from insights.recall import (
    owner_day,
    recall_answer,
    recall_cards_ensure,
    recall_next_due,
    recall_session,
    recall_undo,
)
from interactions.forms import parse_id
from network.htmx import template_for
from network.models import Contact, OwnerSettings
from network.templatetags.kith import day as day_words

TEMPLATE = "insights/recall.html"
RECENT = 3


class StandsForForm(forms.Form):
    stands_for = forms.CharField(
        label="What they stand for",
        max_length=Contact._meta.get_field("stands_for").max_length,
        required=False,
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def recall(request: HttpRequest) -> HttpResponse:
    return _front(request, parse_id(request.GET.get("card", "")))


@login_required
@require_POST
def recall_answer_view(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _get_contact_for_user(request, contact_id)
    if contact.is_archived:  # in another tab, while their check was on screen
        messages.info(request, f"{contact.full_name} was archived: no check for them.")
        return _front_or_redirect(request)
    rating, seen = request.POST.get("rating", ""), parse_id(request.POST.get("reviews", ""))
    if rating not in {str(value) for value in Rating.values} or seen is None:
        messages.error(request, "Answer with No idea, Vaguely, Yes or Instantly.")
        return _front_or_redirect(request, contact.pk)
    owner_settings = OwnerSettings.for_user(request.user)
    log = recall_answer(
        request.user, owner_settings, contact, int(rating), timezone.now(), seen_reviews=seen
    )
    if log is None:
        messages.info(
            request,
            f"{contact.full_name} was already answered in another tab: "
            "that answer counts, this one does not.",
        )
        return _front_or_redirect(request)
    if request.htmx:
        return _back(request, contact, owner_settings)
    return redirect("insights:recall-reveal", contact_id=contact.pk)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def recall_reveal(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _get_contact_for_user(request, contact_id)
    return _back(request, contact, OwnerSettings.for_user(request.user))


@login_required
@require_POST
def recall_stands_for(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _get_contact_for_user(request, contact_id)
    form = StandsForForm(request.POST)
    if not form.is_valid():
        return _back(request, contact, OwnerSettings.for_user(request.user), form)
    contact.stands_for = " ".join(form.cleaned_data["stands_for"].split())
    contact.save(update_fields=["stands_for", "updated_at"])
    messages.success(request, f"Saved what {contact.full_name} stands for.")
    if request.htmx:
        return _back(request, contact, OwnerSettings.for_user(request.user))
    return redirect("insights:recall-reveal", contact_id=contact.pk)


@login_required
@require_POST
def recall_undo_view(request: HttpRequest) -> HttpResponse:
    owner_settings = OwnerSettings.for_user(request.user)
    now = timezone.now()
    # The answer the button named ("Undo Yes for Ana"), not whatever was answered last: another
    # tab may have answered since, and a second press must not take back an earlier answer.
    named = parse_id(request.POST.get("log", ""))
    log = _last_answer(request, owner_settings, now, named)
    if log is None:
        messages.info(
            request,
            "No answer of today to undo."
            if named is None
            else "Nothing undone: that answer was already taken back, or is not from today.",
        )
        return _front_or_redirect(request)
    if not recall_undo(request.user, log, now):
        messages.info(
            request, f"{log.contact.full_name} was answered again in another tab: nothing undone."
        )
        return _front_or_redirect(request)
    messages.success(
        request, f"Undone: {log.get_rating_display()} for {log.contact.full_name}. Answer again."
    )
    return _front_or_redirect(request, log.contact_id)


def _get_contact_for_user(request: HttpRequest, contact_id: int) -> Contact:
    return get_object_or_404(Contact.objects.owned_by(request.user), pk=contact_id)


def _last_answer(
    request: HttpRequest,
    owner_settings: OwnerSettings,
    now: datetime.datetime,
    log_id: int | None = None,
) -> RecallLog | None:
    """The owner's last answer of today that still counts: what "u" takes back (or the answer
    ``log_id`` when it is one of those)."""
    day = owner_day(owner_settings, now)
    answers = RecallLog.objects.owned_by(request.user).filter(
        reviewed_at__gte=day.start, reviewed_at__lt=day.end, undone_at__isnull=True
    )
    if log_id is not None:
        answers = answers.filter(pk=log_id)
    return answers.select_related("contact").first()


def _front(request: HttpRequest, first: int | None = None) -> HttpResponse:
    """The next check of today (``first`` when it is due), or when the next one falls."""
    owner_settings = OwnerSettings.for_user(request.user)
    now = timezone.now()
    # People added since the last nightly pass get their cards here (none: one query).
    recall_cards_ensure(request.user, owner_settings=owner_settings)
    session = recall_session(request.user, owner_settings, now, limit=1, first=first)
    card = session.cards[0] if session.cards else None
    context = {
        "mode": "front" if card else "empty",
        "session": session,
        "card": card,
        "contact": card.contact if card else None,
        "ratings": Rating.choices,
        "last": _last_answer(request, owner_settings, now),
        "next_due": None if card else _next_due_words(request, owner_settings, now),
    }
    return render(request, template_for(request, TEMPLATE, "session"), context)


def _back(
    request: HttpRequest,
    contact: Contact,
    owner_settings: OwnerSettings,
    form: StandsForForm | None = None,
) -> HttpResponse:
    """The answer side: who they are, what they stand for (fixable), the last interactions."""
    now = timezone.now()
    card = RecallCard.objects.owned_by(request.user).filter(contact=contact).first()
    last = _last_answer(request, owner_settings, now)
    recent = contact.interactions.select_related("event").order_by("-occurred_on", "-pk")[:RECENT]
    context = {
        "mode": "back",
        "session": recall_session(request.user, owner_settings, now, limit=0),
        "card": card,
        "contact": contact,
        "answer": last if last and last.contact_id == contact.pk else None,
        "last": last,
        "next_check": _day_words(card.due, owner_settings, now) if card and card.reviews else "",
        "recent": list(recent),
        "form": form or StandsForForm(initial={"stands_for": contact.stands_for}),
    }
    return render(request, template_for(request, TEMPLATE, "session"), context)


def _front_or_redirect(request: HttpRequest, first: int | None = None) -> HttpResponse:
    """htmx gets the next card in place; a plain POST is redirected to the Recall page."""
    if request.htmx:
        return _front(request, first)
    url = reverse("insights:recall")
    return redirect(f"{url}?card={first}" if first else url)


def _next_due_words(request: HttpRequest, owner_settings: OwnerSettings, now) -> str:
    day = recall_next_due(request.user, owner_settings, now)
    return _day_words(day, owner_settings, now) if day else ""


def _day_words(value: datetime.date | datetime.datetime, owner_settings, now) -> str:
    """ "today", "tomorrow" or "on 14 Mar", in the owner's days."""
    if isinstance(value, datetime.datetime):
        value = value.astimezone(owner_settings.zone).date()
    today = owner_day(owner_settings, now).today
    if value <= today:
        return "today"
    if value == today + datetime.timedelta(days=1):
        return "tomorrow"
    return f"on {day_words(value)}"
