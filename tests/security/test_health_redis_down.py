"""A real Redis, then the same Redis frozen and stopped: /healthz tells, promptly, and the site
still serves its pages and takes ideas.

The broker and the cache both point at a temporary `redis-server` of this test, as they point at
the one Redis in production (minipilot/settings/base.py).
"""

import signal
import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from grants.models import Idea
from minipilot.settings.with_redis import redis_caches
from tests.security import form_data
from tests.security.conftest import celery_on

PROMPT_SECONDS = 8  # the broker's and the cache's 2 s timeouts, with room for a slow machine


@pytest.fixture
def site_on(redis_server):
    """The broker of the Celery app and Django's cache on the temporary Redis, restored after."""
    with (
        celery_on(redis_server.url, broker_transport_options={"visibility_timeout": 3600}),
        override_settings(CACHES=redis_caches(redis_server.url)),
    ):
        yield redis_server.process


def _health(client):
    started = time.monotonic()
    response = client.get("/healthz")
    return response, time.monotonic() - started


def _site_serves(client, user) -> None:
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("grants:idea_new")).status_code == 200
    # An idea sent while Redis is away is saved; its messages wait for the broker.
    client.force_login(user)
    form = client.get(reverse("grants:idea_new")).context["form"]
    data = form_data.idea_data(
        form.fields["district"].queryset.first(),
        title="Sent while Redis was away",
        started=form.fields["started"].initial,
    )
    response = client.post(reverse("grants:idea_new"), data)
    assert response.status_code == 302, response.content[:2000]
    assert Idea.objects.filter(title="Sent while Redis was away").exists()
    Idea.objects.filter(title="Sent while Redis was away").delete()
    client.logout()


@pytest.mark.needs_redis
def test_health_names_redis_down_promptly_and_the_site_still_serves(
    client, open_round, resident, site_on
):
    process = site_on
    client.raise_request_exception = False
    response, _ = _health(client)
    assert response.status_code == 200, response.content
    assert response.json()["broker"] == "ok"
    cache.set("probe", 1)
    assert cache.get("probe") == 1  # the cache really is this Redis

    # Frozen: it accepts connections and never answers (a hung or swapped-out server).
    process.send_signal(signal.SIGSTOP)
    response, took = _health(client)
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"
    assert took < PROMPT_SECONDS, f"/healthz took {took:.1f} s with Redis frozen"

    # Stopped.
    process.send_signal(signal.SIGCONT)
    process.terminate()
    process.wait(timeout=10)
    response, took = _health(client)
    assert response.status_code == 503
    report = response.json()
    assert report["broker"].startswith("error"), report
    assert report["database"] == "ok"
    assert took < PROMPT_SECONDS, f"/healthz took {took:.1f} s with Redis stopped"

    _site_serves(client, resident)
