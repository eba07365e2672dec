"""seed_scale makes a consistent data set: the same the service itself would have made."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from grants.models import ClosingReport, Grant, Idea, Lesson, Notification, Round, StatusChange
from grants.services import reminders
from grants.workflow import GRANTED_STATUSES, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_scale", pilots=400, districts=4, seed=7, flush=True)


def test_every_closed_pilot_has_its_report_and_every_grant_its_decision(seeded):
    assert Idea.objects.count() == 400
    reported = Idea.objects.filter(status__in=[Status.REPORTED, Status.CLOSED])
    assert reported.exists()
    assert not reported.filter(closing_report__isnull=True).exists()
    assert not ClosingReport.objects.exclude(
        idea__status__in=[Status.REPORTED, Status.CLOSED]
    ).exists()
    assert Lesson.objects.filter(report__idea__in=reported).exists()

    granted = Idea.objects.filter(status__in=GRANTED_STATUSES)
    assert granted.count() == Grant.objects.count() > 0
    assert not granted.filter(grant__isnull=True).exists()
    assert not Grant.objects.filter(decided_at__isnull=True).exists()
    assert not granted.filter(decided_at__isnull=True).exists()
    approvals = StatusChange.objects.filter(action="approve").values("idea").distinct()
    assert approvals.count() == granted.count()


def test_budgets_hold_and_each_history_ends_in_the_status(seeded):
    for round_ in Round.objects.all():
        total = Grant.objects.filter(round=round_).aggregate(total=Sum("amount"))["total"]
        assert round_.granted_total == (total or Decimal("0.00"))
        assert round_.granted_total <= round_.budget
        paid = Grant.objects.filter(round=round_, payment_state=Grant.Payment.PAID)
        assert round_.paid_total == (
            paid.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
        )
    last = {
        change.idea_id: change.to_status
        for change in StatusChange.objects.order_by("idea_id", "created_at", "id")
    }
    assert all(last[idea.pk] == idea.status for idea in Idea.objects.only("status"))


def test_the_calendar_is_consistent_so_a_sweep_finds_nothing_due(seeded):
    today = timezone.localdate()
    assert not Idea.objects.filter(status=Status.APPROVED, starts_on__lte=today).exists()
    assert not Idea.objects.filter(status=Status.RUNNING, ends_on__lt=today).exists()
    before = Notification.objects.count()
    counts = reminders.sweep(today=today)
    assert counts == dict.fromkeys(counts, 0)
    assert Notification.objects.count() == before


def test_the_same_seed_gives_the_same_data():
    def snapshot():
        call_command("seed_scale", pilots=120, districts=3, seed=3, flush=True)
        ideas = Idea.objects.order_by("created_at", "title", "status")
        return list(ideas.values_list("title", "status", "amount", "starts_on")), list(
            Idea.objects.values("status").annotate(n=Count("id")).order_by("status")
        )

    assert snapshot() == snapshot()


def test_it_refuses_to_mix_with_existing_pilots_unless_told(seeded):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_scale", pilots=10, districts=1)
