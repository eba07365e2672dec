"""Every page is served with a strict Content Security Policy, and needs nothing it forbids.

The policy allows scripts and styles only from our own files, so a page must carry no inline
script, no inline event handler (onclick=...) and no inline style (style="..." or <style>),
including in the SVG charts drawn on the server. The browser test tests/e2e/test_csp.py checks
that nothing is refused at run time.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests import factories

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


class InlineCode(HTMLParser):
    """Collects what a strict policy would refuse: inline scripts, handlers and styles."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value for name, value in attrs}
        if tag == "script":
            self.scripts += 1
            if not names.get("src"):
                self.problems.append(f"<script> without src: {attrs}")
        if tag == "style":
            self.problems.append("<style> element")
        if "style" in names:
            self.problems.append(f"<{tag} style={names['style']!r}>")
        for name, value in names.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            name = name.removeprefix("data-")
            if name.startswith("hx-on") or (value or "").strip().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}> needs eval")
            if name in {"hx-vars", "hx-vals"} and (value or "").strip().startswith("js:"):
                self.problems.append(f"<{tag} {name}={value!r}> needs eval")


def policy_of(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


def assert_strict_page(response) -> None:
    assert response.status_code == 200, response.status_code
    assert policy_of(response) == POLICY, response.headers.get("Content-Security-Policy")
    parser = InlineCode()
    parser.feed(response.content.decode())
    assert not parser.problems, "\n".join(parser.problems)
    assert parser.scripts >= 2, "the page should load Bootstrap and htmx from static files"
    assert b'name="htmx-config"' in response.content
    assert b'"includeIndicatorStyles":false' in response.content


@pytest.fixture
def pages(make_idea, district):
    """One idea per status a page shows, and the district report's content (SVG charts)."""
    return {
        "submitted": make_idea("submitted", title="Torstaitreffit"),
        "closed": make_idea("closed", title="Elämänkaarikahvila"),
    }


# name: (who, URL name, argument from `pages` or the district slug)
PAGES = {
    "home": (None, "home", None),
    "idea form": (None, "grants:idea_new", None),
    "showcase": (None, "reports:pilots", None),
    "pilot": (None, "reports:pilot", "closed"),
    "log in": (None, "account_login", None),
    "log in by code": (None, "account_request_login_code", None),
    "my pilots": ("resident", "grants:my", None),
    "idea": ("resident", "grants:idea", "submitted"),
    "notifications": ("resident", "grants:notifications", None),
    "my details": ("resident", "actors:profile", None),
    "agent's queue": ("agent", "grants:agent", None),
    "agent's idea": ("agent", "grants:agent_idea", "submitted"),
    "reports": ("manager", "reports:index", None),
    "district report with charts": ("manager", "reports:district", "district"),
    "themes": ("manager", "reports:themes", None),
    "two-factor settings": ("agent", "mfa_index", None),
    "recovery codes": ("agent", "mfa_view_recovery_codes", None),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_the_policy_and_no_inline_code(client, request, pages, district, name):
    who, url_name, argument = PAGES[name]
    if who:
        client.force_login(request.getfixturevalue(who))
    if argument == "district":
        args = [district.slug]
    elif argument:
        args = [pages[argument].pk]
    else:
        args = []
    if url_name == "mfa_view_recovery_codes":
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

        RecoveryCodes.activate(request.getfixturevalue(who))
        # Seeing the codes asks for the password again first.
        client.post(reverse("account_reauthenticate"), {"password": "secret-pass-123"})
    response = client.get(reverse(url_name, args=args))
    assert_strict_page(response)


def test_the_district_report_draws_its_charts_without_inline_style(
    client, manager, pages, district
):
    client.force_login(manager)
    response = client.get(reverse("reports:district", args=[district.slug]))
    assert response.content.count(b"<svg") >= 2, "the report should draw its charts"
    assert_strict_page(response)


def test_the_authenticator_setup_and_code_pages_have_no_inline_code(client, db):
    """The allauth MFA pages, in our layout: setting up the app and entering its code."""
    agent = factories.AgentFactory(email="new-agent@example.org", mfa=False)
    client.post(reverse("account_login"), {"login": agent.email, "password": "secret-pass-123"})
    # Setting up an authenticator asks for the password again first.
    reauthenticate = client.get(reverse("mfa_activate_totp"))
    assert reauthenticate.url.startswith(reverse("account_reauthenticate"))
    assert_strict_page(client.get(reauthenticate.url))
    client.post(reauthenticate.url, {"password": "secret-pass-123"})
    setup = client.get(reverse("mfa_activate_totp"))
    assert_strict_page(setup)
    assert b"data:image/svg+xml;base64," in setup.content  # the QR code, allowed by img-src data:

    factories.give_totp(agent)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": agent.email, "password": "secret-pass-123"}
    )
    assert response.url == reverse("mfa_authenticate")
    assert_strict_page(client.get(response.url))


def test_errors_and_admin_carry_the_policy_too(client, db):
    staff = factories.StaffFactory(is_superuser=True)
    client.force_login(staff)
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 200
    assert policy_of(admin) == POLICY
    missing = client.get("/en/no-such-page/")
    assert missing.status_code == 404
    assert policy_of(missing) == POLICY
