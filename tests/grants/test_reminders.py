"""The sweeps, with the calendar set to the interesting days: exactly the due rows get exactly
one message, a second run sends nothing, and the work grows with the due rows only."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grants.models import Idea, Notification
from grants.services import reminders

TODAY = timezone.localdate()


def kinds_sent() -> list[tuple[str, int]]:
    return sorted(Notification.objects.values_list("kind", "idea_id"))


@pytest.fixture
def running(make_idea):
    def build(*, ends_in_days: int, title: str = "Pilot"):
        return make_idea(
            "running",
            title=title,
            starts_on=TODAY - timedelta(days=60),
            ends_on=TODAY + timedelta(days=ends_in_days),
        )

    return build


def test_makers_are_reminded_three_days_before_the_end_once(running):
    due = running(ends_in_days=3)
    running(ends_in_days=10)  # not yet
    Notification.objects.all().delete()

    assert reminders.sweep(today=TODAY)["ending_soon"] == 1
    assert kinds_sent() == [("pilot_ending_soon", due.pk)]
    assert reminders.sweep(today=TODAY)["ending_soon"] == 0
    assert Notification.objects.count() == 1


def test_on_the_end_date_the_report_is_requested_and_reminded_after_7_and_14_days(
    running, django_capture_on_commit_callbacks
):
    idea = running(ends_in_days=0)
    Notification.objects.all().delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reminders.sweep(today=TODAY)
    idea.refresh_from_db()
    assert idea.status == "report_due"
    assert kinds_sent() == [("report_request", idea.pk)]
    assert [message.to for message in mail.outbox] == [[idea.created_by.email]]
    assert "/report/" in mail.outbox[0].body  # the link opens the form

    for day in (6, 7, 8, 13, 14, 15):
        reminders.sweep(today=TODAY + timedelta(days=day))
    reminders_sent = Notification.objects.filter(kind="report_reminder").order_by("created_at")
    assert [n.context["days"] for n in reminders_sent] == [7, 14]


def test_the_agent_is_told_when_the_report_is_three_weeks_late(running, agent):
    idea = running(ends_in_days=0)
    reminders.sweep(today=TODAY)
    reminders.sweep(today=TODAY + timedelta(days=20))
    assert not Notification.objects.filter(kind="report_overdue").exists()
    reminders.sweep(today=TODAY + timedelta(days=21))
    reminders.sweep(today=TODAY + timedelta(days=22))
    told = Notification.objects.filter(kind="report_overdue")
    assert [(n.recipient, n.idea) for n in told] == [(agent, idea)]


def test_approved_pilots_start_on_their_start_date(make_idea):
    idea = make_idea("approved", starts_on=TODAY + timedelta(days=1))
    reminders.sweep(today=TODAY)
    idea.refresh_from_db()
    assert idea.status == "approved"
    reminders.sweep(today=TODAY + timedelta(days=1))
    idea.refresh_from_db()
    assert idea.status == "running"


def test_agents_get_one_digest_a_day_of_ideas_past_half_the_target(make_idea, agent):
    fresh = make_idea("submitted", title="Fresh")
    late = make_idea("submitted", title="Late")
    Idea.objects.filter(pk=late.pk).update(decision_half_at=timezone.now() - timedelta(hours=1))
    assert reminders.agent_digests(now=timezone.now()) == 1
    assert reminders.agent_digests(now=timezone.now()) == 0  # once a day
    digest = Notification.objects.get(kind="agent_digest")
    assert digest.context["idea_ids"] == [late.pk]
    assert fresh.pk not in digest.context["idea_ids"]
    tomorrow = timezone.now() + timedelta(days=1)
    assert reminders.agent_digests(now=tomorrow) == 1


def test_the_sweep_costs_the_same_however_many_rows_are_not_due(running):
    running(ends_in_days=3)
    reminders.sweep(today=TODAY)  # send what is due now

    def queries_of_a_quiet_sweep() -> int:
        with CaptureQueriesContext(connection) as captured:
            reminders.sweep(today=TODAY)
        return len(captured)

    few = queries_of_a_quiet_sweep()
    for number in range(30):
        running(ends_in_days=30 + number, title=f"Not due {number}")
    assert queries_of_a_quiet_sweep() == few


def test_the_sweep_work_grows_with_the_due_rows(running):
    def measured_sweep(due: int) -> int:
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            reminders.sweep(today=TODAY)
        assert Notification.objects.filter(kind="pilot_ending_soon").count() == due
        return len(captured)

    running(ends_in_days=2, title="Due 0")
    one = measured_sweep(1)
    for number in range(4):
        running(ends_in_days=2, title=f"Due {number + 1}")
    five = measured_sweep(5)
    assert five == one  # one batch: the same queries for one due row and for five


def test_the_sweep_works_a_batch_at_a_time(running, make_idea, monkeypatch):
    from grants.services import pilots

    monkeypatch.setattr(reminders, "BATCH", 2)
    monkeypatch.setattr(pilots, "SWEEP_BATCH", 2)
    soon = [running(ends_in_days=2, title=f"Soon {n}") for n in range(5)]
    ended = [running(ends_in_days=0, title=f"Ended {n}") for n in range(5)]
    with CaptureQueriesContext(connection) as captured:
        counts = reminders.sweep(today=TODAY)
    assert counts["ending_soon"] == 5
    assert counts["report_due"] == 5
    assert set(
        Notification.objects.filter(kind="pilot_ending_soon").values_list("idea_id", flat=True)
    ) == {idea.pk for idea in soon}
    assert set(
        Notification.objects.filter(kind="report_request").values_list("idea_id", flat=True)
    ) == {idea.pk for idea in ended}
    assert Idea.objects.filter(pk__in=[i.pk for i in ended], status="report_due").count() == 5
    from grants.models import StatusChange

    assert StatusChange.objects.filter(idea__in=ended, to_status="report_due").count() == 5
    # Three batches of each: a fixed number of queries per batch, not per row.
    batched = len(captured)
    Notification.objects.all().delete()
    Idea.objects.filter(pk__in=[i.pk for i in ended]).update(status="running")
    monkeypatch.setattr(reminders, "BATCH", 500)
    monkeypatch.setattr(pilots, "SWEEP_BATCH", 500)
    with CaptureQueriesContext(connection) as captured:
        reminders.sweep(today=TODAY)
    assert len(captured) < batched
    assert Notification.objects.filter(kind="report_request").count() == 5
