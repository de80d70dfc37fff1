"""The dashboard and the lists of people behind its numbers.

Every number is counted by insights.people with the very filter its list uses, so a number and
the list its link opens always agree. The charts are SVG drawn on the server (insights.charts):
no chart script has to run under the Content-Security-Policy.
"""

import datetime
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from insights import charts
from insights.models import RecallSnapshot
from insights.people import (
    HEALTHS,
    PEOPLE_LISTS,
    QUIET_AFTER_DAYS,
    SCORE_BIN,
    Scope,
    people_counts,
    people_in,
)
from insights.ties import LAYERS, WEAK_REASON_WORDS
from interactions.models import FollowUp, Interaction
from invitations.models import Invitation
from invitations.policy import (
    ALMOST,
    DOES_NOT,
    LABELS,
    MEETS,
    invitation_verdicts,
    months_before,
    owner_today,
)
from invitations.review import review_last_finished
from network.htmx import template_for
from network.models import Contact, OwnerSettings
from network.templatetags.kith import day

RECENT_INTERACTIONS = 8
FOLLOW_UPS_SHOWN = 20
WEAKENED_SHOWN = 5
TREND_WEEKS = 26
ACTIVITY_MONTHS = 24
PEOPLE_PER_PAGE = 50
FOLLOW_UP_IN_DAYS = 7
HEALTH_WORDS = {"on_cadence": "On cadence", "drifting": "Drifting", "flagged": "Flagged"}


@login_required
@require_GET
@vary_on_headers("HX-Request")
def dashboard(request: HttpRequest) -> HttpResponse:
    owner, owner_settings = request.user, OwnerSettings.for_user(request.user)
    scope = Scope.of(owner_settings)
    context = {
        "follow_ups": FollowUp.objects.owned_by(owner)
        .due(scope.today)
        .select_related("contact")[:FOLLOW_UPS_SHOWN],
        "today": scope.today,
        "kinds": Interaction.Kind.choices,
    }
    template = template_for(request, "insights/dashboard.html", "follow-ups")
    if template != "insights/dashboard.html":  # htmx refreshes the follow-ups alone
        return render(request, template, context)
    counts = people_counts(owner, scope)
    activity, interactions_last_30_days = _activity(owner, scope.today)
    context |= {
        "network": {
            "total": counts["total"],
            "connected": counts["connected"],
            "met_in_person": counts["met"],
            "never_interacted": counts["no_tie"],
            "quiet": counts["quiet"],
        },
        "counts": counts,
        "lists": {people.key: people for people in PEOPLE_LISTS.values()},
        "owner_settings": owner_settings,
        "quiet_after_days": QUIET_AFTER_DAYS,
        "recall": _recall_split(counts),
        "recall_share": round(100 * counts["recalled"] / counts["total"]) if counts["total"] else 0,
        "trend": _recall_trend(owner, scope.today, counts),
        "layers": _layers(counts),
        "weak_reasons": _weak_reasons(counts),
        "weakened": _weakened(owner, scope),
        "invitations": _invitations(owner, owner_settings, scope.today),
        "last_review": review_last_finished(owner),
        "activity": activity,
        "interactions_last_30_days": interactions_last_30_days,
        "strength": _strength(counts),
        "recent": Interaction.objects.owned_by(owner).select_related("contact", "event")[
            :RECENT_INTERACTIONS
        ],
    }
    return render(request, template, context)


def _recall_split(counts: dict) -> charts.Chart:
    parts = [
        charts.Part(
            css, PEOPLE_LISTS[slug].title, counts[PEOPLE_LISTS[slug].key], PEOPLE_LISTS[slug].url
        )
        for css, slug in (
            ("recalled", "recalled"),
            ("forgotten", "forgotten"),
            ("never", "never-checked"),
        )
    ]
    return charts.stacked_bar(
        "chart-recall", "How much of your network you recall", parts, "people"
    )


def _recall_trend(owner, today: datetime.date, counts: dict) -> charts.Chart:
    monday = today - datetime.timedelta(days=today.weekday())
    weeks = [
        charts.Week(s.week, s.total, s.recalled, s.forgotten, s.never_checked)
        for s in RecallSnapshot.objects.owned_by(owner).filter(
            week__gte=monday - datetime.timedelta(weeks=TREND_WEEKS), week__lt=monday
        )
    ]
    # This week counted live, so a recall session shows at once.
    live = (counts["total"], counts["recalled"], counts["forgotten"], counts["never_checked"])
    return charts.recall_trend([*weeks, charts.Week(monday, *live)])


def _layers(counts: dict) -> list[dict]:
    rows = []
    for layer in LAYERS:
        people = PEOPLE_LISTS[f"layer-{layer.number}"]
        parts = [
            charts.Part(
                health,
                HEALTH_WORDS[health],
                counts[f"layer_{layer.number}_{health}"],
                f"{people.url}?health={health}",
            )
            for health in HEALTHS
        ]
        chart = charts.stacked_bar(
            f"chart-layer-{layer.number}", f"Health of {layer.name}", parts, "ties"
        )
        rows.append({"layer": layer, "people": people, "count": counts[people.key], "chart": chart})
    return rows


def _weak_reasons(counts: dict) -> list[tuple[str, int]]:
    reasons = [(words, counts[f"flagged_{code}"]) for code, words in WEAK_REASON_WORDS.items()]
    return sorted((reason for reason in reasons if reason[1]), key=lambda r: -r[1])


def _weakened(owner, scope: Scope) -> list[Contact]:
    open_follow_up = (
        FollowUp.objects.open()
        .filter(contact=OuterRef("pk"))
        .order_by("due_on")
        .values("due_on")[:1]
    )
    people = list(
        people_in(owner, PEOPLE_LISTS["weakened"], scope).annotate(
            follow_up_due=Subquery(open_follow_up)
        )[:WEAKENED_SHOWN]
    )
    for contact in people:
        tie = contact.tie
        contact.drop_chart = charts.drop(
            contact.pk, contact.full_name, tie.score_month_ago, tie.score, tie.explanation
        )
    return people


def _invitations(owner, owner_settings: OwnerSettings, today: datetime.date) -> dict:
    pending = Invitation.objects.owned_by(owner).pending_incoming(today)
    verdicts = invitation_verdicts(owner, pending, settings=owner_settings, today=today)
    levels = Counter(verdict.level for verdict in verdicts.values())
    return {
        "pending": len(verdicts),
        "verdicts": [(level, LABELS[level], levels[level]) for level in (MEETS, ALMOST, DOES_NOT)],
    }


def _activity(owner, today: datetime.date) -> tuple[charts.Chart, int]:
    """Interactions per month by kind over 24 months, and those of the last 30 days, in one
    aggregate query."""
    this_month = today.replace(day=1)
    months = [months_before(this_month, n) for n in range(ACTIVITY_MONTHS - 1, -1, -1)]
    rows = (
        Interaction.objects.owned_by(owner)
        .filter(occurred_on__gte=months[0])
        .annotate(month=TruncMonth("occurred_on"))
        .values("month", "kind")
        .annotate(
            count=Count("pk"),
            recent=Count("pk", filter=Q(occurred_on__gte=today - datetime.timedelta(days=30))),
        )
        .order_by()
    )
    counts, recent = {}, 0
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        counts[(month, row["kind"])] = row["count"]
        recent += row["recent"]
    chart = charts.stacked_columns(months, Interaction.Kind.choices, counts, today)
    return chart, recent


def _strength(counts: dict) -> charts.Chart:
    bins = []
    for low in range(0, 100, SCORE_BIN):
        people = PEOPLE_LISTS[f"score-{low}"]
        bins.append(
            charts.Part("strength", f"{low} to {low + SCORE_BIN}", counts[people.key], people.url)
        )
    return charts.histogram(bins)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def people(request: HttpRequest, slug: str) -> HttpResponse:
    """The people behind one of the dashboard's numbers, each with the reason they are in it."""
    people_list = PEOPLE_LISTS[slug]
    health = request.GET.get("health", "")
    if health and (not slug.startswith("layer-") or health not in HEALTHS):
        raise Http404("No such list.")
    scope = Scope.of(OwnerSettings.for_user(request.user))
    contacts = people_in(request.user, people_list, scope, health)
    page = Paginator(contacts, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "people_list": people_list,
        "health": HEALTH_WORDS.get(health, ""),
        "page": page,
        "rows": [(contact, people_list.reason(contact, scope)) for contact in page],
    }
    return render(request, template_for(request, "insights/people.html", "results"), context)


@login_required
@require_POST
def people_follow_up(request: HttpRequest, contact_id: int) -> HttpResponse:
    """A follow-up due in a week for a person whose tie weakened, unless one is already open."""
    today = owner_today(OwnerSettings.for_user(request.user))
    with transaction.atomic():
        # FollowUp has no unique constraint (a person may have several), so a write lock on
        # the person's row makes a double submit create one: the second request waits at this
        # update until the first commits, then finds its follow-up open. A no-op UPDATE, not
        # select_for_update(), because SQLite ignores FOR UPDATE but serialises writers.
        people = Contact.objects.owned_by(request.user).filter(pk=contact_id)
        if not people.update(updated_at=F("updated_at")):
            raise Http404("No such person.")
        contact = people.get()
        follow_up = FollowUp.objects.owned_by(request.user).open().filter(contact=contact).first()
        created = follow_up is None
        if created:
            follow_up = FollowUp.objects.create(
                owner=request.user,
                contact=contact,
                due_on=today + datetime.timedelta(days=FOLLOW_UP_IN_DAYS),
                note="Get back in touch: your tie weakened over the last month.",
            )
    if request.htmx:
        context = {"contact": contact, "follow_up_due": follow_up.due_on, "just_set": created}
        return render(request, "insights/dashboard.html#drift-follow-up", context)
    if created:
        messages.success(request, f"Follow up with {contact.full_name} by {day(follow_up.due_on)}.")
    else:
        messages.info(
            request,
            f"{contact.full_name} already has a follow-up, due {day(follow_up.due_on)}.",
        )
    return redirect("insights:dashboard")
