"""Unsent drafts are not kept for ever (GDPR storage limitation).

A draft untouched for DRAFT_RETENTION_DAYS gets one notice by email, in its maker's language,
with a link to it; a draft still untouched DRAFT_RETENTION_NOTICE_DAYS after the notice is deleted
with its files. Editing the draft clears the notice. The daily sweep reads only the due rows by
index, claims each notice with a conditional update before sending (a second sweep or a second
worker finds it claimed), and records each deletion in the audit log.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record as audit_record

from ..models import Idea
from ..workflow import Status
from . import drafts_delete
from .notifications import notify

BATCH = 500


def drafts_due_for_notice(*, now):
    return Idea.objects.filter(
        status=Status.DRAFT,
        retention_notice_at__isnull=True,
        updated_at__lte=now - timedelta(days=settings.DRAFT_RETENTION_DAYS),
    )


def drafts_due_for_deletion(*, now):
    """Noticed long enough ago, and not touched since the notice."""
    return Idea.objects.filter(
        status=Status.DRAFT,
        retention_notice_at__lte=now - timedelta(days=settings.DRAFT_RETENTION_NOTICE_DAYS),
        updated_at__lte=F("retention_notice_at"),
    )


def send_notices(*, now) -> int:
    sent = 0
    due = list(drafts_due_for_notice(now=now).order_by("updated_at").values_list("pk", flat=True))
    for pk in due[:BATCH]:
        with transaction.atomic():
            claimed = drafts_due_for_notice(now=now).filter(pk=pk).update(retention_notice_at=now)
            if not claimed:
                continue
            idea = Idea.objects.select_related("created_by").get(pk=pk)
            notify(
                recipient=idea.created_by,
                kind="draft_retention",
                idea=idea,
                context={"days": settings.DRAFT_RETENTION_NOTICE_DAYS},
                dedup_key=f"draft_retention:{pk}:{now.isoformat()}",
            )
            sent += 1
    return sent


def delete_expired(*, now) -> int:
    deleted = 0
    due = list(drafts_due_for_deletion(now=now).values_list("pk", "district_id")[:BATCH])
    for pk, district_id in due:
        with transaction.atomic():
            idea = drafts_due_for_deletion(now=now).select_for_update().filter(pk=pk).first()
            if idea is None:
                continue
            audit_record(
                None,
                AuditEvent.Action.DRAFTS_DELETED_BY_RETENTION,
                idea,
                district=district_id,
                untouched_since=idea.updated_at,
                notice_sent=idea.retention_notice_at,
            )
            deleted += drafts_delete(ideas=Idea.objects.filter(pk=pk))
    return deleted


def sweep(*, now=None) -> dict[str, int]:
    now = now or timezone.now()
    return {"noticed": send_notices(now=now), "deleted": delete_expired(now=now)}
