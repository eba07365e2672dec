"""Celery tasks: load by id, call a service. Transient mail errors retry with backoff and jitter;
the last failure is recorded on the notification, where the agent sees it."""

import random

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .services import notifications, reminders, retention

MAX_RETRIES = 8


def backoff(retries: int) -> float:
    """Seconds before the next try: doubling from the base (30 s) up to an hour, with jitter."""
    base = min(settings.NOTIFICATION_RETRY_BASE_SECONDS * 2**retries, 3600)
    return base / 2 + random.uniform(0, base / 2)  # noqa: S311 - jitter, not security


@shared_task(bind=True, max_retries=MAX_RETRIES, soft_time_limit=60, time_limit=90)
def deliver_notification(self, notification_id: int) -> bool:
    try:
        return notifications.deliver(notification_id=notification_id)
    except notifications.TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            notifications.mark_failed(notification_id=notification_id, error=error)
            return False
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


@shared_task(soft_time_limit=300, time_limit=360)
def sweep_pending_notifications() -> dict[str, int]:
    return notifications.sweep_pending()


@shared_task(soft_time_limit=300, time_limit=360)
def sweep_pilots() -> dict[str, int]:
    """Status changes that follow from the calendar, and the reminders to makers and agents."""
    from common.heartbeat import record_worker_heartbeat

    record_worker_heartbeat()
    return reminders.sweep(today=timezone.localdate())


@shared_task(soft_time_limit=300, time_limit=360)
def send_agent_digests() -> int:
    return reminders.agent_digests(now=timezone.now())


@shared_task(soft_time_limit=600, time_limit=660)
def sweep_draft_retention() -> dict[str, int]:
    return retention.sweep(now=timezone.now())


@shared_task(soft_time_limit=600, time_limit=660)
def refresh_term_stats(full: bool = False) -> int:
    """How rare each search term is among past pilots, for the similar-pilot lookups: what
    changed since the last refresh (or, with full, everything: every night)."""
    return services.term_stats_refresh(full=full)


@shared_task(bind=True, max_retries=5, soft_time_limit=120, time_limit=150)
def embed_idea(self, idea_id: int) -> bool:
    """The meaning of an idea and its lessons. Without a model it retries a few times, then
    leaves the idea to the sweep: the idea stays usable without its vector."""
    from common.embeddings import EmbeddingsUnavailable

    try:
        return services.idea_embed(idea_id=idea_id)
    except EmbeddingsUnavailable as error:
        if self.request.retries >= self.max_retries:
            return False
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


@shared_task(soft_time_limit=1200, time_limit=1260)
def sweep_embeddings() -> dict[str, int]:
    return services.embeddings_sweep()


@shared_task(soft_time_limit=600, time_limit=660)
def refresh_theme_proposals() -> int:
    """Themes proposed for the untagged lessons, by their meaning."""
    from common import embeddings

    if not embeddings.available():
        return 0
    return services.theme_proposals_refresh()
