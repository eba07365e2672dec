"""The report's charts read on their own: each SVG carries its labels and values as text, the
numbers are those of the table beside it, and the geometry keeps text apart."""

import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports import charts
from tests.reports.test_district_report import known_set  # noqa: F401 - a fixture


class _Figures(HTMLParser):
    """Each chart figure of a page: its SVG texts by class, its table's row labels and cells."""

    def __init__(self):
        super().__init__()
        self.figures: dict[str, dict] = {}
        self._figure = None
        self._collect = None
        self._row: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and "data-chart" in attrs:
            self._figure = {"svg": {}, "rows": [], "colours": []}
            self.figures[attrs["data-chart"]] = self._figure
        if self._figure is None:
            return
        if tag == "text":
            self._collect = ("svg", attrs.get("class", ""))
            self._figure["svg"].setdefault(attrs.get("class", ""), []).append("")
        elif tag == "rect" and attrs.get("class") == "chart-bar":
            self._figure["colours"].append(attrs["fill"])
        elif tag == "tr" and self._row is None:
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._row.append("")
            self._collect = ("cell", None)

    def handle_endtag(self, tag):
        if tag in ("text", "th", "td"):
            self._collect = None
        elif tag == "tr" and self._row is not None:
            self._figure["rows"].append(self._row)
            self._row = None
        elif tag == "figure":
            self._figure = None

    def handle_data(self, data):
        if self._collect is None:
            return
        if self._collect[0] == "svg":
            self._figure["svg"][self._collect[1]][-1] += data
        else:
            self._row[-1] += data.strip()


def figures_of(html: str) -> dict[str, dict]:
    parser = _Figures()
    parser.feed(html)
    return parser.figures


@pytest.fixture
def page(client, manager, known_set, district):  # noqa: F811 - the fixture imported above
    client.force_login(manager)
    response = client.get(reverse("reports:district", args=[district.slug]))
    assert response.status_code == 200
    return figures_of(response.content.decode())


def test_every_chart_of_the_report_is_drawn_with_its_table(page):
    assert set(page) >= {
        "status",
        "money",
        "decision_speed",
        "participants",
        "ratings",
        "kinds",
        "partnerships",
        "continuation",
        "funnel",
        "rounds",
    }


def test_each_charts_labels_and_values_are_its_tables(page):
    for key, figure in page.items():
        header, *rows = figure["rows"]
        labels = figure["svg"]["chart-label"]
        values = figure["svg"]["chart-value"]
        assert len(labels) == len(rows), key
        for row, label in zip(rows, labels, strict=True):
            # A label too long for the drawing is shortened there, whole in the table.
            assert row[0] == label or row[0].startswith(label.removesuffix("…")), key
        assert values == [cell for row in rows for cell in row[1:]], key
        assert len(figure["colours"]) == len(values), key


def test_the_charts_carry_the_known_figures(page):
    participants = page["participants"]
    assert participants["svg"]["chart-label"] == [
        "Children (under 13)",
        "Young people (13–17)",
        "Adults",
        "Elderly people",
    ]
    assert participants["svg"]["chart-value"] == ["30", "12", "3", "20"]
    money = page["money"]
    assert money["svg"]["chart-title"] == ["Money granted, paid and spent"]
    assert money["svg"]["chart-value"] == ["1,500.00 €", "500.00 €", "630.00 €"]
    # Decisions after 1, 2, 4 and 10 days against the round's target of 7.
    speed = page["decision_speed"]
    assert speed["svg"]["chart-value"] == ["1", "1", "1", "1", "0", "0"]
    assert speed["svg"]["chart-rule"] == ["Target: a decision within 7 days"]
    assert speed["colours"] == [charts.GREEN] * 3 + [charts.ORANGE] * 3
    partnerships = page["partnerships"]
    pairs = zip(partnerships["svg"]["chart-label"], partnerships["svg"]["chart-value"], strict=True)
    assert sorted(pairs) == [
        ("Association or NGO → City unit", "1"),
        ("Association or NGO → Parish", "1"),
        ("Resident → Parish", "1"),
    ]
    # The kinds are named in the legend, in the colours of their bars.
    assert "Applicant: Resident" in partnerships["svg"]["chart-legend"]
    rounds = page["rounds"]
    assert rounds["rows"][0][1:] == ["Ideas", "Pilots with a grant", "Closing reports"]
    assert rounds["svg"]["chart-value"] == ["5", "3", "2"]


def test_the_funnel_reconciles_with_the_figures(page, district):
    from reports import selectors

    report = selectors.district_report(district=district)
    funnel = page["funnel"]
    assert funnel["svg"]["chart-value"] == [str(n) for _key, _label, n in report["funnel"]]


def test_the_pdf_carries_the_chart_titles_and_values(client, manager, known_set, district):  # noqa: F811
    client.force_login(manager)
    response = client.get(reverse("reports:district_pdf", args=[district.slug]))
    pdf = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    first = pdf.pages[0].extract_text()
    # A summary page first: the year in figures, lessons, candidates and the city's decision.
    assert "In figures" in first and "Three lessons" in first and "Bake together" in first
    assert "not decided yet" in " ".join(first.split())
    for title in (
        "Money granted, paid and spent",
        "Days from an idea to its decision",
        "Target: a decision within 7 days",
        "Partnerships between kinds of actors",
        "What the makers say of continuing",
    ):
        assert title in text
    assert "1,500.00 €" in text and "630.00 €" in text
    assert "Association or NGO → Parish" in text


pytestmark = pytest.mark.django_db


def _boxes(chart: charts.Chart) -> list[tuple[float, float, float, float]]:
    """Each text's box in the drawing's units: x from, x to, y from, y to."""
    # A line of text from its ascent to its descent (DejaVu Sans: 0.76 and 0.24 of its size).
    size, below = charts.FONT * 0.8, charts.FONT * 0.25
    boxes = [
        (
            0,
            charts.text_width(line["text"], charts.TITLE_FONT),
            line["y"] - 13 * 0.8,
            line["y"] + 13 * 0.25,
        )
        for line in chart.title_lines
    ]
    boxes += [
        (
            item["text_x"],
            item["text_x"] + charts.text_width(item["text"]),
            item["y"] - size,
            item["y"] + 3,
        )
        for item in chart.legend_items
    ]
    boxes += [
        (0, charts.text_width(row["text"]), row["y"] - size, row["y"] + below) for row in chart.rows
    ]
    boxes += [
        (
            bar["value_x"],
            bar["value_x"] + charts.text_width(bar["value"]),
            bar["value_y"] - size,
            bar["value_y"] + 3,
        )
        for bar in chart.bars
    ]
    return boxes


def test_no_text_of_a_chart_lies_on_another_or_runs_off_it():
    long_label = "Kaupungin yksikkö, jonka nimi on hyvin pitkä ja jatkuu ja jatkuu yli rivin"
    chart = charts.bars(
        "test",
        "A title long enough to need two lines of the drawing, or even three of them",
        "Label",
        "Value",
        [(long_label, Decimal("123456.78")), ("Short", 3), ("Zero", 0)],
        shown=charts.euros,
    )
    boxes = _boxes(chart)
    for x_from, x_to, _y_from, _y_to in boxes:
        assert x_from >= 0 and x_to <= charts.WIDTH
    for index, first in enumerate(boxes):
        for second in boxes[index + 1 :]:
            apart = first[1] <= second[0] or second[1] <= first[0]
            apart = apart or first[3] <= second[2] or second[3] <= first[2]
            assert apart, (first, second)
    assert chart.rows[0]["text"].endswith("…")
    assert (
        max(bar["width"] for bar in chart.bars) + 4 + charts.text_width("123,456.78 €")
        <= charts.WIDTH
    )


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_colour_has_a_contrast_of_3_to_1_against_white():
    for colour in {*charts.KIND_COLOURS, *charts.SERIES_COLOURS, charts.GREEN, charts.ORANGE}:
        assert (1.05) / (_luminance(colour) + 0.05) >= 3, colour


def test_the_decision_buckets_put_the_target_at_an_end():
    buckets, beyond = charts.day_buckets({"1": 2, "5": 1, "9": 4, "61": 1}, target=5)
    assert [(first, last) for first, last, _n in buckets] == [
        (0, 1),
        (2, 3),
        (4, 5),
        (6, 7),
        (8, 14),
        (15, 30),
        (31, None),
    ]
    assert [n for _f, _l, n in buckets] == [2, 0, 1, 0, 4, 0, 1]
    assert beyond == 3
