"""Charts that read on their own, drawn on the server as SVG (no JavaScript), with the same
numbers in a table beside each (reports/partials/chart.html).

A chart is a list of groups (a label and one value per series). Each group's label has a line
of its own above its bars, and each bar's value is written after its end, so no text can lie on
another; the bars are scaled so that the longest value still fits in the drawing. Colours are
named in a legend where they mean something (several series, or a colour per kind), and each has
a contrast of at least 3:1 against white (WCAG 2.1, 1.4.11). Geometry is computed here, in
units of a 320-wide drawing whose text is 12 units high; the template only writes it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WIDTH = 320
FONT = 12
TITLE_FONT = 13
# An upper estimate of the width of a character of the sans-serif fonts used (DejaVu Sans,
# the widest of the usual ones, averages about 0.6 em), so that a label never runs off.
CHAR = 0.64
LINE = 17
BAR = 13
BAR_GAP = 3
GROUP_GAP = 8
SWATCH = 11

BLUE = "#0a58ca"
GREEN = "#146c43"
ORANGE = "#a14a00"
PURPLE = "#6f42c1"
TEAL = "#0b6e79"
RED = "#b02a37"
GREY = "#495057"
# The kinds of actors, always in the same colours (the legend names them).
KIND_COLOURS = (BLUE, GREEN, ORANGE, PURPLE, TEAL, RED, GREY)
SERIES_COLOURS = (BLUE, GREEN, ORANGE, PURPLE, TEAL)


def text_width(text: str, size: int = FONT) -> float:
    return len(text) * size * CHAR


def fit(text: str, room: float, size: int = FONT) -> str:
    """The text, shortened with an ellipsis where it would not fit in `room` units (the table
    beside the chart has it whole)."""
    most = max(1, int(room // (size * CHAR)))
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def wrap(text: str, room: float, size: int) -> list[str]:
    """The words of a title in lines that fit in `room` units."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(fit(word, room, size))
    return lines or [""]


def count(value) -> str:
    return formats.number_format(value, 0, use_l10n=True, force_grouping=True)


def euros(value) -> str:
    return f"{formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)} €"


def decimal(value, places: int = 1) -> str:
    if value is None:
        return "–"
    return formats.number_format(value, places, use_l10n=True)


@dataclass
class Group:
    label: str
    values: list[float]
    shown: list[str]
    colour: str | None = None  # one colour for the group's bar (a kind), else the series'


@dataclass
class Chart:
    key: str
    title: str
    label_heading: str
    series: list[tuple[str, str]]  # (name, colour)
    groups: list[Group]
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, label)
    maximum: float | None = None  # the scale's end (5 for ratings), else the largest value
    note: str = ""  # a line under the chart (what a target means)
    # The line drawn between two groups (the round's target between the decision times): the
    # index of the group it comes before, and its label.
    rule_before: int | None = None
    rule_label: str = ""
    # False where the heading right above the chart says what its title would (the drawing
    # keeps the title for whoever sees it alone, as <title>).
    titled: bool = True
    # Filled by layout():
    title_lines: list[dict] = field(default_factory=list)
    legend_items: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    bars: list[dict] = field(default_factory=list)
    rule: dict | None = None
    height: float = 0

    @property
    def empty(self) -> bool:
        return not any(value for group in self.groups for value in group.values)

    @property
    def table_rows(self) -> list[tuple[str, list[str]]]:
        return [(group.label, group.shown) for group in self.groups]

    @property
    def series_names(self) -> list[str]:
        return [name for name, _colour in self.series]


def layout(chart: Chart) -> Chart:
    """Coordinates of every title line, legend item, label, bar and value."""
    y = 0.0
    chart.title_lines = []
    for line in wrap(chart.title, WIDTH, TITLE_FONT) if chart.titled else []:
        y += LINE
        chart.title_lines.append({"text": line, "y": round(y - 4, 1)})
    legend = chart.legend or (
        [(colour, name) for name, colour in chart.series] if len(chart.series) > 1 else []
    )
    chart.legend_items = []
    for colour, label in legend:
        y += LINE
        chart.legend_items.append(
            {
                "colour": colour,
                "text": fit(label, WIDTH - SWATCH - 6),
                "y": round(y - 4, 1),
                "swatch_y": round(y - 4 - SWATCH + 2, 1),
                "swatch_x": 0,
                "text_x": SWATCH + 5,
            }
        )
    y += GROUP_GAP / 2
    widest = max((text_width(shown) for group in chart.groups for shown in group.shown), default=0)
    room = max(40.0, WIDTH - widest - 6)
    biggest = chart.maximum or max(
        (float(value) for group in chart.groups for value in group.values), default=0
    )
    chart.rows, chart.bars, chart.rule = [], [], None
    for index, group in enumerate(chart.groups):
        if index == chart.rule_before:
            y += 4
            chart.rule = {
                "y": round(y, 1),
                "text_y": round(y + LINE - 4, 1),
                "text": fit(chart.rule_label, WIDTH),
            }
            y += LINE + 2
        y += LINE
        chart.rows.append({"text": fit(group.label, WIDTH), "y": round(y - 5, 1)})
        for number, (value, shown) in enumerate(zip(group.values, group.shown, strict=True)):
            width = round(room * float(value) / biggest, 1) if biggest else 0
            colour = group.colour or chart.series[number][1]
            chart.bars.append(
                {
                    "y": round(y, 1),
                    "width": width,
                    "colour": colour,
                    "value": shown,
                    "value_x": round(width + 4, 1),
                    "value_y": round(y + BAR - 2.5, 1),
                    "series": chart.series[number][0],
                    "group": group.label,
                }
            )
            y += BAR + BAR_GAP
        y += GROUP_GAP
    chart.height = round(y, 1)
    return chart


def bars(key: str, title: str, label_heading: str, value_heading: str, rows, **options) -> Chart:
    """A chart of one series: `rows` are (label, value) or (label, value, colour)."""
    shown = options.pop("shown", count)
    groups = [
        Group(label=row[0], values=[row[1] or 0], shown=[shown(row[1] or 0)], colour=row[2])
        if len(row) > 2
        else Group(label=row[0], values=[row[1] or 0], shown=[shown(row[1] or 0)])
        for row in rows
    ]
    return layout(
        Chart(
            key=key,
            title=title,
            label_heading=label_heading,
            series=[(value_heading, BLUE)],
            groups=groups,
            **options,
        )
    )


# The decision times in whole days, by these upper ends (and more than the last).
DAY_BUCKETS = (1, 3, 7, 14, 30)


def day_buckets(histogram: dict, target: int) -> tuple[list[tuple[int, int | None, int]], int]:
    """(first day, last day or None, decisions) for each bucket of the decision times, the round's
    target being one of the ends; and the index of the first bucket beyond the target."""
    ends = sorted({*DAY_BUCKETS, target})
    buckets, start = [], 0
    for end in ends:
        buckets.append((start, end, 0))
        start = end + 1
    buckets.append((start, None, 0))
    counts = [0] * len(buckets)
    for day, n in histogram.items():
        day = int(day)
        for index, (first, last, _n) in enumerate(buckets):
            if day >= first and (last is None or day <= last):
                counts[index] += n
                break
    beyond = next(index for index, (first, _l, _n) in enumerate(buckets) if first > target)
    return [(f, last, n) for (f, last, _n), n in zip(buckets, counts, strict=True)], beyond


def decision_speed(histogram: dict, target: int) -> Chart:
    buckets, beyond = day_buckets(histogram, target)

    def label(first: int, last: int | None) -> str:
        if last is None:
            return _("over %(days)d days") % {"days": first - 1}
        if first == last:
            return ngettext("%(days)d day", "%(days)d days", last) % {"days": last}
        if first == 0:
            return ngettext("within %(days)d day", "within %(days)d days", last) % {"days": last}
        return _("%(first)d–%(last)d days") % {"first": first, "last": last}

    within, over = _("within the target"), _("over the target")
    target_text = ngettext(
        "Target: a decision within %(days)d day",
        "Target: a decision within %(days)d days",
        target,
    ) % {"days": target}
    return bars(
        "decision_speed",
        _("Days from an idea to its decision"),
        _("Days"),
        _("Decisions"),
        [
            (label(first, last), n, GREEN if index < beyond else ORANGE)
            for index, (first, last, n) in enumerate(buckets)
        ],
        legend=[(GREEN, within), (ORANGE, over)],
        rule_before=beyond,
        rule_label=target_text,
    )


def money(granted, paid, spent) -> Chart:
    return bars(
        "money",
        _("Money granted, paid and spent"),
        _("Money"),
        _("Euros"),
        [
            (_("Granted"), granted, BLUE),
            (_("Paid"), paid, GREEN),
            (_("Actually spent (closing reports)"), spent, ORANGE),
        ],
        shown=euros,
    )


def kinds_chart(kinds: list[tuple[str, int]]) -> Chart:
    colours = dict(zip([label for label, _n in kinds], KIND_COLOURS, strict=False))
    return bars(
        "kinds",
        _("Pilots by kind of applicant"),
        _("Applicant"),
        _("Pilots"),
        [(label, n, colours[label]) for label, n in kinds],
    )


def partnerships(kinds: list[tuple[str, int]], edges: list[tuple[str, str, int]]) -> Chart:
    """Who worked with whom: a bar for each pair of kinds (applicant → partner), as wide as the
    number of pilots, in the applicant's colour, the kinds named in the legend."""
    colours = dict(zip([label for label, _n in kinds], KIND_COLOURS, strict=False))
    used = list(dict.fromkeys(a for a, _b, _n in edges))
    return bars(
        "partnerships",
        _("Partnerships between kinds of actors"),
        _("Applicant → partner"),
        _("Pilots"),
        [(f"{a} → {b}", n, colours.get(a, GREY)) for a, b, n in edges],
        legend=[
            (colours.get(kind, GREY), _("Applicant: %(kind)s") % {"kind": kind}) for kind in used
        ],
    )


def rounds_series(rows: list[dict], *, titled: bool = True) -> Chart:
    """The rounds over time: ideas, pilots with a grant and closing reports of each round."""
    series = [
        (_("Ideas"), BLUE),
        (_("Pilots with a grant"), GREEN),
        (_("Closing reports"), ORANGE),
    ]
    groups = [
        Group(
            label=row["round"].name,
            values=[row["ideas"], row["pilots"], row["reports"]],
            shown=[count(row["ideas"]), count(row["pilots"]), count(row["reports"])],
        )
        for row in rows
    ]
    return layout(
        Chart(
            key="rounds",
            title=_("Rounds over time"),
            label_heading=_("Round"),
            series=series,
            groups=groups,
            titled=titled,
        )
    )


def ratings_chart(ratings: dict) -> Chart:
    return bars(
        "ratings",
        _("Novelty, change and usefulness (average, 1–5)"),
        _("Rating"),
        _("Average"),
        [
            (_("Novelty"), ratings["novelty"] or 0),
            (_("Change"), ratings["change"] or 0),
            (_("Usefulness"), ratings["usefulness"] or 0),
        ],
        shown=decimal,
        maximum=5,
    )


def report_charts(report: dict, *, target_days: int, rounds: list[dict] | None = None) -> dict:
    """Every chart of a district report (or of a round), from its presented figures."""
    charts = {
        "status": bars(
            "status",
            _("Ideas by status"),
            _("Status"),
            _("Ideas"),
            report["by_status"],
            titled=False,
        ),
        "money": money(
            report["money"]["granted"], report["money"]["paid"], report["money"]["spent"]
        ),
        "speed": decision_speed(report["decision_days"].get("histogram", {}), target_days),
        "participants": bars(
            "participants",
            _("Participants by age group"),
            _("Age group"),
            _("Participants"),
            report["participants"],
            titled=False,
        ),
        "ratings": ratings_chart(report["ratings"]),
        "kinds": kinds_chart(report["network"]["kinds"]),
        "partnerships": partnerships(report["network"]["kinds"], report["network"]["edges"]),
        "continuation": bars(
            "continuation",
            _("What the makers say of continuing"),
            _("Continuation"),
            _("Pilots"),
            report["continuation"],
        ),
        "funnel": bars(
            "funnel",
            _("From ideas to permanent services"),
            _("Step"),
            _("Ideas"),
            [(label, n) for _key, label, n in report["funnel"]],
            titled=False,
        ),
    }
    if rounds is not None:
        charts["rounds"] = rounds_series(rounds, titled=False)
    return charts


def same_scales(sides: list[dict[str, Chart]]) -> None:
    """Charts compared side by side drawn on one scale: each chart's end is the largest value
    of that chart on every side (a bar twice as long is twice as much, whichever side)."""
    for key in set.intersection(*(set(side) for side in sides)) if sides else ():
        if any(side[key].maximum for side in sides):
            continue  # a fixed scale (the ratings' 5) is the same already
        biggest = max(
            (
                float(value)
                for side in sides
                for group in side[key].groups
                for value in group.values
            ),
            default=0,
        )
        for side in sides:
            side[key].maximum = biggest or None
            layout(side[key])
