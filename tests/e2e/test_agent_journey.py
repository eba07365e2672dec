"""The resident agent filters the queue, opens an idea, approves it with one click, and the row
leaves the queue: a decision in three clicks from the dashboard."""

import re

import pytest

from tests.e2e.test_accessibility import assert_accessible

pytestmark = pytest.mark.needs_browser


def test_agent_filters_opens_and_approves(live_server, page, login, agent, make_idea, district):
    from playwright.sync_api import expect

    make_idea("submitted", title="Pihapelit", age_groups=["children"])
    make_idea("submitted", title="Senioreiden kerho", age_groups=["elderly"])
    login(page, agent)
    page.goto(f"{live_server.url}/en/agent/")
    assert_accessible(page)
    queue = page.locator("#queue")
    expect(queue).to_contain_text("Pihapelit")
    expect(queue).to_contain_text("Senioreiden kerho")

    # Filtering updates the queue in place (htmx) and the address keeps the filter.
    page.get_by_label("Who benefits").select_option("elderly")
    expect(page.locator("#queue")).not_to_contain_text("Pihapelit")
    expect(page).to_have_url(re.compile(r"age_group=elderly"))

    page.get_by_role("link", name="Senioreiden kerho").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Senioreiden kerho")
    assert_accessible(page)
    page.get_by_role("button", name="Approve 500 €").click()

    expect(page.get_by_role("status").first).to_contain_text("The decision is saved")
    expect(page.locator("#queue")).not_to_contain_text("Senioreiden kerho")
    expect(page.locator("#queue")).to_contain_text("Pihapelit")
