"""The dashboard's charts, drawn on the server as SVG.

The builders here compute the geometry from figures already counted by the database; the markup
is templates/insights/_charts.html, so every word (a name, a label) is escaped by the template
engine and only numbers formatted here reach an SVG attribute. Colours come from classes in
static/css/insights.css: the Content-Security-Policy forbids style attributes, and no chart says
anything by colour alone (every chart has a title, a description and a table or legend).
"""

import datetime
from dataclasses import dataclass, field

from network.templatetags.kith import day

WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 46, 8, 16, 30


def _n(value: float) -> str:
    """A coordinate for an SVG attribute: one decimal at most, never a locale's comma."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass(frozen=True)
class Rect:
    x: str
    y: str
    width: str
    height: str
    css: str
    label: str  # in words, the rectangle's own <title>


@dataclass(frozen=True)
class Line:
    points: str
    css: str


@dataclass(frozen=True)
class Area:
    d: str
    css: str


@dataclass(frozen=True)
class Dot:
    cx: str
    cy: str
    css: str
    label: str


@dataclass(frozen=True)
class Text:
    x: str
    y: str
    text: str
    # placement: "tick-y" and "tick-end" end at x, "tick-x" and "value" are centred on it,
    # "tick-start" starts at it
    css: str


@dataclass(frozen=True)
class Grid:
    x1: str
    y1: str
    x2: str
    y2: str


@dataclass(frozen=True)
class Row:
    """One row of a chart's text alternative; url when its number opens a list of people."""

    label: str
    values: tuple
    url: str = ""
    css: str = ""


@dataclass
class Chart:
    id: str
    title: str
    desc: str
    width: int = WIDTH
    height: int = HEIGHT
    stretch: bool = False  # bars only, no text: may stretch to the box (preserveAspectRatio none)
    rects: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    grid: list[Grid] = field(default_factory=list)
    head: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Part:
    """One part of a whole: its class, its words, its count and the list of people behind it."""

    css: str
    label: str
    count: int
    url: str = ""


# Plot helpers ------------------------------------------------------------------------------------


def _plot_width() -> float:
    return WIDTH - LEFT - RIGHT


def _plot_height() -> float:
    return HEIGHT - TOP - BOTTOM


def _y(value: float, top: float) -> float:
    """The y of a value on a scale from 0 to top."""
    return TOP + _plot_height() * (1 - (value / top if top else 0))


def _nice_top(largest: int) -> int:
    """A round upper end for a count axis: 4, 10, 25, 60, 150, 400 ..."""
    top = 1
    while True:
        for step in (1, 2, 2.5, 5):
            if step * top >= largest:
                return max(1, int(step * top))
        top *= 10


def _count_axis(chart: Chart, top: int) -> None:
    for value in sorted({0, top // 2, top}):
        y = _y(value, top)
        chart.grid.append(Grid(_n(LEFT), _n(y), _n(WIDTH - RIGHT), _n(y)))
        chart.texts.append(Text(_n(LEFT - 6), _n(y + 4), f"{value:,}", "tick-y"))


# The charts --------------------------------------------------------------------------------------


def stacked_bar(chart_id: str, title: str, parts: list[Part], whole_words: str) -> Chart:
    """One bar split into its parts, as shares of the whole (the recall split)."""
    total = sum(part.count for part in parts)
    words = ", ".join(
        f"{part.count:,} {part.label.lower()} ({_percent(part.count, total)}%)" for part in parts
    )
    chart = Chart(
        chart_id,
        title,
        f"Of {total:,} {whole_words}: {words}." if total else f"No {whole_words} yet.",
        width=300,
        height=24,
        stretch=True,
        head=("", "People", "Share"),
    )
    x = 0.0
    for part in parts:
        width = 300 * part.count / total if total else 0
        if width:
            label = f"{part.label}: {part.count:,} ({_percent(part.count, total)}%)"
            chart.rects.append(Rect(_n(x), "0", _n(width), "24", part.css, label))
        x += width
        chart.rows.append(
            Row(part.label, (part.count, f"{_percent(part.count, total)}%"), part.url, part.css)
        )
    return chart


@dataclass(frozen=True)
class Week:
    """The owner's recall in one week: a RecallSnapshot, or this week counted live."""

    week: datetime.date  # its Monday
    total: int
    recalled: int
    forgotten: int
    never_checked: int


def recall_trend(weeks: list[Week]) -> Chart:
    """The share recalled and the share forgotten, week by week (a line over an area)."""
    weeks = [week for week in weeks if week.total]
    chart = Chart(
        "chart-recall-trend",
        "Recall over time",
        "",
        head=("Week of", "Recalled", "Forgotten", "Never checked", "People"),
    )
    if not weeks:
        chart.desc = "No weeks recorded yet."
        return chart
    first, last = weeks[0], weeks[-1]
    chart.desc = (
        f"Recalled: {_percent(first.recalled, first.total)}% in the week of {day(first.week)}, "
        f"{_percent(last.recalled, last.total)}% in the week of {day(last.week)}."
    )
    span = max(1, (last.week - first.week).days)

    def x(week: Week) -> float:
        if len(weeks) == 1:
            return LEFT + _plot_width() / 2
        return LEFT + _plot_width() * (week.week - first.week).days / span

    for value in (0, 50, 100):
        y = _y(value, 100)
        chart.grid.append(Grid(_n(LEFT), _n(y), _n(WIDTH - RIGHT), _n(y)))
        chart.texts.append(Text(_n(LEFT - 6), _n(y + 4), f"{value}%", "tick-y"))
    for css, attribute in (("recalled", "recalled"), ("forgotten", "forgotten")):
        points = [(x(week), _y(100 * getattr(week, attribute) / week.total, 100)) for week in weeks]
        chart.lines.append(Line(" ".join(f"{_n(px)},{_n(py)}" for px, py in points), css))
        if css == "recalled":
            bottom = _n(_y(0, 100))
            path = " ".join(f"L{_n(px)},{_n(py)}" for px, py in points)
            chart.areas.append(
                Area(f"M{_n(points[0][0])},{bottom} {path} L{_n(points[-1][0])},{bottom} Z", css)
            )
        for week, (px, py) in zip(weeks, points, strict=True):
            share = _percent(getattr(week, attribute), week.total)
            chart.dots.append(
                Dot(_n(px), _n(py), css, f"Week of {day(week.week)}: {share}% {attribute}")
            )
    if first is last:
        chart.texts.append(Text(_n(x(first)), _n(HEIGHT - 8), day(first.week), "tick-x"))
    else:  # anchored inwards, so that neither end runs past the chart
        chart.texts.append(Text(_n(x(first)), _n(HEIGHT - 8), day(first.week), "tick-start"))
        chart.texts.append(Text(_n(x(last)), _n(HEIGHT - 8), day(last.week), "tick-end"))
    for week in weeks:
        chart.rows.append(
            Row(
                day(week.week),
                (
                    f"{_percent(week.recalled, week.total)}% ({week.recalled:,})",
                    f"{_percent(week.forgotten, week.total)}% ({week.forgotten:,})",
                    f"{week.never_checked:,}",
                    f"{week.total:,}",
                ),
            )
        )
    return chart


def _month_words(month: datetime.date, today: datetime.date) -> str:
    return f"{month:%b}" if month.year == today.year else f"{month:%b %Y}"


def stacked_columns(
    months: list[datetime.date],
    kinds: list[tuple[str, str]],
    counts: dict[tuple[datetime.date, str], int],
    today: datetime.date,
) -> Chart:
    """Interactions per month, each column stacked by kind (oldest month on the left)."""
    totals = [sum(counts.get((month, kind), 0) for kind, _ in kinds) for month in months]
    grand = sum(totals)
    chart = Chart(
        "chart-activity",
        "Interactions per month, by kind",
        f"{grand:,} interactions from {_month_words(months[0], today)} "
        f"to {_month_words(months[-1], today)}; the busiest month had {max(totals):,}."
        if grand
        else "No interactions logged in these months.",
        head=("Month", *(label for _, label in kinds), "All"),
    )
    top = _nice_top(max(totals))
    _count_axis(chart, top)
    slot = _plot_width() / len(months)
    for index, month in enumerate(months):
        x = LEFT + slot * index + slot * 0.15
        base = 0
        for kind, label in kinds:
            count = counts.get((month, kind), 0)
            if count:
                y_top, y_bottom = _y(base + count, top), _y(base, top)
                chart.rects.append(
                    Rect(
                        _n(x),
                        _n(y_top),
                        _n(slot * 0.7),
                        _n(y_bottom - y_top),
                        f"kind-{kind}",
                        f"{_month_words(month, today)}: {count:,} {label.lower()}",
                    )
                )
                base += count
        if (len(months) - 1 - index) % 6 == 0:
            chart.texts.append(
                Text(_n(x + slot * 0.35), _n(HEIGHT - 8), _month_words(month, today), "tick-x")
            )
        chart.rows.append(
            Row(
                _month_words(month, today),
                (*(counts.get((month, kind), 0) for kind, _ in kinds), totals[index]),
            )
        )
    return chart


def histogram(bins: list[Part]) -> Chart:
    """How many ties fall in each band of strength (a column per band, its count above it)."""
    total = sum(part.count for part in bins)
    chart = Chart(
        "chart-strength",
        "Tie strength distribution",
        f"{total:,} ties by strength, in bands of ten points: "
        + ", ".join(f"{part.label}: {part.count:,}" for part in bins)
        + "."
        if total
        else "No ties yet.",
        head=("Strength", "People"),
    )
    top = _nice_top(max((part.count for part in bins), default=0))
    _count_axis(chart, top)
    slot = _plot_width() / len(bins)
    for index, part in enumerate(bins):
        x = LEFT + slot * index + slot * 0.1
        centre = _n(x + slot * 0.4)
        if part.count:
            y = _y(part.count, top)
            chart.rects.append(
                Rect(
                    _n(x),
                    _n(y),
                    _n(slot * 0.8),
                    _n(_y(0, top) - y),
                    "strength",
                    f"Strength {part.label}: {part.count:,}",
                )
            )
            chart.texts.append(Text(centre, _n(y - 3), f"{part.count:,}", "value"))
        chart.texts.append(Text(centre, _n(HEIGHT - 8), part.label.split()[0], "tick-x"))
        chart.rows.append(Row(part.label, (part.count,), part.url))
    return chart


def drop(contact_id: int, name: str, before: float, now: float, explanation: str) -> Chart:
    """One person's tie strength a month ago and now, on a 0 to 100 track."""
    chart = Chart(
        f"chart-drop-{contact_id}",
        f"{name}: strength {before:.0f} a month ago, {now:.0f} now",
        explanation or "No explanation recorded.",
        width=100,
        height=8,
        stretch=True,
    )
    chart.rects.append(Rect("0", "3", "100", "2", "track", "Strength from 0 to 100"))
    chart.rects.append(
        Rect(_n(now), "1", _n(max(before - now, 0.5)), "6", "drop", f"Down {before - now:.0f}")
    )
    chart.rects.append(Rect(_n(max(now - 0.5, 0)), "0", "1", "8", "now", f"Now {now:.0f}"))
    return chart
