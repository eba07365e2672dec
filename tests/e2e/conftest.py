"""Fixtures for browser tests: one Chromium per session, a fresh context per test, log in.

The tests drive the real app through pytest-django's live_server (a transactional database).
Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a thread
with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set, and the tests use the ORM for setup
and for assertions on the outcome.
"""

import os
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import CHROMIUM

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000
PASSWORD = "secret-pass-123"  # what tests.factories.UserFactory sets


@pytest.fixture(autouse=True)
def _english_by_default():
    """Keep the real default language (Finnish, no URL prefix) for the live server.

    The suite's conftest makes English the default; with prefix_default_language=False that would
    move English to the unprefixed URLs and make every /en/ URL a 404. Browser tests reach English
    as a visitor does: by the /en/ prefix.
    """


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Chromium, launched once. Only browser tests ask for it, after the skip check has run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser) -> Iterator[Callable]:
    """Open a page in a fresh context (its own cookies): one per person in a test."""
    contexts = []

    def open_page(*, viewport: dict | None = None):
        context = browser.new_context(viewport=viewport or DESKTOP, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def phone_page(new_page):
    return new_page(viewport=PHONE)


@pytest.fixture
def login(live_server) -> Callable:
    """Log a user in through the real allauth form, in English."""

    def log_in(page, user, password: str = PASSWORD):
        page.goto(f"{live_server.url}/en/accounts/login/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", password)
        page.locator("form").filter(has=page.locator("input[name=password]")).locator(
            "button[type=submit]"
        ).click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"login failed for {user.email}: {page.url}"
        return page

    return log_in
