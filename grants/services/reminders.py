"""The periodic sweeps over due rows: each query selects by index only what is due now and has
not been sent (a second run finds nothing), so the work grows with the due rows, not all rows,
and is done a batch at a time with the same few queries for each batch (`BATCH`)."""

from datetime import date, datetime, timedelta

from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat

from .. import services
from ..models import Idea, Notification, Round
from ..selectors import in_agent_scope, resident_agents
from ..workflow import Status
from .city_decisions import decision_follow_ups
from .notifications import notify, notify_many


def _not_yet(prefix: str):
    """Ideas without the notification keyed `<prefix><idea id>:` (an exact, indexed match)."""
    return ~Exists(
        Notification.objects.filter(
            dedup_key=Concat(Value(prefix), Cast(OuterRef("pk"), CharField()), Value(":"))
        )
    )


def _round_settings() -> dict[int, Round]:
    return {round_.pk: round_ for round_ in Round.objects.all()}


def sweep(*, today: date) -> dict[str, int]:
    counts = services.advance_pilots_by_date(today=today)
    rounds = _round_settings()
    counts["ending_soon"] = _ending_soon(today=today, rounds=rounds)
    counts["reminders"] = _report_reminders(today=today, rounds=rounds)
    counts["escalated"] = _escalations(today=today, rounds=rounds)
    counts["decision_follow_ups"] = decision_follow_ups(today=today)
    return counts


BATCH = 500


def _batches(due):
    """The due ideas a batch at a time, in id order (one query a batch)."""
    after = 0
    while True:
        batch = list(due.filter(pk__gt=after).order_by("pk")[:BATCH])
        if not batch:
            return
        yield batch
        after = batch[-1].pk


def _ending_soon(*, today: date, rounds: dict[int, Round]) -> int:
    longest = max((r.remind_days_before_end for r in rounds.values()), default=0)
    due = (
        Idea.objects.filter(
            status=Status.RUNNING, ends_on__gt=today, ends_on__lte=today + timedelta(days=longest)
        )
        .filter(_not_yet("pilot_ending_soon:"))
        .select_related("created_by")
    )
    sent = 0
    for batch in _batches(due):
        sent += notify_many(
            [
                {
                    "recipient": idea.created_by,
                    "kind": "pilot_ending_soon",
                    "idea": idea,
                    "dedup_key": f"pilot_ending_soon:{idea.pk}:",
                }
                for idea in batch
                if idea.ends_on
                <= today + timedelta(days=rounds[idea.round_id].remind_days_before_end)
            ]
        )
    return sent


def _report_reminders(*, today: date, rounds: dict[int, Round]) -> int:
    days_in_use = sorted({day for r in rounds.values() for day in r.report_reminders})
    sent = 0
    for day in days_in_use:
        prefix = f"report_reminder:{day}:"
        due = (
            Idea.objects.filter(status=Status.REPORT_DUE, ends_on__lte=today - timedelta(days=day))
            .filter(_not_yet(prefix))
            .select_related("created_by")
        )
        for batch in _batches(due):
            sent += notify_many(
                [
                    {
                        "recipient": idea.created_by,
                        "kind": "report_reminder",
                        "idea": idea,
                        "context": {"days": day},
                        "dedup_key": f"{prefix}{idea.pk}:",
                    }
                    for idea in batch
                    if day in rounds[idea.round_id].report_reminders
                ]
            )
    return sent


def _agents_by_district() -> tuple[list, dict[int, list]]:
    """The resident agents: those for every district, and those of each district (two
    queries)."""
    agents = list(resident_agents().prefetch_related("agent_districts"))
    everywhere, by_district = [], {}
    for agent in agents:
        districts = [district.pk for district in agent.agent_districts.all()]
        if not districts:
            everywhere.append(agent)
        for district_id in districts:
            by_district.setdefault(district_id, []).append(agent)
    return everywhere, by_district


def _escalations(*, today: date, rounds: dict[int, Round]) -> int:
    shortest = min((r.report_escalation_days for r in rounds.values()), default=0)
    told = Notification.objects.filter(idea=OuterRef("pk"), kind="report_overdue")
    due = Idea.objects.filter(
        status=Status.REPORT_DUE, ends_on__lte=today - timedelta(days=shortest)
    ).filter(~Exists(told))
    sent = 0
    agents = None
    for batch in _batches(due):
        if agents is None:
            agents = _agents_by_district()
        everywhere, by_district = agents
        sent += notify_many(
            [
                {
                    "recipient": agent,
                    "kind": "report_overdue",
                    "idea": idea,
                    "dedup_key": f"report_overdue:{idea.pk}:{agent.pk}",
                }
                for idea in batch
                if idea.ends_on
                <= today - timedelta(days=rounds[idea.round_id].report_escalation_days)
                for agent in everywhere + by_district.get(idea.district_id, [])
            ]
        )
    return sent


DIGEST_LIMIT = 50


def agent_digests(*, now: datetime) -> int:
    """Once a day, each agent hears of the ideas that have waited past half the decision target
    (the overdue ones included) in their districts."""
    today = now.date().isoformat()
    sent = 0
    for agent in resident_agents():
        waiting = in_agent_scope(
            Idea.objects.filter(
                status__in=[Status.SUBMITTED, Status.NEEDS_INFO],
                held_reason="",
                decision_half_at__lt=now,
            ),
            user=agent,
        ).order_by("decision_due_at")
        ids = list(waiting.values_list("pk", flat=True)[:DIGEST_LIMIT])
        if ids:
            sent += bool(
                notify(
                    recipient=agent,
                    kind="agent_digest",
                    context={"idea_ids": ids},
                    dedup_key=f"agent_digest:{agent.pk}:{today}",
                )
            )
    return sent
