"""Celery: the task bodies, and one run through a real worker on Redis."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from grants import services, tasks
from minipilot.celery import app


def test_task_bodies_send_the_emails(make_idea, agent, resident):
    idea = make_idea("submitted")
    mail.outbox.clear()
    assert tasks.notify_agents_of_submission(idea.pk) == 1
    services.idea_approve(idea=idea, by=agent)
    assert tasks.notify_applicant_of_decision(idea.pk) == 1
    assert [message.to for message in mail.outbox][-2:] == [[agent.email], [resident.email]]


def test_beat_schedules_the_calendar_sweep():
    from django.conf import settings

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "grants.tasks.advance_pilots_by_date" in scheduled
    assert "grants.tasks.advance_pilots_by_date" in app.tasks


@pytest.fixture
def real_worker():
    """A Celery worker thread consuming from the real broker (Redis in CI)."""
    app.conf.task_always_eager = False
    app.control.purge()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


@pytest.mark.needs_redis
@pytest.mark.django_db(transaction=True)
def test_submitting_an_idea_delivers_the_agents_email_through_a_real_worker(
    real_worker, district, open_round, resident, agent
):
    assert app.conf.broker_url.startswith("redis://")
    from tests.factories import idea_fields

    idea = services.idea_create(created_by=resident, district=district, **idea_fields())
    mail.outbox.clear()

    services.idea_submit(idea=idea, by=resident)  # commits; the task is enqueued on commit

    def to_agent():
        return [message for message in mail.outbox if message.to == [agent.email]]

    deadline = time.monotonic() + 30
    while not to_agent() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(to_agent()) == 1
    assert idea.title in to_agent()[0].subject
