"""A city manager opens Iittala's report, switches the round, and compares with Jukola."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.e2e.test_accessibility import assert_accessible

pytestmark = pytest.mark.needs_browser


def test_manager_reads_switches_round_and_compares(
    live_server, page, login, manager, make_idea, open_round, district
):
    from playwright.sync_api import expect

    jukola = factories.DistrictFactory(name="Jukola", slug="jukola")
    open_round.districts.add(jukola)
    factories.RoundFactory(
        name="Kevät 2027",
        slug="kevat-2027",
        districts=[district, jukola],
        opens_on=timezone.localdate() + timedelta(days=100),  # not open yet: no pilots
    )
    make_idea("closed", title="Elämänkaarikahvila")
    make_idea("closed", title="Torstaitreffit", district=jukola)
    login(page, manager)

    page.goto(f"{live_server.url}/en/reports/")
    page.get_by_role("link", name="Iittala").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What Iittala learned")
    assert_accessible(page)

    page.get_by_label("Round", exact=True).select_option(label="Kevät 2027")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("p.lead")).to_contain_text("Kevät 2027")
    expect(page.locator("p.lead")).to_contain_text("0 pilots")

    page.get_by_role("link", name="Compare districts").click()
    expect(page.get_by_role("columnheader", name="Jukola")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Iittala")).to_be_visible()
    assert_accessible(page)
