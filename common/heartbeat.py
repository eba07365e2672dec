"""The worker's heartbeat: its minute sweep writes the time to the cache, `/healthz` reads it."""

from django.core.cache import cache
from django.utils import timezone

WORKER_HEARTBEAT_KEY = "health:worker-heartbeat"


def record_worker_heartbeat() -> None:
    cache.set(WORKER_HEARTBEAT_KEY, timezone.now().timestamp(), timeout=None)


def last_worker_heartbeat() -> float | None:
    seen = cache.get(WORKER_HEARTBEAT_KEY)
    return None if seen is None else float(seen)
