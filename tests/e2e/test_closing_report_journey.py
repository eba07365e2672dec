"""A maker follows the emailed link, logs in by code, fills the closing report on a phone, and
the resident agent accepts it; the form passes axe."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from grants.services import reminders
from tests.e2e.test_accessibility import assert_accessible

pytestmark = pytest.mark.needs_browser

PHONE = {"width": 360, "height": 740}


def test_maker_reports_from_the_email_and_the_agent_accepts(
    live_server, new_page, login, make_idea, resident, agent, settings
):
    from playwright.sync_api import expect

    settings.SITE_URL = live_server.url
    today = timezone.localdate()
    idea = make_idea(
        "running", starts_on=today - timedelta(days=30), ends_on=today, title="Kirpputori"
    )
    mail.outbox.clear()
    reminders.sweep(today=today)  # the end date: the closing report is requested by email
    request = next(m for m in mail.outbox if m.to == [resident.email])
    link = re.search(r"https?://\S+/report/", request.body).group(0)

    page = new_page(viewport=PHONE)
    page.goto(link)  # not logged in: the login page, where a code can be asked for
    assert "/accounts/login/" in page.url
    page.get_by_role("link", name=re.compile("login code", re.I)).click()
    page.fill("input[name=email]", resident.email)
    mail.outbox.clear()
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    code = re.search(
        r"^\s*([A-Z0-9][A-Z0-9-]{4,}[A-Z0-9])\s*$", mail.outbox[-1].body, re.MULTILINE
    ).group(1)
    page.fill("input[name=code]", code)
    with page.expect_navigation():
        page.locator("main button[type=submit]").first.click()
    assert page.url.endswith(f"/ideas/{idea.pk}/report/")
    assert_accessible(page)

    page.fill("textarea[name=what_happened]", "Three Saturdays, 80 visitors.")
    page.fill("input[name=participants_children]", "40")
    page.fill("input[name=participants_adults]", "40")
    page.fill("input[name=actual_cost]", "250")
    page.fill("textarea[name=what_worked]", "Pupils ran the café.")
    page.fill("textarea[name=what_did_not_work]", "Rain on the second Saturday.")
    page.fill("input[name=lesson_1]", "Have a plan for rain.")
    for name in ("novelty", "change", "usefulness"):
        page.locator(f"input[name={name}][value='4']").check()
    page.locator("input[name=continuation][value=permanent]").check()
    page.get_by_role("button", name="Send the closing report").click()
    expect(page.get_by_role("status").first).to_contain_text("closing report was sent")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    agent_page = login(new_page(), agent)
    agent_page.goto(f"{live_server.url}/en/agent/ideas/{idea.pk}/")
    expect(agent_page.get_by_text("Have a plan for rain.")).to_be_visible()
    agent_page.get_by_role("button", name="Accept the report and close the pilot").click()
    expect(agent_page.get_by_role("status").first).to_contain_text("The pilot is closed.")
    idea.refresh_from_db()
    assert idea.status == "closed"
    assert idea.closing_report.continuation == "permanent"
