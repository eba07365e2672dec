"""The privacy pages pass axe-core's WCAG 2.1 AA checks, and a resident erases their account in
the browser: the confirmation page, the tick, the message on the home page, logged out."""

import pytest

from actors.models import User
from audit import services as audit
from tests.e2e.test_accessibility import assert_accessible

pytestmark = pytest.mark.needs_browser

PAGES = {
    "privacy, Finnish": (None, "/privacy/"),
    "privacy, Swedish": (None, "/sv/privacy/"),
    "privacy, English": (None, "/en/privacy/"),
    "accessibility, Finnish": (None, "/accessibility/"),
    "accessibility, Swedish": (None, "/sv/accessibility/"),
    "accessibility, English": (None, "/en/accessibility/"),
    "erase my account": ("resident", "/en/my/data/delete/"),
    "audit log": ("manager", "/en/agent/audit/"),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_wcag_violations(name, request, live_server, page, login, make_idea):
    who, path = PAGES[name]
    make_idea("draft")
    audit.record(request.getfixturevalue("agent"), "idea_declined", make_idea("declined"))
    if who:
        login(page, request.getfixturevalue(who))
    response = page.goto(live_server.url + path)
    assert response.status == 200
    assert_accessible(page)


def test_a_resident_erases_their_account(live_server, page, login, resident, make_idea):
    make_idea("draft")
    login(page, resident)
    page.goto(f"{live_server.url}/en/my/profile/")
    page.get_by_role("link", name="Erase my account").click()
    page.get_by_role("button", name="Erase my account").click()
    assert page.get_by_text("Tick the box").is_visible()
    assert User.objects.get(pk=resident.pk).is_active

    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Erase my account").click()
    page.wait_for_url(f"{live_server.url}/en/")
    assert page.get_by_text("Your account is erased").is_visible()
    assert page.get_by_role("link", name="Log in").is_visible()
    assert not User.objects.get(pk=resident.pk).is_active
