"""WCAG 2.1 AA checks with axe-core on every page a person uses, and a phone-width check.

axe-core (tests/e2e/axe.min.js) is injected into the rendered page in Chromium, so the checks see
the real CSS: colour contrast, labels, landmarks, headings, names of links and buttons.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.needs_browser

AXE = Path(__file__).with_name("axe.min.js")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    # Evaluated by the test driver, not added as an inline <script>, which the pages' content
    # security policy refuses (tests/e2e/test_csp.py).
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;window.axe = axe;")
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
def ideas(make_idea, resident, agent):
    """Content for every page: an idea waiting, one approved, one reported with its lessons,
    one held for moderation, and a message thread."""
    from grants import services

    held = make_idea("draft", title="Cheap pills")
    services.idea_submit(idea=held, by=resident, hold_reason="honeypot")
    submitted = make_idea("submitted", title="Torstaitreffit")
    services.message_post(idea=submitted, by=resident, body="Can we use the school hall?")
    services.message_post(idea=submitted, by=agent, body="Ask the caretaker.", internal=True)
    from django.utils import timezone

    from grants.models import Payee

    approved = make_idea("approved", title="Lukupiiri")
    to_pay = make_idea("approved", title="Pihakirppis")
    Payee.objects.create(actor=to_pay.applicant, name="Aino Asukas", iban="FI2112345600000785")
    batch = services.batch_create(
        grant_ids=[to_pay.grant.pk], by=agent, execution_date=timezone.localdate()
    )
    return {
        "submitted": submitted,
        "approved": approved,
        "reported": make_idea("reported"),
        "closed": make_idea("closed", title="Elämänkaarikahvila"),
        "batch": batch,
    }


# name: (who is logged in, the path, the status of the idea whose id fills {id})
PAGES = {
    "landing, English": (None, "/en/", None),
    "landing, Finnish": (None, "/", None),
    "landing, Swedish": (None, "/sv/", None),
    "idea form, visitor, Finnish": (None, "/ideas/new/", None),
    "idea form, visitor, Swedish": (None, "/sv/ideas/new/", None),
    "pilots, Swedish": (None, "/sv/pilots/", None),
    "my details": ("resident", "/en/my/profile/", None),
    "claim an idea": ("resident", "/en/ideas/claim/", None),
    "idea, submitted, with messages": ("resident", "/en/ideas/{id}/", "submitted"),
    "agent enters an idea": ("agent", "/en/agent/ideas/new/", None),
    "log in": (None, "/en/accounts/login/", None),
    "pilots": (None, "/en/pilots/", None),
    "pilot": (None, "/en/pilots/{id}/", "closed"),
    "idea form, visitor": (None, "/en/ideas/new/", None),
    "idea form": ("resident", "/en/ideas/new/", None),
    "my pilots": ("resident", "/en/my/", None),
    "idea, approved": ("resident", "/en/ideas/{id}/", "approved"),
    "idea, reported": ("resident", "/en/ideas/{id}/", "reported"),
    "closing report form": ("resident", "/en/ideas/{id}/report/", "approved"),
    "where the grant is paid": ("resident", "/en/ideas/{id}/payee/", "approved"),
    "where the grant is paid, Finnish": ("resident", "/ideas/{id}/payee/", "approved"),
    "payment batch": ("agent", "/en/agent/payments/{id}/", "batch"),
    "agent dashboard": ("agent", "/en/agent/", None),
    "agent's follow-up, alone": ("agent", "/en/agent/follow-up/", None),
    "agent's money, alone": ("agent", "/en/agent/money/", None),
    "agent idea, to decide": ("agent", "/en/agent/ideas/{id}/", "submitted"),
    "idea mill, alone": ("agent", "/en/agent/ideas/{id}/mill/", "submitted"),
    "agent idea, reported": ("agent", "/en/agent/ideas/{id}/", "reported"),
    "district report": ("manager", "/en/reports/iittala/", None),
    "district reports": ("manager", "/en/reports/", None),
    "compare districts": ("manager", "/en/reports/compare/", None),
    "themes of the lessons": ("agent", "/en/reports/themes/", None),
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
    # The parts that load after the page are checked with it.
    expect(page.locator('[data-hx-trigger="load"]')).to_have_count(0)
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


@pytest.mark.parametrize("language", ["en", "fi", "sv"])
def test_preview_and_finish_steps_have_no_wcag_violations(language, live_server, page, open_round):
    """A visitor fills the form, previews it, and reaches the email step: each page checked."""
    from datetime import timedelta

    from django.utils import timezone

    prefix = "" if language == "fi" else f"/{language}"
    page.goto(f"{live_server.url}{prefix}/ideas/new/")
    today = timezone.localdate()
    page.fill("input[name=title]", "Lukupiiri")
    page.fill("textarea[name=need]", "Kylällä ei ole kirjastoa.")
    page.fill("textarea[name=plan]", "Lukupiiri kirjastobussissa.")
    page.locator("input[name=age_groups]").first.check()
    page.locator("select[name=district]").select_option(index=1)
    page.fill("input[name=starts_on]", (today + timedelta(days=7)).isoformat())
    page.fill("input[name=ends_on]", (today + timedelta(days=30)).isoformat())
    with page.expect_navigation():
        page.locator("button[name=preview], input[name=preview]").click()
    assert "Lukupiiri" in page.content()
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("button[name=submit]").click()
    assert "/ideas/new/finish/" in page.url
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/en/", "/en/ideas/new/", "/sv/ideas/new/", "/en/my/"])
def test_no_horizontal_scroll_on_a_phone(path, live_server, new_page, login, open_round, resident):
    page = new_page(viewport={"width": 360, "height": 740})
    login(page, resident)
    page.goto(live_server.url + path)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, window: window.innerWidth})"
    )
    assert widths["window"] == 360
    assert widths["scroll"] <= widths["window"], f"{path} scrolls sideways on a phone: {widths}"
