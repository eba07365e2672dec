"""In a real browser, a logged-in person's /sv/ and /en/ pages are in Swedish and English,
whatever language their profile chose (the address decides the page)."""

import pytest
from playwright.sync_api import expect

from actors.models import User

pytestmark = pytest.mark.needs_browser


@pytest.mark.parametrize(
    ("prefix", "lang", "heading"),
    [("/sv", "sv", "Mina minipiloter"), ("/en", "en", "My pilots"), ("", "fi", "Omat minipilotit")],
)
def test_the_address_decides_the_language_of_a_logged_in_page(
    live_server, new_page, login, resident, prefix, lang, heading
):
    User.objects.filter(pk=resident.pk).update(language="fi")
    page = new_page()
    login(page, resident)
    page.goto(f"{live_server.url}{prefix}/my/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert page.url.startswith(f"{live_server.url}{prefix}/my/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
