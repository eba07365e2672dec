"""WCAG 2.1 AA checks with axe-core on every page a person uses, and a phone-width check.

axe-core (tests/e2e/axe.min.js) is injected into the rendered page in Chromium, so the checks see
the real CSS: colour contrast, labels, landmarks, headings, names of links and buttons.
"""

from pathlib import Path

import pytest

from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.needs_browser

AXE = Path(__file__).with_name("axe.min.js")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations;
        }""",
        WCAG_AA,
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']!r}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe found WCAG 2.1 AA violations on {page.url}:\n" + describe(
        violations
    )


@pytest.fixture
def ideas(make_idea):
    """Content for every page: an idea waiting, one approved, one reported with its lessons."""
    return {
        "submitted": make_idea("submitted", title="Torstaitreffit"),
        "approved": make_idea("approved", title="Lukupiiri"),
        "reported": make_idea("reported"),
    }


# name: (who is logged in, the path, the status of the idea whose id fills {id})
PAGES = {
    "landing, English": (None, "/en/", None),
    "landing, Finnish": (None, "/", None),
    "log in": (None, "/en/accounts/login/", None),
    "pilots": (None, "/en/pilots/", None),
    "pilot": (None, "/en/pilots/{id}/", "reported"),
    "idea form, visitor": (None, "/en/ideas/new/", None),
    "idea form": ("resident", "/en/ideas/new/", None),
    "my pilots": ("resident", "/en/my/", None),
    "idea, approved": ("resident", "/en/ideas/{id}/", "approved"),
    "idea, reported": ("resident", "/en/ideas/{id}/", "reported"),
    "closing report form": ("resident", "/en/ideas/{id}/report/", "approved"),
    "agent dashboard": ("agent", "/en/agent/", None),
    "agent idea, to decide": ("agent", "/en/agent/ideas/{id}/", "submitted"),
    "agent idea, reported": ("agent", "/en/agent/ideas/{id}/", "reported"),
    "district report": ("manager", "/en/reports/iittala/", None),
    "district reports": ("manager", "/en/reports/", None),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_wcag_violations(name, request, live_server, page, login, ideas):
    who, path, status = PAGES[name]
    if who:
        login(page, request.getfixturevalue(who))
    if status:
        path = path.format(id=ideas[status].pk)
    response = page.goto(live_server.url + path)
    assert response.status == 200, f"{path} answered {response.status}"
    assert_accessible(page)


def test_idea_form_with_errors_has_no_wcag_violations(
    live_server, page, login, open_round, resident
):
    login(page, resident)
    page.goto(f"{live_server.url}/en/ideas/new/")
    form = page.locator("form").filter(has=page.locator("input[name=title]"))
    form.evaluate("form => { form.noValidate = true; }")  # let the server do the checking
    with page.expect_navigation():
        form.get_by_role("button", name="Submit the idea").click()
    assert page.get_by_role("alert").first.is_visible()
    assert page.locator(".invalid-feedback, .is-invalid").count() > 0
    assert_accessible(page)


def test_closing_report_form_with_errors_has_no_wcag_violations(
    live_server, page, login, make_idea, resident
):
    idea = make_idea("approved")
    login(page, resident)
    page.goto(f"{live_server.url}/en/ideas/{idea.pk}/report/")
    form = page.locator("form").filter(has=page.locator("textarea[name=what_happened]"))
    form.evaluate("form => { form.noValidate = true; }")
    with page.expect_navigation():
        form.get_by_role("button", name="Send the closing report").click()
    assert page.locator(".is-invalid").count() > 0
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/en/", "/en/ideas/new/"])
def test_no_horizontal_scroll_on_a_phone(path, live_server, new_page, login, open_round, resident):
    page = new_page(viewport=PHONE)
    login(page, resident)
    page.goto(live_server.url + path)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, window: window.innerWidth})"
    )
    assert widths["window"] == PHONE["width"]
    assert widths["scroll"] <= widths["window"], f"{path} scrolls sideways on a phone: {widths}"
