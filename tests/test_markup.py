"""The HTML the pages send passes the HTML checker and carries what browsers and search engines ask.

- htmx is driven by `data-hx-*` attributes (valid HTML), never by bare `hx-*` ones.
- htmx is told not to inject a <style> or write style attributes (the content security policy
  refuses both).
- A <time datetime> value is a valid date and time string: seconds at most, no microseconds.
- Every page links its icon, which is served; public pages carry a meta description.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

# A valid global date and time string of HTML, to the second at most.
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})$")


class Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bare_htmx: list[str] = []
        self.data_htmx = 0
        self.times: list[str] = []
        self.meta: dict[str, str] = {}
        self.icons: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("hx-"):
                self.bare_htmx.append(f"<{tag} {name}={value!r}>")
            if name.startswith("data-hx-"):
                self.data_htmx += 1
        if tag == "head":
            self.in_head = True
        if tag == "time" and "datetime" in names:
            self.times.append(names["datetime"])
        if tag == "meta" and self.in_head and "name" in names:
            self.meta[names["name"]] = names.get("content") or ""
        if tag == "link" and "icon" in (names.get("rel") or "").split():
            self.icons.append(names.get("href") or "")

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def parse(response) -> Markup:
    assert response.status_code == 200, response.status_code
    markup = Markup()
    markup.feed(response.content.decode())
    return markup


@pytest.fixture
def ideas(make_idea, resident, agent):
    from grants import services

    submitted = make_idea("submitted", title="Torstaitreffit")
    services.message_post(idea=submitted, by=resident, body="Can we use the school hall?")
    services.message_post(idea=submitted, by=agent, body="Yes, ask the caretaker.")
    return {
        "submitted": submitted,
        "approved": make_idea("approved", title="Lukupiiri"),
        "closed": make_idea("closed", title="Elämänkaarikahvila"),
    }


# name: (who, URL name, the idea whose id is the argument); each of these pages uses htmx.
HTMX_PAGES = {
    "idea form": (None, "grants:idea_new", None),
    "idea form, resident": ("resident", "grants:idea_new", None),
    "closing report form": ("resident", "grants:closing_report", "approved"),
    "agent's dashboard": ("agent", "grants:agent", None),
    "agent's idea": ("agent", "grants:agent_idea", "submitted"),
}


def get(client, request, ideas, who, url_name, argument):
    if who:
        client.force_login(request.getfixturevalue(who))
    args = [ideas[argument].pk] if argument else []
    return client.get(reverse(url_name, args=args))


@pytest.mark.parametrize("name", HTMX_PAGES)
def test_htmx_is_driven_by_data_attributes_only(client, request, ideas, name):
    markup = parse(get(client, request, ideas, *HTMX_PAGES[name]))
    assert markup.bare_htmx == [], "attributes the HTML checker refuses:\n" + "\n".join(
        markup.bare_htmx
    )
    # The CSRF header on <body>, and the page's own htmx.
    assert markup.data_htmx >= 2


def test_htmx_injects_no_style(client, db):
    markup = parse(client.get(reverse("home")))
    assert markup.bare_htmx == []
    config = json.loads(markup.meta["htmx-config"])
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False
    # Settling swapped content would otherwise copy style attributes with setAttribute().
    assert "style" not in config["attributesToSettle"]


# Pages that show moments: messages, the timeline, notifications, the audit log.
TIME_PAGES = {
    "idea, resident": ("resident", "grants:idea", "submitted"),
    "idea, agent": ("agent", "grants:agent_idea", "submitted"),
    "notifications": ("resident", "grants:notifications", None),
    "audit log": ("manager", "audit:log", None),
}


@pytest.mark.parametrize("name", TIME_PAGES)
def test_time_values_are_valid_and_to_the_second(client, request, ideas, name):
    markup = parse(get(client, request, ideas, *TIME_PAGES[name]))
    assert markup.times, f"no <time> on the {name} page: the test would prove nothing"
    invalid = [value for value in markup.times if not DATETIME.match(value)]
    assert invalid == []


# Public pages in each language: Finnish without a prefix (the real default), {pilot} filled.
PUBLIC_PAGES = {
    "home": "/",
    "home, Swedish": "/sv/",
    "home, English": "/en/",
    "idea form": "/en/ideas/new/",
    "showcase": "/en/pilots/",
    "pilot": "/en/pilots/{pilot}/",
    "pilot, Finnish": "/pilots/{pilot}/",
    "log in": "/en/accounts/login/",
    "privacy notice": "/en/privacy/",
    "accessibility statement": "/sv/accessibility/",
}


@pytest.fixture
def public_page(client, ideas, settings):
    settings.LANGUAGE_CODE = "fi"

    def fetch(name: str) -> Markup:
        return parse(client.get(PUBLIC_PAGES[name].format(pilot=ideas["closed"].pk)))

    return fetch


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_have_a_description(public_page, name):
    description = public_page(name).meta.get("description", "")
    assert len(description) >= 30, f"no meta description on the {name} page: {description!r}"


def test_the_description_is_in_the_page_language_and_tells_of_the_pilot(public_page, ideas):
    assert (
        public_page("home").meta["description"] != public_page("home, Swedish").meta["description"]
    )
    pilot = ideas["closed"]
    assert public_page("pilot").meta["description"].startswith(f"{pilot.district.name}: ")


@pytest.mark.parametrize("name", ["home", "log in", "pilot"])
def test_the_icon_is_linked_and_served(client, public_page, name):
    markup = public_page(name)
    assert markup.icons, "no <link rel=icon>: browsers ask for /favicon.ico, a 404"
    assert any(href.endswith(".svg") for href in markup.icons)
    for href in markup.icons:
        response = client.get(href)
        assert response.status_code == 200, href
        assert response["Content-Type"] in {
            "image/svg+xml",
            "image/x-icon",
            "image/vnd.microsoft.icon",
        }, href
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(content) > 100, href


def test_no_template_comment_shows_in_a_page(client, ideas, agent):
    """Django's {# #} comments end at the line; one over two lines would be shown as text."""
    client.force_login(agent)
    for url in (reverse("home"), reverse("grants:idea_new"), reverse("grants:agent")):
        html = client.get(url).content.decode()
        assert "{#" not in html and "#}" not in html, url
