"""Fixtures for browser tests: Chromium per test module, a fresh context per person, log in.

The tests drive the real app through pytest-django's live_server (a transactional database), in
Debian's Chromium (Playwright cannot download its own browsers here).
"""

import os
from collections.abc import Callable, Iterator

import pytest
from django.urls import clear_url_caches

from tests.conftest import CHROMIUM

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
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(autouse=True)
def _english_by_default():
    """Keep the real default language (Finnish, no URL prefix) for the live server.

    The suite's conftest makes English the default; with prefix_default_language=False that would
    move English to the unprefixed URLs and make every /en/ URL a 404. Browser tests reach English
    as a visitor does: by the /en/ prefix.

    The URL resolver caches its reverse() table per active language, with the language prefix
    computed from the LANGUAGE_CODE of the moment it was built, and changing LANGUAGE_CODE does not
    clear it. After a test run with English as the default, reverse() in English would still give
    unprefixed URLs (forms posting to /accounts/login/, which is Finnish here), and after a browser
    test the other tests would get /en/ URLs. So the caches are cleared on the way in and out.
    """
    clear_url_caches()
    yield
    clear_url_caches()


class _Chromium:
    """Started on first use, so the skip-or-fail check of needs_browser runs before the launch.

    Playwright's sync API keeps an event loop running in the test thread, and Django refuses ORM
    calls from a thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The tests use
    the ORM for setup and to check the outcome, so the variable is set exactly while Chromium runs
    (never at import: subprocesses such as `check --deploy` would inherit it).
    """

    def __init__(self):
        self._playwright = None
        self._browser = None
        self._saved_env = None

    def get(self):
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._saved_env = os.environ.get(ASYNC_UNSAFE)
            os.environ[ASYNC_UNSAFE] = "true"
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        return self._browser

    def stop(self):
        if self._browser is not None:
            self._browser.close()
            self._playwright.stop()
            self._browser = self._playwright = None
            if self._saved_env is None:
                os.environ.pop(ASYNC_UNSAFE, None)
            else:
                os.environ[ASYNC_UNSAFE] = self._saved_env


@pytest.fixture(scope="module")
def _chromium() -> Iterator[_Chromium]:
    chromium = _Chromium()
    yield chromium
    chromium.stop()


@pytest.fixture
def browser(_chromium):
    return _chromium.get()


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


def fill_authenticator_code(page, user) -> None:
    """Answer allauth's second step with the code the user's authenticator app shows now."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.cache import cache

    from tests.factories import totp_code

    code = totp_code()
    # allauth accepts each code once per user; a second login of the same person within the
    # same 30 seconds gets the code again, as a person would wait for the next one.
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    cache.delete(TOTP(authenticator)._get_used_cache_key(code))
    page.locator("input[name=code]").fill(code)
    with page.expect_navigation():
        page.locator("form").filter(has=page.locator("input[name=code]")).locator(
            "button[type=submit]"
        ).first.click()


@pytest.fixture
def login(live_server) -> Callable:
    """Log a user in through the real allauth form, in English; a privileged user answers the
    authenticator code step with a freshly computed code."""

    def log_in(page, user, password: str = PASSWORD):
        page.goto(f"{live_server.url}/en/accounts/login/")
        form = page.locator("form").filter(has=page.locator("input[name=password]"))
        form.locator("input[name=login]").fill(user.email)
        form.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        if "/2fa/authenticate/" in page.url:
            fill_authenticator_code(page, user)
        failed = "/accounts/login/" in page.url or "/2fa/authenticate/" in page.url
        assert not failed, f"login failed for {user.email}: {page.url}"
        return page

    return log_in
