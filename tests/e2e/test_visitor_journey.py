"""A new person on a 360 px phone writes an idea before logging in, logs in with the code from
the email at the end, and finds the idea in /my/; the pages on the way pass axe in fi and sv."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from actors.models import User
from grants.models import Idea
from tests.e2e.test_accessibility import assert_accessible

pytestmark = pytest.mark.needs_browser

SMALL_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def no_spam_timer(settings):
    settings.SPAM_MIN_SECONDS_TO_FILL = 0
    cache.clear()


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_new_person_submits_and_logs_in_by_code(
    language, live_server, new_page, open_round, district, agent, no_spam_timer
):
    prefix = "" if language == "fi" else f"/{language}"
    email = f"uusi.{language}@example.org"
    page = new_page(viewport=SMALL_PHONE)
    today = timezone.localdate()

    page.goto(f"{live_server.url}{prefix}/")
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)

    page.goto(f"{live_server.url}{prefix}/ideas/new/")
    assert_accessible(page)
    page.fill("input[name=title]", "Pihapelit")
    page.fill("textarea[name=need]", "Lapset eivät leiki pihalla yhdessä.")
    page.fill("textarea[name=plan]", "Viikoittaiset pihapelit taloyhtiön pihalla.")
    page.locator("input[name=age_groups][value=children]").check()
    page.locator("select[name=district]").select_option(label="Iittala")
    page.fill("input[name=starts_on]", (today + timedelta(days=7)).isoformat())
    page.fill("input[name=ends_on]", (today + timedelta(days=40)).isoformat())
    with page.expect_navigation():
        page.locator("[name=preview]").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("button[name=submit]").click()

    assert "/ideas/new/finish/" in page.url
    mail.outbox.clear()
    page.fill("input[name=email]", email)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert "/accounts/login/code/confirm/" in page.url

    body = next(message.body for message in mail.outbox if message.to == [email])
    code = re.search(r"^\s*([A-Z0-9][A-Z0-9-]{4,}[A-Z0-9])\s*$", body, re.MULTILINE).group(1)
    page.fill("input[name=code]", code)
    with page.expect_navigation():
        page.locator("main button[type=submit]").first.click()

    person = User.objects.get(email=email)
    idea = Idea.objects.get(created_by=person)
    assert (idea.title, idea.status, idea.held_reason) == ("Pihapelit", "submitted", "")
    assert person.language == language

    page.goto(f"{live_server.url}{prefix}/my/")
    assert "Pihapelit" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    assert_accessible(page)
