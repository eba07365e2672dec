"""In Chromium, at a phone's width and a desktop's: the report's charts stay inside their
columns, no text of a chart lies on another (their boxes in the DOM), the pages pass axe; the
showcase's search finds a pilot by a word that is not in its title."""

import pytest

from tests.e2e.test_accessibility import assert_accessible
from tests.reports.test_district_report import known_set  # noqa: F401 - a fixture
from tests.reports.test_showcase import reading_dog_and_sauna  # noqa: F401 - a fixture

pytestmark = pytest.mark.needs_browser

WIDTHS = [360, 1280]

# Every chart on the page: whether it overflows its figure, and the pairs of its texts whose
# boxes overlap (by more than a pixel each way: glyph boxes of neighbouring lines may touch).
CHART_PROBLEMS = """() => {
  const problems = [];
  for (const svg of document.querySelectorAll("svg.chart-svg")) {
    const key = svg.closest("figure").dataset.chart;
    const box = svg.getBoundingClientRect();
    const figure = svg.closest("figure").getBoundingClientRect();
    if (box.width === 0) { problems.push(`${key}: not drawn`); continue; }
    if (box.right > figure.right + 1 || box.left < figure.left - 1) {
      problems.push(`${key}: overflows its figure`);
    }
    const texts = [...svg.querySelectorAll("text")]
      .map(t => [t.textContent, t.getBoundingClientRect()]);
    for (const [text, r] of texts) {
      if (r.right > box.right + 1 || r.left < box.left - 1) {
        problems.push(`${key}: "${text}" runs off the drawing`);
      }
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const [a, ra] = texts[i], [b, rb] = texts[j];
        const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (x > 1 && y > 1) problems.push(`${key}: "${a}" overlaps "${b}"`);
      }
    }
  }
  return problems;
}"""

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_district_reports_charts_read_at_every_width(
    live_server,
    new_page,
    login,
    manager,
    known_set,  # noqa: F811 - the fixture imported above
    district,
    width,
):
    page = login(new_page(viewport={"width": width, "height": 900}), manager)
    page.goto(f"{live_server.url}/en/reports/{district.slug}/")
    assert page.locator("svg.chart-svg").count() >= 9
    assert page.evaluate(CHART_PROBLEMS) == []
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    # The check sees a label moved onto its neighbour's line.
    page.evaluate("""() => {
      const chart = document.querySelector('figure[data-chart="participants"]');
      const labels = chart.querySelectorAll("text.chart-label");
      labels[1].setAttribute("y", labels[0].getAttribute("y"));
    }""")
    assert any("overlaps" in problem for problem in page.evaluate(CHART_PROBLEMS))
    # The values are there as text, as the table beside says them.
    money = page.locator('figure[data-chart="money"]')
    assert "1,500.00 €" in money.locator("svg").text_content()
    assert "1,500.00 €" in money.locator("table").text_content()
    assert_accessible(page)
    # Finnish, whose words are longer, fits as well.
    page.goto(f"{live_server.url}/reports/{district.slug}/")
    assert page.evaluate(CHART_PROBLEMS) == []
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_comparison_of_rounds_reads_at_every_width(
    live_server, new_page, login, manager, make_idea, open_round, width
):
    from tests import factories

    factories.RoundFactory(districts=[open_round.districts.first()], name="Earlier")
    make_idea("approved")
    page = login(new_page(viewport={"width": width, "height": 900}), manager)
    page.goto(f"{live_server.url}/en/reports/compare/")
    assert page.locator("svg.chart-svg").count() >= 12  # six charts a side
    assert page.evaluate(CHART_PROBLEMS) == []
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page)


@pytest.mark.usefixtures("reading_dog_and_sauna")
@pytest.mark.parametrize("width", WIDTHS)
def test_the_showcase_search_finds_a_pilot_by_a_word_not_in_its_title(live_server, new_page, width):
    page = new_page(viewport={"width": width, "height": 900})
    page.goto(f"{live_server.url}/en/pilots/")
    assert page.locator("#id_district option").first.text_content() == "All districts"
    assert page.locator("article.pilot-card").count() == 2
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page)
    page.locator("#id_q").fill("lukutaito")
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()
    cards = page.locator("article.pilot-card")
    assert cards.count() == 1
    assert "Lukukoira kirjastossa" in cards.first.text_content()
    assert_accessible(page)
    # The card leads to the story, which offers to start the same in one's own district.
    with page.expect_navigation():
        cards.first.locator("a").first.click()
    assert page.locator("h1").text_content() == "Lukukoira kirjastossa"
    assert (
        page.locator("a.btn-primary", has_text="Start a similar pilot in my district").count() == 1
    )
