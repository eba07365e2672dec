"""The one notification service: every message the app sends goes through `notify`.

`notify` records a Notification row (recipient, kind, the idea, a deduplication key) and enqueues
its delivery after commit. `deliver` claims the row with a conditional update before sending, so
the email goes out once however often the task runs. If the broker is down the row simply waits:
the pending sweep enqueues it once the broker is back. Emails are rendered in the recipient's
language, as plain text and HTML, with a link to the page where they can act.
"""

import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from actors.models import User
from common import broker, versions

from ..models import Grant, Idea, Introduction, Message, Notification

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


@dataclass(frozen=True)
class Kind:
    template: str
    page: str | None  # the URL name (taking the idea's id) where the recipient can act
    essential: bool  # essential mail cannot be switched off


KINDS: dict[str, Kind] = {
    "idea_submitted": Kind("idea_submitted", "grants:agent_idea", True),
    "idea_received": Kind("idea_received", "grants:idea", False),
    "idea_decided": Kind("idea_decided", "grants:idea", True),
    "message_to_maker": Kind("message", "grants:idea", True),
    "message_to_agent": Kind("message", "grants:agent_idea", True),
    "introduction_to_maker": Kind("introduction_to_maker", "grants:idea", False),
    "introduction_to_partner": Kind("introduction_to_partner", None, False),
    "grant_paid": Kind("grant_paid", "grants:idea", False),
    "closing_report_received": Kind("closing_report_received", "grants:agent_idea", True),
    "pilot_ending_soon": Kind("pilot_ending_soon", "grants:closing_report", True),
    "report_request": Kind("report_request", "grants:closing_report", True),
    "report_reminder": Kind("report_reminder", "grants:closing_report", True),
    "report_overdue": Kind("report_overdue", "grants:agent_idea", True),
    "report_returned": Kind("report_returned", "grants:closing_report", True),
    "report_accepted": Kind("report_accepted", "grants:idea", True),
    "agent_digest": Kind("agent_digest", None, False),
    "draft_retention": Kind("draft_retention", "grants:idea", True),
    "decision_follow_up": Kind("decision_follow_up", "reports:decision", True),
}


def notify(
    *,
    recipient: User,
    kind: str,
    idea: Idea | None = None,
    context: dict | None = None,
    dedup_key: str | None = None,
) -> Notification | None:
    """Record one message to one person and send it after commit. With a deduplication key,
    a second call with the same key records and sends nothing (and returns None)."""
    KINDS[kind]  # an unknown kind is refused before anything is recorded
    key = dedup_key or f"{kind}:{idea.pk if idea else '-'}:{recipient.pk}:{uuid.uuid4().hex}"
    notification, created = Notification.objects.get_or_create(
        dedup_key=key,
        defaults={"recipient": recipient, "kind": kind, "idea": idea, "context": context or {}},
    )
    if not created:
        return None
    if _skipped(kind, recipient):
        notification.state = Notification.State.SKIPPED
        notification.save(update_fields=["state"])
        return notification
    transaction.on_commit(lambda: enqueue(notification.pk))
    return notification


def _skipped(kind: str, recipient: User) -> bool:
    """A message the person chose not to get by email (only the essential ones always go)."""
    return not KINDS[kind].essential and not recipient.optional_email


def notify_many(messages: list[dict]) -> int:
    """`notify` for many at once, each with its deduplication key (`recipient`, `kind`, `idea`,
    `context`, `dedup_key`): three queries however many, for the sweeps. Those whose key exists
    already are neither recorded nor sent. Returns how many were recorded."""
    if not messages:
        return 0
    keys = [message["dedup_key"] for message in messages]
    existing = set(
        Notification.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True)
    )
    fresh, seen = [], set()
    for message in messages:
        key = message["dedup_key"]
        if key in existing or key in seen:
            continue
        seen.add(key)
        recipient = message["recipient"]
        skipped = _skipped(message["kind"], recipient)
        fresh.append(
            Notification(
                recipient=recipient,
                kind=message["kind"],
                idea=message.get("idea"),
                context=message.get("context") or {},
                dedup_key=key,
                state=Notification.State.SKIPPED if skipped else Notification.State.PENDING,
            )
        )
    # A sweep running beside this one may have recorded some of them meanwhile: those stay its.
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    pending = list(
        Notification.objects.filter(
            dedup_key__in=[n.dedup_key for n in fresh], state=Notification.State.PENDING
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: [enqueue(pk) for pk in pending])
    return len(fresh)


def enqueue(notification_id: int, *, sweeping: bool = False) -> bool:
    """Hand the delivery to Celery. A broker that is down loses nothing: the row waits as
    pending and the sweep enqueues it later."""
    from .. import tasks

    return broker.hand_over(tasks.deliver_notification, notification_id, sweeping=sweeping)


def deliver(*, notification_id: int) -> bool:
    """Claim the row, send the email, mark it sent. Returns False if someone else had it."""
    claimed = Notification.objects.filter(
        pk=notification_id, state=Notification.State.PENDING
    ).update(
        state=Notification.State.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient", "idea").get(pk=notification_id)
    try:
        _send(notification)
    except TRANSIENT_ERRORS as error:
        # Give the row back, so that the retry (or the sweep) can claim it again.
        Notification.objects.filter(pk=notification_id).update(
            state=Notification.State.PENDING, last_error=str(error)[:1000]
        )
        raise
    except Exception as error:
        mark_failed(notification_id=notification_id, error=error)
        raise
    Notification.objects.filter(pk=notification_id).update(
        state=Notification.State.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def mark_failed(*, notification_id: int, error: BaseException) -> None:
    Notification.objects.filter(pk=notification_id).exclude(state=Notification.State.SENT).update(
        state=Notification.State.FAILED, last_error=str(error)[:1000] or repr(error)
    )
    versions.bump(versions.FAILED_MESSAGES)


PENDING_GRACE = timedelta(minutes=1)
SENDING_TIMEOUT = timedelta(minutes=15)
SWEEP_BATCH = 500


def sweep_pending(*, now=None) -> dict[str, int]:
    """Enqueue pending rows that no task picked up (the broker was down), and give up on rows
    whose sending was interrupted, marking them failed where the agent sees them: sending them
    again could send them twice."""
    now = now or timezone.now()
    interrupted = Notification.objects.filter(
        state=Notification.State.SENDING, claimed_at__lt=now - SENDING_TIMEOUT
    ).update(
        state=Notification.State.FAILED,
        last_error="The sending was interrupted; it may or may not have reached the person.",
    )
    if interrupted:
        versions.bump(versions.FAILED_MESSAGES)
    waiting = list(
        Notification.objects.filter(
            state=Notification.State.PENDING, created_at__lt=now - PENDING_GRACE
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    enqueued = sum(1 for pk in waiting if enqueue(pk, sweeping=True))
    return {"enqueued": enqueued, "interrupted": interrupted}


def _send(notification: Notification) -> None:
    recipient = notification.recipient
    kind = KINDS[notification.kind]
    language = recipient.language or settings.LANGUAGE_CODE
    context = {"recipient": recipient, **_objects_of(notification)}
    with translation.override(language):
        if kind.page and notification.idea_id:
            context["url"] = settings.SITE_URL + reverse(kind.page, args=[notification.idea_id])
        elif notification.kind == "agent_digest":
            context["url"] = settings.SITE_URL + reverse("grants:agent")
        # One line, whatever a title holds: a line break in a header is refused by the mailer.
        subject = " ".join(render_to_string(f"emails/{kind.template}_subject.txt", context).split())
        body = render_to_string(f"emails/{kind.template}.txt", context)
        html = render_to_string(f"emails/{kind.template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[recipient.email])
    message.attach_alternative(html, "text/html")
    message.send()


def _objects_of(notification: Notification) -> dict:
    """The objects an email speaks of, loaded from the ids kept in the row."""
    data = notification.context or {}
    objects: dict = {"idea": notification.idea}
    if "message_id" in data:
        objects["message"] = Message.objects.filter(pk=data["message_id"]).first()
    if "introduction_id" in data:
        introduction = (
            Introduction.objects.select_related("actor", "introduced_by")
            .filter(pk=data["introduction_id"])
            .first()
        )
        objects["introduction"] = introduction
        objects["actor"] = introduction.actor if introduction else None
    if "grant_id" in data:
        objects["grant"] = Grant.objects.filter(pk=data["grant_id"]).first()
    if "idea_ids" in data:
        objects["ideas"] = list(
            Idea.objects.filter(pk__in=data["idea_ids"]).select_related("district")
        )
    if "days" in data:
        objects["days"] = data["days"]
    return objects
