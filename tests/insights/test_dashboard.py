"""The dashboard: every number links to the list of exactly those people; charts that escape
and date honestly; the one-click follow-up of a drifting tie."""

import datetime
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from insights.models import Rating, RecallCard, RecallLog, RecallSnapshot, Tie
from insights.people import PEOPLE_LISTS
from insights.recall import recall_counts, recall_session
from interactions.models import FollowUp
from network.models import Contact, OwnerSettings
from network.templatetags.kith import day
from tests.factories import ContactFactory, FollowUpFactory, InteractionFactory, UserFactory

HTMX = {"HX-Request": "true"}


def _person(owner, name: str, *, tie: dict | None = None, card: dict | None = None, **fields):
    """A contact with, when given, its Tie and RecallCard rows as insights.compute and
    insights.recall would leave them."""
    contact = ContactFactory(owner=owner, full_name=name, **fields)
    if tie is not None:
        Tie.objects.create(owner=owner, contact=contact, **tie)
    if card is not None:
        due = timezone.now() + datetime.timedelta(days=30)
        RecallCard.objects.create(owner=owner, contact=contact, **{"due": due, **card})
    return contact


def _network(owner) -> dict[str, set[str]]:
    """A small network with someone in every list; returns who each list must hold."""
    today = timezone.localdate()
    ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
    now = timezone.now()
    _person(
        owner,
        "Ada Lovelace",
        tie={"score": 85, "score_month_ago": 80, "rank": 1, "layer": 1, "health": "on_cadence"},
        card={
            "reviews": 3,
            "last_rating": Rating.YES,
            "last_review": now - datetime.timedelta(days=3),
            "state": 2,
            "stability": 20.0,
            "difficulty": 5.0,
        },
        in_person_count=2,
        last_interaction_on=ago(5),
    )
    _person(
        owner,
        "Ben Okafor",
        tie={
            "score": 40,
            "score_month_ago": 70,
            "rank": 7,
            "layer": 2,
            "health": "flagged",
            "weak_reason": "recall_forgotten",
            "weak_text": "your last recall check was No idea",
            "flagged_on": ago(2),
            "explanation": "last met 3 months ago",
        },
        card={
            "reviews": 2,
            "last_rating": Rating.NO_IDEA,
            "last_review": now,
            "due": now - datetime.timedelta(hours=1),
        },
        in_person_count=1,
        last_interaction_on=ago(90),
    )
    _person(
        owner,
        "Cleo Hansen",
        tie={
            "score": 55,
            "score_month_ago": 60,
            "rank": 8,
            "layer": 2,
            "health": "drifting",
            "cadence_days": 30,
            "weak_reason": "silence_cadence",
            "weak_text": "silent for 3 months; your closest 15 are in touch about monthly",
        },
        card={"reviews": 0, "due": now - datetime.timedelta(days=1)},
        other_interaction_count=4,
        last_interaction_on=ago(95),
    )
    _person(
        owner,
        "Dan Moreau",
        linkedin_status=Contact.LinkedInStatus.CONNECTED,
        connected_on=ago(700),
    )
    _person(
        owner,
        "Eve Sato",
        tie={"score": 65, "score_month_ago": 60, "rank": 20, "layer": 3, "health": "on_cadence"},
        card={
            "reviews": 1,
            "last_rating": Rating.VAGUELY,
            "last_review": now - datetime.timedelta(days=3),
            "due": now - datetime.timedelta(days=1),
        },
        other_interaction_count=1,
        last_interaction_on=ago(400),
    )
    _person(
        owner,
        "Finn Archived",
        is_archived=True,
        tie={"score": 5, "score_month_ago": 90, "rank": 30, "layer": 3, "flagged_on": ago(1)},
        card={"reviews": 1, "last_rating": Rating.YES, "last_review": now},
        last_interaction_on=ago(10),
        in_person_count=1,
    )
    _person(
        owner,
        "Gus Let-Go",
        tie={
            "score": 20,
            "score_month_ago": 50,
            "rank": 40,
            "layer": 4,
            "health": "drifting",
            "weak_reason": "silence_gap",
            "weak_text": "silent for a year",
            "let_go_on": ago(3),
        },
        other_interaction_count=3,
        last_interaction_on=ago(200),
    )
    _person(
        owner,
        "Hal Snoozed",
        tie={
            "score": 30,
            "score_month_ago": 30,
            "rank": 41,
            "layer": 4,
            "health": "flagged",
            "weak_reason": "silence_gap",
            "weak_text": "silent for a year",
            "flagged_on": ago(8),
            "quiet_until": today + datetime.timedelta(days=3),
        },
        other_interaction_count=3,
        last_interaction_on=ago(380),
    )
    return {
        "recalled": {"Ada Lovelace", "Eve Sato"},
        "forgotten": {"Ben Okafor"},
        "never-checked": {"Cleo Hansen", "Dan Moreau", "Gus Let-Go", "Hal Snoozed"},
        "due-today": {"Ben Okafor", "Cleo Hansen", "Eve Sato"},
        "layer-1": {"Ada Lovelace"},
        "layer-2": {"Ben Okafor", "Cleo Hansen"},
        "layer-4": {"Gus Let-Go", "Hal Snoozed"},
        "layer-7": set(),
        "flagged": {"Ben Okafor"},
        "waiting": {"Cleo Hansen"},
        "drifting": {"Cleo Hansen", "Gus Let-Go"},
        "weakened": {"Ben Okafor", "Cleo Hansen"},
        "never-met": {"Dan Moreau"},
        "no-tie": {"Dan Moreau"},
        "met": {"Ada Lovelace", "Ben Okafor"},
        "quiet": {"Eve Sato", "Hal Snoozed"},
        "score-80": {"Ada Lovelace"},
        "score-40": {"Ben Okafor"},
        "score-90": set(),
    }


def _names(client, url: str, **params) -> tuple[set[str], int]:
    response = client.get(url, params)
    assert response.status_code == 200
    page = response.context["page"]
    return {contact.full_name for contact in page.object_list}, page.paginator.count


def test_every_number_is_the_length_of_the_list_behind_its_link(owner_client, owner):
    expected = _network(owner)
    response = owner_client.get(reverse("insights:dashboard"))
    counts, page = response.context["counts"], response.content.decode()

    for slug, names in expected.items():
        people = PEOPLE_LISTS[slug]
        assert _names(owner_client, people.url) == (names, len(names)), slug
        assert counts[people.key] == len(names), slug
    for people in PEOPLE_LISTS.values():
        assert counts[people.key] == _names(owner_client, people.url)[1], people.slug
    for slug in ("due-today", "flagged", "waiting", "weakened", "drifting"):
        people = PEOPLE_LISTS[slug]
        assert f'href="{people.url}"><strong>{len(expected[slug])}</strong>' in page, slug


def test_each_layers_health_opens_the_people_of_that_layer_and_health(owner_client, owner):
    _network(owner)
    response = owner_client.get(reverse("insights:dashboard"))
    layer_2 = response.context["layers"][1]
    shown = {row.css: (row.values[0], row.url) for row in layer_2["chart"].rows}

    assert shown["flagged"][0] == 1 and shown["drifting"][0] == 1 and shown["on_cadence"][0] == 0
    path, query = shown["drifting"][1].split("?")
    assert _names(owner_client, path, health=query.split("=")[1]) == ({"Cleo Hansen"}, 1)
    assert f'href="{shown["flagged"][1]}"' in response.content.decode()


def test_an_unknown_list_or_health_is_not_found(owner_client, owner):
    assert owner_client.get("/people/bogus/").status_code == 404
    layer = PEOPLE_LISTS["layer-1"].url
    assert owner_client.get(layer, {"health": "<b>"}).status_code == 404
    assert owner_client.get(PEOPLE_LISTS["flagged"].url, {"health": "drifting"}).status_code == 404


def test_checks_due_today_take_new_people_up_to_what_is_left_of_the_daily_limit(
    owner_client, owner
):
    OwnerSettings.objects.update_or_create(owner=owner, defaults={"recall_daily_limit": 2})
    now = timezone.now()
    for hours, name in ((1, "Newest"), (2, "Newer"), (3, "New")):
        _person(owner, name, card={"reviews": 0, "due": now - datetime.timedelta(hours=hours)})
    due_today = PEOPLE_LISTS["due-today"]

    assert _names(owner_client, due_today.url) == ({"Newest", "Newer"}, 2)

    first_check = RecallLog.objects.create(
        owner=owner,
        contact=Contact.objects.get(full_name="New"),
        rating=Rating.YES,
        reviewed_at=now,
        card_before={"reviews": 0},
    )
    assert _names(owner_client, due_today.url) == ({"Newest"}, 1)
    response = owner_client.get(reverse("insights:dashboard"))
    assert response.context["counts"]["due_today"] == 1

    first_check.undone_at = now
    first_check.save()
    assert _names(owner_client, due_today.url)[1] == 2


def test_the_recall_split_is_honest_and_adds_up(owner_client, owner):
    _network(owner)
    response = owner_client.get(reverse("insights:dashboard"))
    page = response.content.decode()

    assert response.context["recall_share"] == 29  # 2 of 7 active people
    rows = {row.label: row.values for row in response.context["recall"].rows}
    assert rows == {
        "Recalled": (2, "29%"),
        "Forgotten": (1, "14%"),
        "Never checked": (4, "57%"),
    }
    assert "You can recall <strong>29%</strong> of your network" in page
    assert "Of 7 people: 2 recalled (29%), 1 forgotten (14%), 4 never checked (57%)." in page


def test_flagged_weak_ties_show_their_reasons_in_words(owner_client, owner):
    _network(owner)
    response = owner_client.get(reverse("insights:dashboard"))

    assert response.context["weak_reasons"] == [("not recalled at the last recall check", 1)]
    page = response.content.decode()
    assert "<strong>1</strong> not recalled at the last recall check" in page
    assert f'href="{reverse("invitations:review")}">Open the weekly review' in page


def test_drifting_shows_the_largest_drops_first_with_their_explanation(owner_client, owner):
    _network(owner)
    response = owner_client.get(reverse("insights:dashboard"))

    weakened = response.context["weakened"]
    assert [contact.full_name for contact in weakened] == ["Ben Okafor", "Cleo Hansen"]
    page = response.content.decode()
    assert "last met 3 months ago" in page
    assert "Ben Okafor: strength 70 a month ago, 40 now" in page


def test_the_one_click_follow_up_creates_one_follow_up_however_often_it_is_sent(
    owner_client, owner
):
    _network(owner)
    ben = Contact.objects.get(full_name="Ben Okafor")
    url = reverse("insights:people-follow-up", args=[ben.pk])
    due = timezone.localdate() + datetime.timedelta(days=7)

    first = owner_client.post(url, headers=HTMX)
    second = owner_client.post(url, headers=HTMX)

    assert FollowUp.objects.filter(contact=ben).count() == 1
    follow_up = FollowUp.objects.get(contact=ben)
    assert (follow_up.owner, follow_up.due_on, follow_up.done_at) == (owner, due, None)
    assert f"Follow-up set: follow up with Ben Okafor by {day(due)}." in first.content.decode()
    assert "Follow-up set" not in second.content.decode()
    assert f"follow up with Ben Okafor by {day(due)}." in second.content.decode()
    assert "<form" not in first.content.decode()

    response = owner_client.post(url, follow=True)
    assert f"Ben Okafor already has a follow-up, due {day(due)}." in response.content.decode()
    assert FollowUp.objects.filter(contact=ben).count() == 1
    dashboard = owner_client.get(reverse("insights:dashboard")).content.decode()
    assert f"follow up with Ben Okafor by {day(due)}." in dashboard


def test_the_one_click_follow_up_works_without_javascript(owner_client, owner):
    _network(owner)
    cleo = Contact.objects.get(full_name="Cleo Hansen")
    page = owner_client.get(reverse("insights:dashboard")).content.decode()
    url = reverse("insights:people-follow-up", args=[cleo.pk])
    assert f'action="{url}"' in page

    response = owner_client.post(url, follow=True)

    due = timezone.localdate() + datetime.timedelta(days=7)
    assert f"Follow up with Cleo Hansen by {day(due)}." in response.content.decode()
    assert FollowUp.objects.get(contact=cleo).due_on == due


def test_another_user_sees_none_of_the_owners_people(client, owner, other_user):
    _network(owner)
    client.force_login(other_user)

    response = client.get(reverse("insights:dashboard"))
    assert response.context["counts"]["total"] == 0
    for people in PEOPLE_LISTS.values():
        assert _names(client, people.url) == (set(), 0), people.slug

    ben = Contact.objects.get(full_name="Ben Okafor")
    response = client.post(reverse("insights:people-follow-up", args=[ben.pk]))
    assert response.status_code == 404
    assert not FollowUp.objects.exists()


def test_an_empty_network_draws_no_chart_and_every_list_is_empty(owner_client, owner):
    response = owner_client.get(reverse("insights:dashboard"))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Your network is empty." in page
    assert "<svg" not in page
    for people in PEOPLE_LISTS.values():
        assert _names(owner_client, people.url) == (set(), 0)


def test_a_network_with_people_but_nothing_computed_yet_still_draws(owner_client, owner):
    ContactFactory(owner=owner)
    response = owner_client.get(reverse("insights:dashboard"))
    page = response.content.decode()

    assert response.status_code == 200
    assert "No tie weakened since last month." in page
    assert "No interactions logged in these months." in page
    assert "No ties yet." in page
    assert response.context["counts"]["never_checked"] == 1


def test_charts_are_accessible_svg_without_style_attributes(owner_client, owner):
    _network(owner)
    InteractionFactory(owner=owner, contact=Contact.objects.get(full_name="Ada Lovelace"))
    page = owner_client.get(reverse("insights:dashboard")).content.decode()

    svgs = re.findall(r"<svg[^>]*>.*?</svg>", page, flags=re.S)
    assert len(svgs) >= 5
    for svg in svgs:
        chart_id = re.search(r'aria-labelledby="([^ "]+)-title \1-desc"', svg).group(1)
        assert 'role="img"' in svg and 'viewBox="0 0 ' in svg and 'width="100%"' in svg
        assert f'<title id="{chart_id}-title">' in svg and f'<desc id="{chart_id}-desc">' in svg
        assert not re.search(r"\sstyle=", svg) and "fill=" not in svg and "<style" not in svg
    tables = re.findall(r'<div class="visually-hidden">\s*<table>.*?</table>', page, flags=re.S)
    assert len(tables) == 2  # recall over time, interactions per month
    assert "<caption>Interactions per month, by kind</caption>" in tables[1]


def test_charts_escape_names(owner_client, owner):
    name = '<script>alert("x")</script> & Co'
    _person(
        owner,
        name,
        tie={
            "score": 10,
            "score_month_ago": 60,
            "rank": 1,
            "layer": 1,
            "explanation": "<img src=x onerror=alert(1)>",
        },
    )
    page = owner_client.get(reverse("insights:dashboard")).content.decode()

    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co: strength 60" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_dates_show_the_year_when_it_is_not_this_year(owner_client, owner):
    today = timezone.localdate()
    last_year = today.replace(year=today.year - 1, day=min(today.day, 28))
    contact = ContactFactory(owner=owner, full_name="Ingrid Solberg")
    FollowUpFactory(owner=owner, contact=contact, due_on=last_year)
    InteractionFactory(owner=owner, contact=contact, occurred_on=last_year)
    monday = today - datetime.timedelta(days=today.weekday())
    weeks = [monday - datetime.timedelta(weeks=n) for n in (25, 1)]
    for week in weeks:
        RecallSnapshot.objects.create(owner=owner, week=week, total=4, recalled=1)

    page = owner_client.get(reverse("insights:dashboard")).content.decode()

    shown = f"{last_year.day} {last_year:%b %Y}"
    assert f"on {shown}" in page  # the follow-up, due a year ago
    assert f">{shown}</time>" in page  # recently logged
    for week in weeks:
        expected = f"{week.day} {week:%b}" + (f" {week.year}" if week.year != today.year else "")
        assert f'<th scope="row">{expected}</th>' in page  # recall over time, week by week


def test_recall_over_time_has_the_weekly_snapshots_and_this_week_live(owner_client, owner):
    _network(owner)
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    RecallSnapshot.objects.create(
        owner=owner, week=monday - datetime.timedelta(weeks=27), total=4, recalled=4
    )
    RecallSnapshot.objects.create(
        owner=owner, week=monday - datetime.timedelta(weeks=2), total=10, recalled=1, forgotten=1
    )
    RecallSnapshot.objects.create(owner=owner, week=monday, total=10, recalled=10)

    trend = owner_client.get(reverse("insights:dashboard")).context["trend"]

    assert [row.values for row in trend.rows] == [
        ("10% (1)", "10% (1)", "0", "10"),
        ("29% (2)", "14% (1)", "4", "7"),  # this week, counted live
    ]
    assert trend.desc.startswith("Recalled: 10% in the week of")


def test_interactions_per_month_by_kind_over_24_months(owner_client, owner):
    contact = ContactFactory(owner=owner)
    today = timezone.localdate()
    for days, kind in ((1, "call"), (2, "call"), (3, "in_person"), (800, "email")):
        InteractionFactory(
            owner=owner, contact=contact, kind=kind, occurred_on=today - datetime.timedelta(days)
        )
    response = owner_client.get(reverse("insights:dashboard"))

    activity = response.context["activity"]
    assert len(activity.rows) == 24
    # Month, then in person, call, video, message, email, group, all.
    this_month = [row for row in activity.rows if row.values[-1]]
    assert sum(row.values[0] for row in this_month) == 1
    assert sum(row.values[1] for row in this_month) == 2
    assert sum(row.values[-1] for row in activity.rows) == 3  # 800 days ago is out
    assert response.context["interactions_last_30_days"] == 3


def test_tie_strength_bands_count_each_tie_once(owner_client, owner):
    for score in (0, 9.9, 10, 55, 99.9, 100):
        _person(owner, f"Score {score}", tie={"score": score, "rank": 1, "layer": 5})
    _person(owner, "No tie", tie={"score": 0, "layer": None})

    strength = owner_client.get(reverse("insights:dashboard")).context["strength"]

    # 9.9 reads "Strength 10 of 100" everywhere, so it counts in 10 to 20.
    assert [row.values[0] for row in strength.rows] == [1, 2, 0, 0, 0, 1, 0, 0, 0, 2]
    assert strength.rows[9].label == "90 to 100"


def test_after_a_linkedin_import_the_dashboard_says_who_was_never_met_and_offers_a_review(
    owner_client, owner
):
    Contact.objects.bulk_create(
        Contact(
            owner=owner,
            full_name=f"Connection {n:04}",
            linkedin_status=Contact.LinkedInStatus.CONNECTED,
            source=Contact.Source.LINKEDIN,
            connected_on=datetime.date(2019, 5, 1),
            last_interaction_on=timezone.localdate() if n < 182 else None,
            other_interaction_count=1 if n < 182 else 0,
        )
        for n in range(5000)
    )
    response = owner_client.get(reverse("insights:dashboard"))
    page = response.content.decode()

    never_met = PEOPLE_LISTS["never-met"]
    assert (
        f'<a href="{never_met.url}"><strong>4818</strong> of your 5000 LinkedIn connections</a> '
        "you have never met nor talked with" in page
    )
    assert f'<a class="button" href="{reverse("invitations:review")}">Review them</a>' in page
    assert _names(owner_client, never_met.url)[1] == 4818


def test_follow_ups_refresh_alone_after_an_htmx_change(owner_client, owner):
    FollowUpFactory(owner=owner, contact__full_name="Ingrid Solberg")
    response = owner_client.get(reverse("insights:dashboard"), headers=HTMX)

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="follow-ups"')
    assert "Ingrid Solberg" in page and "<svg" not in page


@pytest.mark.parametrize("slug", ["recalled", "layer-2", "flagged", "waiting", "never-met"])
def test_every_person_in_a_list_comes_with_the_reason_they_are_in_it(owner_client, owner, slug):
    _network(owner)
    response = owner_client.get(PEOPLE_LISTS[slug].url)
    reasons = dict((contact.full_name, reason) for contact, reason in response.context["rows"])
    assert reasons and all(reasons.values())
    page = response.content.decode()
    for reason in reasons.values():
        assert f'<span class="people-reason">{escape(reason)}</span>' in page


def test_checks_due_today_are_the_checks_the_recall_session_asks(owner_client, owner):
    _network(owner)
    now = timezone.now()
    for hours in range(1, 30):
        _person(
            owner, f"New {hours}", card={"reviews": 0, "due": now - datetime.timedelta(hours=hours)}
        )
    counts = owner_client.get(reverse("insights:dashboard")).context["counts"]
    session = recall_session(owner, OwnerSettings.for_user(owner), now)

    assert counts["due_today"] == recall_counts(owner, now)["due_today"] == session.left == 22
    listed = _names(owner_client, PEOPLE_LISTS["due-today"].url)[0]
    assert listed == {card.contact.full_name for card in session.cards}


def test_the_recalled_say_how_likely_they_are_recalled_today(owner_client, owner):
    _network(owner)
    rows = owner_client.get(PEOPLE_LISTS["recalled"].url).context["rows"]
    reasons = {contact.full_name: reason for contact, reason in rows}
    assert re.fullmatch(
        r"Likely to recall, 9\d%; last answer Yes on .+ \(3 checks\)", reasons["Ada Lovelace"]
    ), reasons


@pytest.mark.django_db(transaction=True)
def test_two_follow_up_clicks_at_the_same_moment_create_one_follow_up():
    """Each round posts from two threads with their own connections, released together."""
    owner = UserFactory(username="owner")
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(owner)
    for round_ in range(8):
        contact = _person(owner, f"Ben Okafor {round_}")
        url = reverse("insights:people-follow-up", args=[contact.pk])
        barrier, statuses = threading.Barrier(2), [None, None]

        def click(index: int, url=url, barrier=barrier, statuses=statuses) -> None:
            try:
                barrier.wait()
                statuses[index] = clients[index].post(url, headers=HTMX).status_code
            finally:
                connection.close()  # each thread has its own connection

        threads = [threading.Thread(target=click, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert statuses == [200, 200]
        assert FollowUp.objects.filter(contact=contact).count() == 1
