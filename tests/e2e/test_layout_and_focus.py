"""Layout and focus as people see them, in Chromium with the real CSS.

- No page scrolls sideways at 360, 1024 or 1280 px, for a visitor, a resident, an agent and a
  manager, and every label of the navigation stays on the blue bar on one line.
- Every focus stop shows an indicator with at least 3:1 against what surrounds it (the blue bar
  or the page), and the edges of checkboxes, radio buttons and fields have 3:1 too (WCAG 1.4.11).
- A table wider than a phone scrolls in a region the keyboard reaches and a screen reader names;
  the resident's own list becomes cards, so what is asked of them is on the screen.
- On a phone the similar pilots come before the idea form's submit button.
- The agent's pages run without a refusal of the content security policy; the icon is served.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_csp import CspWatch

pytestmark = pytest.mark.needs_browser

WIDTHS = (360, 1024, 1280)
TALL = 900

# Whether the page is wider than the window, and what sticks out (to say where it overflows).
OVERFLOW = """() => {
  const width = window.innerWidth;
  const scrollsInside = (element) => {
    for (let node = element.parentElement; node && node !== document.body;) {
      if (getComputedStyle(node).overflowX !== "visible") return true;
      node = node.parentElement;
    }
    return false;
  };
  const out = [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > width + 1)
    .filter((element) => !scrollsInside(element) ||
      ["absolute", "fixed"].includes(getComputedStyle(element).position))
    .slice(0, 5)
    .map((element) => `${element.tagName.toLowerCase()}.${element.className} ` +
      `(${Math.round(element.getBoundingClientRect().right)} px)`);
  return {scroll: document.documentElement.scrollWidth, window: width, out};
}"""

# Every link and button of the navigation that is shown: on the bar, on one line.
NAVIGATION_PROBLEMS = """() => {
  const nav = document.querySelector("header nav").getBoundingClientRect();
  const problems = [];
  const items = document.querySelectorAll(
    "header nav a, header nav button:not(.navbar-toggler), header nav .navbar-toggler"
  );
  for (const item of items) {
    const box = item.getBoundingClientRect();
    if (box.width === 0 || getComputedStyle(item).visibility === "hidden") continue;
    const name = item.textContent.trim() || item.getAttribute("aria-label");
    if (box.left < nav.left - 1 || box.right > nav.right + 1 ||
        box.top < nav.top - 1 || box.bottom > nav.bottom + 1) {
      problems.push(`${name} is off the bar (${Math.round(box.left)}-${Math.round(box.right)})`);
    }
    const range = document.createRange();
    range.selectNodeContents(item);
    const lines = new Set([...range.getClientRects()].map((line) => Math.round(line.top)));
    if (lines.size > 1) problems.push(`${name} is broken over ${lines.size} lines`);
  }
  return problems;
}"""

# The focus indicator of the focused element and the colour around it, and the contrast of the
# two (WCAG's relative luminance). The indicator is the outline, or a box-shadow ring of 2 px or
# more drawn outside the element, measured once its transitions have ended; the background is
# the first opaque one of its ancestors, with the translucent ones above it laid over it.
COLOUR_FUNCTIONS = """
const parse = (text) => {
  const values = text.match(/[\\d.]+/g).map(Number);
  return {r: values[0], g: values[1], b: values[2], a: values.length > 3 ? values[3] : 1};
};
const over = (top, bottom) => ({
  r: top.r * top.a + bottom.r * (1 - top.a),
  g: top.g * top.a + bottom.g * (1 - top.a),
  b: top.b * top.a + bottom.b * (1 - top.a),
  a: 1,
});
const luminance = (colour) => {
  const channel = (value) => {
    const c = value / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b);
};
const contrast = (one, two) => {
  const [light, dark] = [luminance(one), luminance(two)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
};
const backgroundOf = (element) => {
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour.a > 0) layers.push(colour);
    if (colour.a === 1) break;
  }
  const white = {r: 255, g: 255, b: 255, a: 1};
  return layers.reverse().reduce((below, layer) => over(layer, below), white);
};
const hex = (colour) => "#" + [colour.r, colour.g, colour.b]
  .map((value) => Math.round(value).toString(16).padStart(2, "0")).join("");
"""

FOCUS_INDICATOR = (
    """async (element) => {"""
    + COLOUR_FUNCTIONS
    + """
  // Bootstrap fades its focus glow in: measure where the transitions end.
  await Promise.all(element.getAnimations().map((animation) => animation.finished));
  const style = getComputedStyle(element);
  const around = backgroundOf(element.parentElement || element);
  const rings = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) {
    rings.push(parse(style.outlineColor));
  }
  // Each shadow: its colour, then x, y, blur and spread; a ring has a spread of 2 px or more.
  const shadow = /(rgba?\\([^)]*\\))((?:\\s+-?[\\d.]+px){4})(\\s+inset)?/g;
  for (const match of style.boxShadow.matchAll(shadow)) {
    const spread = parseFloat(match[2].trim().split(/\\s+/)[3]);
    if (!match[3] && spread >= 2) rings.push(parse(match[1]));
  }
  const ratios = rings.map((ring) => contrast(over(ring, around), around));
  const label = (element.textContent.trim() || element.getAttribute("aria-label") ||
    element.name || element.id || element.tagName).slice(0, 40);
  return {
    name: `${element.tagName.toLowerCase()} ${label}`,
    visible: element.matches(":focus-visible"),
    background: hex(around),
    ratio: ratios.length ? Math.max(...ratios) : 0,
  };
}"""
)

BORDER_CONTRAST = (
    """(element) => {"""
    + COLOUR_FUNCTIONS
    + """
  const style = getComputedStyle(element);
  const around = backgroundOf(element.parentElement);
  return contrast(over(parse(style.borderTopColor), around), around);
}"""
)


def assert_no_sideways_scroll(page, where: str) -> None:
    widths = page.evaluate(OVERFLOW)
    assert widths["scroll"] <= widths["window"], f"{where} scrolls sideways: {widths}"


def assert_navigation_fits(page, where: str) -> None:
    problems = page.evaluate(NAVIGATION_PROBLEMS)
    assert not problems, f"{where}: " + "; ".join(problems)


def wait_for_the_parts(page) -> None:
    """The parts of the agent's pages that htmx loads after the page are measured with it."""
    expect(page.locator('[hx-trigger="load"], [data-hx-trigger="load"]')).to_have_count(0)


@pytest.fixture
def content(make_idea, resident, agent):
    """Something on every page: ideas waiting, a grant to pay, a pilot running, one held for
    moderation, and finished pilots with lessons, in more than one district."""
    from grants import services
    from tests import factories

    held = make_idea("draft", title="Cheap pills")
    services.idea_submit(idea=held, by=resident, hold_reason="honeypot")
    submitted = make_idea("submitted", title="Torstaitreffit kirjaston lukusalissa")
    services.message_post(idea=submitted, by=resident, body="Can we use the school hall?")
    other = factories.DistrictFactory(name="Jukola", slug="jukola")
    factories.RoundFactory(districts=[other])
    return {
        "submitted": submitted,
        "needs_info": make_idea("needs_info", title="Pihapelit"),
        "approved": make_idea("approved", title="Lukupiiri kirjastobussissa"),
        "running": make_idea("running", title="Kävelykerho"),
        "closed": make_idea("closed", title="Elämänkaarikahvila"),
        "closed_elsewhere": make_idea("closed", title="Senioreiden tanssit", district=other),
    }


# Each role's main pages; {name} is filled with the id of that idea of `content`.
ROLE_PAGES = {
    None: [
        "/en/",
        "/en/ideas/new/",
        "/en/pilots/",
        "/en/pilots/{closed}/",
        "/en/accounts/login/",
        "/en/privacy/",
    ],
    "resident": [
        "/en/my/",
        "/en/ideas/new/",
        "/en/ideas/{submitted}/",
        "/en/ideas/{approved}/report/",
        "/en/my/notifications/",
        "/en/my/profile/",
    ],
    "agent": [
        "/en/agent/",
        "/en/agent/ideas/{submitted}/",
        "/en/agent/ideas/{closed}/",
        "/en/agent/follow-up/",
        "/en/agent/money/",
        "/en/agent/ideas/new/",
        "/en/reports/themes/",
    ],
    "manager": [
        "/en/agent/",
        "/en/reports/",
        "/en/reports/iittala/",
        "/en/reports/compare/?district=iittala&district=jukola",
        "/en/agent/audit/",
    ],
}


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    wait_for_the_parts(page)


@pytest.mark.parametrize("who", ROLE_PAGES, ids=lambda who: who or "visitor")
def test_no_page_scrolls_sideways_and_the_navigation_fits(
    who, request, live_server, new_page, login, content
):
    page = new_page(viewport={"width": WIDTHS[0], "height": TALL})
    if who:
        login(page, request.getfixturevalue(who))
    ids = {name: idea.pk for name, idea in content.items()}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": TALL})
        for path in ROLE_PAGES[who]:
            visit(page, live_server.url + path.format(**ids))
            where = f"{path} at {width} px for the {who or 'visitor'}"
            assert_no_sideways_scroll(page, where)
            assert_navigation_fits(page, where)
        if width < 992:
            # The menu opened on a phone: every label on the bar, on one line.
            page.get_by_role("button", name="Menu").click()
            expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
            assert_navigation_fits(page, f"the open menu at {width} px")
            assert_no_sideways_scroll(page, f"the open menu at {width} px")


@pytest.mark.parametrize("width", [1024, 1280, 1440])
def test_the_staff_navigation_fits_the_bar_in_every_language(
    width, live_server, new_page, login, manager
):
    """A manager's bar has every link (dashboard and reports too); Finnish and Swedish labels are
    longer than the English ones."""
    from actors.models import User

    page = new_page(viewport={"width": width, "height": TALL})
    login(page, manager)
    for prefix, language in (("", "fi"), ("/sv", "sv"), ("/en", "en")):
        # A person's pages come in the language they chose.
        User.objects.filter(pk=manager.pk).update(language=language)
        visit(page, f"{live_server.url}{prefix}/reports/")
        assert page.locator("html").get_attribute("lang") == language
        assert_navigation_fits(page, f"/{language}/reports/ at {width} px")
        assert_no_sideways_scroll(page, f"/{language}/reports/ at {width} px")


def tab_through(page, *, within: str = "body", limit: int = 120) -> list[dict]:
    """Press Tab from the top of the page to its end; the indicator of each stop in `within`."""
    page.locator("body").focus()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    stops, seen = [], set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("() => document.activeElement")
        key = focused.evaluate(
            "(element) => element === document.body ? null : "
            "(element.id || '') + '|' + element.outerHTML.slice(0, 200) + '|' + "
            "[...element.parentNode.children].indexOf(element)"
        )
        if key is None or key in seen:
            break
        seen.add(key)
        if focused.evaluate("(element, selector) => !!element.closest(selector)", within):
            stops.append(focused.evaluate(FOCUS_INDICATOR))
    return stops


def assert_indicators_visible(stops: list[dict], where: str) -> None:
    assert stops, f"no focus stop found on {where}"
    weak = [stop for stop in stops if not stop["visible"] or stop["ratio"] < 3]
    assert not weak, f"focus indicators under 3:1 on {where}:\n" + "\n".join(
        f"  {stop['name']}: {stop['ratio']:.2f}:1 on {stop['background']}" for stop in weak
    )


@pytest.mark.parametrize("who", [None, "agent"], ids=["visitor", "agent"])
def test_the_navigation_shows_focus_on_the_blue_bar(who, request, live_server, page, login):
    if who:
        login(page, request.getfixturevalue(who))
    visit(page, f"{live_server.url}/en/")
    stops = tab_through(page, within="header nav")
    assert len(stops) >= 5  # the name, the links, the languages
    assert {stop["background"] for stop in stops} == {"#0a58ca"}
    assert_indicators_visible(stops, f"the navigation for the {who or 'visitor'}")


# Pages with every kind of control: fields, lists, checkboxes, radio buttons, buttons, links.
FORM_PAGES = {
    "idea form": (None, "/en/ideas/new/"),
    "closing report form": ("resident", "/en/ideas/{approved}/report/"),
    "agent's dashboard": ("agent", "/en/agent/"),
    "compare districts": ("manager", "/en/reports/compare/?district=iittala"),
}


@pytest.mark.parametrize("name", FORM_PAGES)
def test_every_focus_stop_has_a_visible_indicator(name, request, live_server, page, login, content):
    who, path = FORM_PAGES[name]
    if who:
        login(page, request.getfixturevalue(who))
    visit(page, live_server.url + path.format(**{key: idea.pk for key, idea in content.items()}))
    stops = tab_through(page, within="main", limit=200)
    kinds = {stop["name"].split(" ")[0] for stop in stops}
    assert kinds & {"input", "select", "textarea"}, f"no field reached on {name}: {kinds}"
    assert_indicators_visible(stops, name)


@pytest.mark.parametrize("name", FORM_PAGES)
def test_checkboxes_radio_buttons_and_fields_have_visible_edges(
    name, request, live_server, page, login, content
):
    who, path = FORM_PAGES[name]
    if who:
        login(page, request.getfixturevalue(who))
    visit(page, live_server.url + path.format(**{key: idea.pk for key, idea in content.items()}))
    controls = page.locator(
        "main input.form-check-input:not(:checked), main input.form-control, "
        "main select.form-select, main textarea.form-control"
    )
    assert controls.count() > 0
    weak = []
    for index in range(controls.count()):
        control = controls.nth(index)
        if not control.is_visible():
            continue
        ratio = control.evaluate(BORDER_CONTRAST)
        if ratio < 3:
            described = control.evaluate("(element) => `${element.type} ${element.name}`")
            weak.append(f"{described}: {ratio:.2f}:1")
    assert not weak, f"edges under 3:1 on {name}: " + "; ".join(weak)


# Whether each box that scrolls sideways in the main part of the page can be reached with the
# keyboard and is named for a screen reader.
SCROLLING_REGIONS = """() => [...document.querySelectorAll("main *")]
  .filter((element) => ["auto", "scroll"].includes(getComputedStyle(element).overflowX))
  .filter((element) => element.scrollWidth > element.clientWidth + 1)
  .map((element) => {
    const labelledBy = (element.getAttribute("aria-labelledby") || "").split(/\\s+/)
      .map((id) => document.getElementById(id)).filter(Boolean)
      .map((label) => label.textContent.trim()).join(" ");
    return {
      tabindex: element.getAttribute("tabindex"),
      role: element.getAttribute("role"),
      name: (element.getAttribute("aria-label") || labelledBy).trim(),
      html: element.outerHTML.slice(0, 120),
    };
  })"""

# Which of the main part's tables, counted in the page, is the first to scroll sideways.
FIRST_SCROLLING = """() => [...document.querySelectorAll("main .table-responsive")]
  .findIndex((element) => element.scrollWidth > element.clientWidth + 1)"""

WIDE_TABLE_PAGES = {
    "agent's dashboard": ("agent", "/en/agent/"),
    "money": ("agent", "/en/agent/money/"),
    "compare districts": ("manager", "/en/reports/compare/?district=iittala&district=jukola"),
    "district report": ("manager", "/en/reports/iittala/"),
}


@pytest.mark.parametrize("name", WIDE_TABLE_PAGES)
def test_wide_tables_scroll_in_regions_the_keyboard_reaches(
    name, request, live_server, new_page, login, content
):
    who, path = WIDE_TABLE_PAGES[name]
    page = new_page(viewport={"width": 360, "height": 740})
    login(page, request.getfixturevalue(who))
    visit(page, live_server.url + path)
    regions = page.evaluate(SCROLLING_REGIONS)
    assert regions, f"nothing scrolls sideways on {name} at 360 px: the test would prove nothing"
    for region in regions:
        assert region["tabindex"] == "0", f"the keyboard cannot reach {region['html']}"
        assert region["role"] == "region" and region["name"], f"unnamed: {region['html']}"
    # Reached by the keyboard, the region scrolls with the arrow keys.
    region = page.locator("main .table-responsive").nth(page.evaluate(FIRST_SCROLLING))
    region.focus()
    assert region.evaluate("(element) => element.matches(':focus-visible')")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    region.evaluate(
        "(element) => new Promise((done) => {"
        " const check = () => element.scrollLeft > 0 ? done() : setTimeout(check, 50); check(); })"
    )


def test_my_pilots_show_what_is_asked_on_a_phone(live_server, new_page, login, resident, content):
    page = new_page(viewport={"width": 360, "height": 740})
    login(page, resident)
    visit(page, f"{live_server.url}/en/my/")
    assert page.evaluate(SCROLLING_REGIONS) == []
    asked = page.get_by_role("link", name="Send the closing report when the pilot is over")
    expect(asked.first).to_be_visible()
    for index in range(asked.count()):
        box = asked.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, f"off-screen at {box}"
    answer = page.get_by_role("cell", name="Answer the resident agent's question").bounding_box()
    assert answer["x"] >= 0 and answer["x"] + answer["width"] <= 360, f"off-screen at {answer}"
    # Each card names its column on the screen, and it is still a table for a screen reader.
    shown = (
        page.locator("main tbody td")
        .nth(3)
        .evaluate("(cell) => getComputedStyle(cell, '::before').content")
    )
    assert "What is asked of me" in shown
    expect(page.get_by_role("columnheader", name="What is asked of me")).to_have_count(1)
    assert_no_sideways_scroll(page, "/en/my/ at 360 px")


def test_similar_pilots_come_before_the_submit_button_on_a_phone(
    live_server, new_page, open_round, content
):
    page = new_page(viewport={"width": 360, "height": 740})
    visit(page, f"{live_server.url}/en/ideas/new/")
    page.fill("input[name=title]", "Elämänkaarikahvila")
    page.locator("input[name=title]").blur()
    panel = page.get_by_role("complementary", name="Similar pilots")
    expect(panel.get_by_role("heading", name=re.compile("Learn before you try"))).to_be_visible()
    submit = page.get_by_role("button", name="Submit the idea")
    follows = panel.evaluate(
        "(panel, submit) => "
        "!!(panel.compareDocumentPosition(submit) & Node.DOCUMENT_POSITION_FOLLOWING)",
        submit.element_handle(),
    )
    assert follows, "the similar pilots come after the submit button in the page"
    assert panel.bounding_box()["y"] + panel.bounding_box()["height"] <= submit.bounding_box()["y"]

    # On a wide screen the panel stands beside the form, on its right.
    page.set_viewport_size({"width": 1280, "height": TALL})
    form = page.locator("#idea-form")
    assert panel.bounding_box()["x"] >= form.bounding_box()["x"] + form.bounding_box()["width"]


def test_the_agent_pages_run_without_refusals(live_server, new_page, login, agent, content):
    page = new_page()
    watch = CspWatch(page)
    login(page, agent)
    for path in (
        "/en/agent/",
        f"/en/agent/ideas/{content['submitted'].pk}/",
        f"/en/agent/ideas/{content['closed'].pk}/",
        "/en/agent/follow-up/",
        "/en/agent/money/",
        "/en/agent/ideas/new/",
        "/en/reports/",
        "/en/reports/iittala/",
        "/en/reports/compare/",
        "/en/reports/themes/",
    ):
        watch.visit(live_server.url + path)
        wait_for_the_parts(page)
        watch.assert_none()
    # The queue filtered in place by htmx, then the page before it again from history.
    watch.visit(f"{live_server.url}/en/agent/")
    wait_for_the_parts(page)
    with page.expect_response(re.compile(r"/agent/\?")):
        page.get_by_label("Who benefits").select_option("elderly")
    page.wait_for_load_state("networkidle")
    page.go_back()
    page.wait_for_load_state("networkidle")
    assert page.locator("style").count() == 0
    assert page.locator("[style]").count() == 0
    watch.assert_none()


def test_the_icon_is_linked_and_served(live_server, page):
    missing = []
    page.on("response", lambda response: response.status >= 400 and missing.append(response.url))
    visit(page, f"{live_server.url}/en/")
    page.wait_for_load_state("networkidle")
    for link in page.locator("link[rel=icon]").all():
        response = page.request.get(live_server.url + link.get_attribute("href"))
        assert response.status == 200
        assert response.headers["content-type"].startswith(("image/", "application/octet"))
    assert page.locator("link[rel=icon]").count() >= 1
    assert missing == []
