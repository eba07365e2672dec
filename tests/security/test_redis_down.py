"""Redis stopped: a person logs in, asks for a login code, sends an idea, and an agent approves it,
each answered at once and correctly; the messages wait and go out once each when Redis is back.

The cache and the broker are set up as in production (minipilot/settings/with_redis.py), on a
`redis-server` of the test's own that it stops and starts again on the same port.
"""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from grants.models import Idea, Notification
from grants.services import notifications
from grants.workflow import Status
from minipilot.celery import app
from minipilot.settings.with_redis import (
    BROKER_CONNECTION_TIMEOUT,
    redis_broker_options,
    redis_caches,
)
from tests.security import form_data
from tests.security.conftest import celery_on

PASSWORD = "secret-pass-123"
PROMPT_SECONDS = 1.0


@pytest.fixture
def production_redis(redis_server, settings):
    """Cache and broker on the test's Redis, as production sets them; eager tasks off."""
    settings.SPAM_MIN_SECONDS_TO_FILL = 0
    with (
        celery_on(
            redis_server.url,
            broker_transport_options=redis_broker_options(),
            broker_connection_timeout=BROKER_CONNECTION_TIMEOUT,
            task_always_eager=False,
        ),
        override_settings(CACHES=redis_caches(redis_server.url)),
    ):
        yield redis_server


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def password_login(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def send_idea(client, title: str):
    form = client.get(reverse("grants:idea_new")).context["form"]
    data = form_data.idea_data(
        form.fields["district"].queryset.first(),
        title=title,
        started=form.fields["started"].initial,
    )
    return client.post(reverse("grants:idea_new"), data)


@pytest.mark.needs_redis
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_people_are_answered_at_once_and_messages_go_out_once_later(
    production_redis, open_round, resident, other_resident, agent
):
    redis = production_redis
    resident_browser, code_browser, agent_browser = Client(), Client(), Client()
    # Each page once while Redis answers, so the timings below are not a cold start.
    assert password_login(resident_browser, resident).status_code == 302
    assert send_idea(resident_browser, "Sent while Redis answered").status_code == 302
    resident_browser.post(reverse("account_logout"))
    agent_browser.force_login(agent)
    assert agent_browser.get(reverse("grants:agent")).status_code == 200

    redis.stop()

    response, took = timed(lambda: password_login(resident_browser, resident))
    assert response.status_code == 302, response.content[:2000]
    assert "_auth_user_id" in resident_browser.session
    assert took < PROMPT_SECONDS, f"password login took {took:.2f} s with Redis stopped"

    mail.outbox.clear()
    response, took = timed(
        lambda: code_browser.post(
            reverse("account_request_login_code"), {"email": other_resident.email}
        )
    )
    assert response.status_code == 302, response.content[:2000]
    assert [message.to for message in mail.outbox] == [[other_resident.email]]
    assert took < PROMPT_SECONDS, f"a login code took {took:.2f} s with Redis stopped"

    response, took = timed(lambda: send_idea(resident_browser, "Sent while Redis was stopped"))
    assert response.status_code == 302, response.content[:2000]
    idea = Idea.objects.get(title="Sent while Redis was stopped")
    assert idea.status == Status.SUBMITTED
    assert took < PROMPT_SECONDS, f"sending an idea took {took:.2f} s with Redis stopped"

    response, took = timed(
        lambda: agent_browser.post(
            reverse("grants:agent_idea", args=[idea.pk]), {"decision": "approve"}
        )
    )
    assert response.status_code == 302, response.content[:2000]
    idea.refresh_from_db()
    assert idea.status == Status.APPROVED
    assert took < PROMPT_SECONDS, f"an approval took {took:.2f} s with Redis stopped"

    waiting = Notification.objects.filter(idea=idea, state=Notification.State.PENDING)
    expected = sorted(waiting.values_list("recipient__email", flat=True))
    assert agent.email in expected and resident.email in expected
    assert len(mail.outbox) == 1  # only the login code, which needs no broker

    redis.start()
    mail.outbox.clear()
    app.control.purge()
    # The sweep leaves rows younger than a minute to their own task; these are older by now.
    Notification.objects.filter(idea=idea).update(created_at=idea.created_at.replace(year=2000))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert notifications.sweep_pending()["enqueued"] == len(expected)
        deadline = time.monotonic() + 30
        while waiting.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert notifications.sweep_pending()["enqueued"] == 0  # nothing to send twice
        time.sleep(1)  # let any duplicate run finish
    assert not waiting.exists()
    assert sorted(message.to[0] for message in mail.outbox) == expected
