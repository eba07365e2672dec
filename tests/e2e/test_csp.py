"""The app works in Chromium under its strict Content Security Policy: residents, agents and
managers go through their main pages and the browser refuses nothing; htmx still filters.

The browser reports what the policy blocks in two ways, both watched here: a
`securitypolicyviolation` event in the page (listener added before any page script runs) and a
console message ("Refused to ...").
"""

import re

import pytest

from tests.e2e.conftest import PASSWORD
from tests.e2e.test_accessibility import assert_accessible

pytestmark = pytest.mark.needs_browser

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`
  );
});
"""


class CspWatch:
    """Collects every refusal of the policy on one page (tab), across navigations."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(WATCH)
        page.on("console", self._on_console)

    def _on_console(self, message):
        text = message.text
        if "Refused to" in text or "Content Security Policy" in text:
            self.console.append(f"{self.page.url}: {text}")

    def in_page(self) -> list[str]:
        return self.page.evaluate("() => window.__cspViolations || []")

    def assert_none(self) -> None:
        found = [f"{self.page.url}: {v}" for v in self.in_page()] + self.console
        assert not found, "the content security policy refused:\n" + "\n".join(found)

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        self.page.wait_for_load_state("networkidle")
        self.assert_none()


def submit_password(page, url: str | None, email: str | None) -> None:
    if url:
        page.goto(url)
    form = page.locator("form").filter(has=page.locator("input[name=password]"))
    if email:
        form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()


def test_the_watch_sees_a_refusal(live_server, page):
    """The check can fail: an inline script and an inline style are refused and reported."""
    watch = CspWatch(page)
    watch.visit(f"{live_server.url}/en/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.append(script);
            document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
        }"""
    )
    page.wait_for_function("() => window.__cspViolations.length >= 2")
    assert page.evaluate("() => window.inlineRan") is None
    with pytest.raises(AssertionError, match="script-src"):
        watch.assert_none()


def test_resident_pages_run_without_refusals(live_server, new_page, login, resident, make_idea):
    idea = make_idea("submitted", title="Torstaitreffit")
    pilot = make_idea("closed", title="Elämänkaarikahvila")
    page = new_page()
    watch = CspWatch(page)
    watch.visit(f"{live_server.url}/en/")
    watch.visit(f"{live_server.url}/en/pilots/")  # the showcase
    watch.visit(f"{live_server.url}/en/pilots/{pilot.pk}/")
    login(page, resident)
    watch.visit(f"{live_server.url}/en/my/")
    watch.visit(f"{live_server.url}/en/ideas/{idea.pk}/")
    # The idea form: htmx proposes similar pilots on load and autosaves as the person types.
    watch.visit(f"{live_server.url}/en/ideas/new/")
    with page.expect_response(re.compile(r"/ideas/similar/")):
        page.fill("input[name=title]", "Kahvila")
        page.locator("input[name=title]").blur()
    page.wait_for_load_state("networkidle")
    watch.assert_none()


def test_agent_filters_the_queue_with_htmx_without_refusals(
    live_server, new_page, login, agent, make_idea
):
    from playwright.sync_api import expect

    make_idea("submitted", title="Pihapelit", age_groups=["children"])
    seniors = make_idea("submitted", title="Senioreiden kerho", age_groups=["elderly"])
    page = new_page()
    watch = CspWatch(page)
    login(page, agent)
    watch.visit(f"{live_server.url}/en/agent/")
    queue = page.locator("#queue")
    expect(queue).to_contain_text("Pihapelit")

    # htmx swaps the filtered queue in place, with no page load.
    page.evaluate("() => { window.__samePage = true; }")
    page.get_by_label("Who benefits").select_option("elderly")
    expect(page.locator("#queue")).not_to_contain_text("Pihapelit")
    expect(page.locator("#queue")).to_contain_text("Senioreiden kerho")
    expect(page).to_have_url(re.compile(r"age_group=elderly"))
    assert page.evaluate("() => window.__samePage") is True
    # htmx did not put an inline <style> in the page (its indicator style is in our CSS).
    assert page.locator("head style").count() == 0
    watch.assert_none()

    watch.visit(f"{live_server.url}/en/agent/ideas/{seniors.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Senioreiden kerho")


def test_manager_reads_reports_with_charts_without_refusals(
    live_server, new_page, login, manager, make_idea, district
):
    make_idea("closed", title="Elämänkaarikahvila")
    make_idea("closed", title="Torstaitreffit")
    page = new_page()
    watch = CspWatch(page)
    login(page, manager)
    watch.visit(f"{live_server.url}/en/reports/")
    watch.visit(f"{live_server.url}/en/reports/{district.slug}/")
    charts = page.locator("main svg")
    assert charts.count() >= 2
    assert charts.first.bounding_box()["width"] > 100  # drawn, sized by our CSS
    watch.visit(f"{live_server.url}/en/reports/themes/")
    watch.visit(f"{live_server.url}/en/pilots/")


def test_an_agent_sets_up_the_authenticator_app_in_the_browser(live_server, new_page, db):
    """First login of an agent without an authenticator: password again, the QR code page, the
    code, the recovery codes, then the dashboard; every page accessible and nothing refused."""
    from allauth.mfa.models import Authenticator
    from playwright.sync_api import expect

    from tests import factories

    agent = factories.AgentFactory(email="new-agent@example.org", mfa=False)
    page = new_page()
    watch = CspWatch(page)
    submit_password(page, f"{live_server.url}/en/accounts/login/", agent.email)
    # Sent to set up the app; first the password once more.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    expect(page.get_by_role("status")).to_contain_text("Set up an authenticator app")
    assert_accessible(page)
    watch.assert_none()
    submit_password(page, None, None)

    expect(page).to_have_url(re.compile(r"/2fa/totp/activate/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0  # the data: image loaded under img-src
    assert_accessible(page)
    watch.assert_none()
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(factories.totp_code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Activate").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")
    assert page.locator(".recovery-codes li").count() > 0
    assert_accessible(page)
    watch.assert_none()
    assert Authenticator.objects.filter(user=agent, type=Authenticator.Type.TOTP).exists()

    watch.visit(f"{live_server.url}/en/agent/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/2fa/" not in page.url


def test_the_code_step_at_login_is_accessible(live_server, page, agent):
    watch = CspWatch(page)
    submit_password(page, f"{live_server.url}/en/accounts/login/", agent.email)
    assert "/2fa/authenticate/" in page.url
    assert_accessible(page)
    watch.assert_none()
