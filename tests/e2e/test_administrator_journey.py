"""A year of the programme without a developer, in a real browser: the programme administrator
opens a new round in Swedish with its rules, a resident reads the round's page and submits an
idea to it, the resident agent approves it, and after the closing report a city manager records
what the city decided. Every page on the way is checked with axe."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from grants import services
from grants.models import CityDecision, Idea, Round
from tests import factories
from tests.e2e.test_accessibility import assert_accessible

pytestmark = pytest.mark.needs_browser

RULES_SV = "Vi finansierar sommarens små försök i Jukola. Löner finansieras inte."
TITLE = "Läshund på biblioteket"


def test_a_round_from_its_opening_to_the_citys_decision(
    live_server, new_page, login, resident, agent, manager, settings
):
    from playwright.sync_api import expect

    settings.SPAM_MIN_SECONDS_TO_FILL = 0
    cache.clear()
    url = live_server.url
    today = timezone.localdate()
    factories.DistrictFactory(name="Jukola", slug="jukola")
    administrator = factories.AdministratorFactory(email="admin@example.org")

    # The administrator opens a new round, on the Swedish pages.
    desk = login(new_page(), administrator)
    expect(desk).to_have_url(f"{url}/en/manage/")  # the start page of the role
    desk.goto(f"{url}/sv/manage/")
    expect(desk.get_by_role("heading", level=1)).to_have_text("Programadministration")
    assert_accessible(desk)
    desk.get_by_role("link", name="Ny omgång").click()
    desk.locator("input[name=name_fi]").fill("Kesä Jukolassa")
    desk.locator("input[name=name_sv]").fill("Sommar i Jukola")
    desk.locator("textarea[name=rules_fi]").fill("Rahoitamme kesän pieniä kokeiluja Jukolassa.")
    desk.locator("textarea[name=rules_sv]").fill(RULES_SV)
    desk.locator("input[name=budget]").fill("5000")
    desk.locator("input[name=opens_on]").fill(today.isoformat())
    desk.locator("input[name=closes_on]").fill((today + timedelta(days=45)).isoformat())
    desk.get_by_label("Jukola").check()
    assert_accessible(desk)
    desk.get_by_role("button", name="Spara omgången").click()
    expect(desk.get_by_role("status")).to_contain_text("”Sommar i Jukola” är sparad")
    round_ = Round.objects.get(name_fi="Kesä Jukolassa")
    assert round_.budget == Decimal("5000.00") and round_.rules_sv == RULES_SV
    assert round_.is_open_on(today)

    # A resident finds it on the Swedish front page, reads its rules and proposes a pilot.
    maker = login(new_page(), resident)
    maker.goto(f"{url}/sv/")
    maker.get_by_role("link", name="Sommar i Jukola").click()
    expect(maker).to_have_url(f"{url}/sv/rounds/{round_.pk}/")
    expect(maker.get_by_role("main")).to_contain_text(RULES_SV)
    expect(maker.get_by_role("main")).to_contain_text("5 000,00 €")
    assert_accessible(maker)
    maker.get_by_role("main").get_by_role("link", name="Föreslå en minipilot").click()
    form = maker.locator("#idea-form")
    expect(form).to_contain_text("Sommar i Jukola")  # the round the idea goes to
    fields = factories.idea_fields()
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=need]").fill("Barn som läser långsamt vågar inte läsa högt.")
    form.locator("textarea[name=plan]").fill("En läshund besöker biblioteket varje vecka.")
    form.locator("input[name=age_groups][value=children]").check()
    form.locator("select[name=district]").select_option(label="Jukola")
    form.locator("input[name=starts_on]").fill(fields["starts_on"].isoformat())
    form.locator("input[name=ends_on]").fill(fields["ends_on"].isoformat())
    form.locator("[name=submit]").click()
    expect(maker).to_have_url(re.compile(r"/sv/ideas/\d+/$"))
    idea = Idea.objects.get(title=TITLE)
    assert idea.round == round_ and idea.status == "submitted"

    # The resident agent approves the usual grant.
    queue = login(new_page(), agent)
    queue.goto(f"{url}/en/agent/ideas/{idea.pk}/")
    queue.get_by_role("button", name="Approve 500 €").click()
    expect(queue.get_by_role("status")).to_contain_text("The decision is saved")
    round_.refresh_from_db()
    assert round_.granted_total == Decimal("500.00")

    # The pilot runs; its closing report comes in.
    idea.refresh_from_db()
    services.closing_report_submit(
        idea=idea, by=resident, lessons=["A dog listens."], **factories.report_fields()
    )

    # A city manager records what the city decided.
    city = login(new_page(), manager)
    city.goto(f"{url}/en/reports/decisions/{idea.pk}/")
    city.get_by_label("Make it a permanent service").check()
    city.get_by_label("Reason").fill("The library takes the reading dog on.")
    city.get_by_label("Responsible unit").fill("Kirjastopalvelut")
    city.get_by_label("Responsible person").select_option(index=1)
    city.get_by_label("Yearly cost estimate (€)").fill("1200")
    city.locator("input[name=follow_up_on]").fill((today + timedelta(days=180)).isoformat())
    assert_accessible(city)
    city.get_by_role("button", name="Record the decision").click()
    expect(city.get_by_role("status")).to_contain_text("The city's decision is recorded")
    decision = CityDecision.objects.get(idea=idea)
    assert decision.outcome == CityDecision.Outcome.PERMANENT
    assert decision.yearly_cost == Decimal("1200.00")
