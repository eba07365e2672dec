"""Notifications: recorded before they are sent, sent once, retried when the mail server fails,
and kept when the broker is down."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse

from grants import services, tasks
from grants.models import Notification
from grants.services import notifications
from minipilot.celery import app
from tests.factories import idea_fields
from tests.mail_backends import FlakyBackend


def _recorded(make_idea, agent, django_capture_on_commit_callbacks, *, run=False):
    with django_capture_on_commit_callbacks(execute=run):
        idea = make_idea("submitted")
    return Notification.objects.get(kind="idea_submitted", idea=idea, recipient=agent)


def test_every_message_is_recorded_and_sent_once(
    make_idea, agent, resident, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    notification = _recorded(make_idea, agent, django_capture_on_commit_callbacks)
    assert notification.state == "pending"
    assert mail.outbox == []  # nothing before commit

    assert tasks.deliver_notification(notification.pk) is True
    assert tasks.deliver_notification(notification.pk) is False  # a second run finds it sent
    notification.refresh_from_db()
    assert notification.state == "sent" and notification.attempts == 1
    assert [message.to for message in mail.outbox] == [[agent.email]]
    assert mail.outbox[0].alternatives  # HTML too


def test_a_transient_error_is_retried_and_sent_once(
    make_idea, agent, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mail_backends.FlakyBackend"
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 0
    FlakyBackend.attempts, FlakyBackend.failures = 0, 1
    mail.outbox.clear()
    notification = _recorded(make_idea, agent, django_capture_on_commit_callbacks)

    tasks.deliver_notification.apply(args=(notification.pk,), throw=False)

    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("sent", 2)
    assert [message.to for message in mail.outbox] == [[agent.email]]


def test_a_final_failure_is_recorded_for_the_agent(
    client, make_idea, agent, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mail_backends.BrokenBackend"
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 0
    notification = _recorded(make_idea, agent, django_capture_on_commit_callbacks)

    # The last allowed try fails too: the failure is recorded instead of retried.
    tasks.deliver_notification.apply(
        args=(notification.pk,), retries=tasks.MAX_RETRIES, throw=False
    )

    notification.refresh_from_db()
    assert notification.state == "failed"
    assert "mail server is down" in notification.last_error
    client.force_login(agent)
    # The dashboard's follow-up part lists it.
    page = client.get(reverse("grants:agent_follow_up"), headers={"HX-Request": "true"})
    assert "mail server is down" in page.content.decode()


def test_non_essential_mail_can_be_switched_off(
    make_idea, resident, django_capture_on_commit_callbacks
):
    resident.optional_email = False
    resident.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        idea = make_idea("submitted")
    receipt = Notification.objects.get(kind="idea_received", idea=idea)
    assert receipt.state == "skipped"
    assert resident.email not in [message.to[0] for message in mail.outbox]


def test_people_see_their_notifications_in_the_app(
    client, make_idea, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = make_idea("approved")
    client.force_login(resident)
    page = client.get("/my/notifications/").content.decode()
    assert idea.title in page


def test_beat_schedules_the_sweeps():
    from django.conf import settings

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "grants.tasks.sweep_pilots",
        "grants.tasks.sweep_pending_notifications",
        "grants.tasks.send_agent_digests",
        "grants.tasks.sweep_draft_retention",
        "grants.tasks.refresh_term_stats",
        "grants.tasks.sweep_embeddings",
        "grants.tasks.refresh_theme_proposals",
        "reports.tasks.refresh_report_figures",
        "reports.tasks.prepare_open_data",
    }
    app.loader.import_default_modules()  # what a worker does at start: find every app's tasks
    assert scheduled <= set(app.tasks)


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


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.mark.needs_redis
@pytest.mark.django_db(transaction=True)
def test_submitting_an_idea_delivers_the_agents_email_through_a_real_worker(
    real_worker, district, open_round, resident, agent
):
    assert app.conf.broker_url.startswith("redis://")
    idea = services.idea_create(created_by=resident, district=district, **idea_fields())
    mail.outbox.clear()

    services.idea_submit(idea=idea, by=resident)  # commits; delivery is enqueued on commit

    def to_agent():
        return [message for message in mail.outbox if message.to == [agent.email]]

    wait_for(to_agent)
    assert len(to_agent()) == 1
    assert idea.title in to_agent()[0].subject


@pytest.mark.needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_reminder_is_delivered_once_when_run_twice_and_after_a_failure(
    real_worker, settings, district, open_round, resident, agent
):
    settings.EMAIL_BACKEND = "tests.mail_backends.FlakyBackend"
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 0.2
    FlakyBackend.attempts, FlakyBackend.failures = 0, 1
    idea = services.idea_create(created_by=resident, district=district, **idea_fields())
    mail.outbox.clear()
    reminder = notifications.notify(
        recipient=resident,
        kind="report_reminder",
        idea=idea,
        context={"days": 7},
        dedup_key=f"report_reminder:7:{idea.pk}:",
    )  # committed at once (no atomic block): its delivery is enqueued now
    tasks.deliver_notification.delay(reminder.pk)  # and a second time, as a retry storm would

    wait_for(lambda: Notification.objects.get(pk=reminder.pk).state == "sent")
    time.sleep(1)  # let any duplicate run finish
    reminder.refresh_from_db()
    assert reminder.state == "sent"
    assert [message.to for message in mail.outbox] == [[resident.email]]
    assert FlakyBackend.attempts == 2  # the failed try and the one that delivered


@pytest.mark.needs_redis
@pytest.mark.django_db(transaction=True)
def test_nothing_is_lost_while_the_broker_is_down(district, open_round, resident, agent):
    app.conf.task_always_eager = False
    working_broker = app.conf.broker_url
    try:
        app.conf.broker_url = "redis://127.0.0.1:1/0"  # a closed port
        idea = services.idea_create(created_by=resident, district=district, **idea_fields())
        mail.outbox.clear()
        services.idea_submit(idea=idea, by=resident)  # the person's action succeeds
        idea.refresh_from_db()
        assert idea.status == "submitted"
        waiting = Notification.objects.filter(idea=idea, state="pending")
        assert waiting.count() == 2  # the agent's and the applicant's

        app.conf.broker_url = working_broker
        app.control.purge()
        Notification.objects.filter(idea=idea).update(created_at=idea.created_at.replace(year=2000))
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert notifications.sweep_pending()["enqueued"] == 2
            wait_for(lambda: not waiting.exists())
            notifications.sweep_pending()  # a second sweep finds nothing to send
            time.sleep(1)
    finally:
        app.conf.broker_url = working_broker
        app.conf.task_always_eager = True
    assert sorted(message.to[0] for message in mail.outbox) == sorted([agent.email, resident.email])


def test_every_kind_has_a_label_and_templates():
    from django.template.loader import get_template

    from grants.models import Notification as Model

    assert set(notifications.KINDS) == set(Model.Kind.values)
    for kind in notifications.KINDS.values():
        for suffix in ("_subject.txt", ".txt", ".html"):
            get_template(f"emails/{kind.template}{suffix}")
