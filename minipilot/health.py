"""`/healthz`: the database, the broker and the worker, as JSON; 200 when the app can serve, else
503. The worker counts as alive when its minute sweep ran in the last few minutes."""

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from common import embeddings
from common.heartbeat import WORKER_HEARTBEAT_KEY, last_worker_heartbeat

__all__ = ["WORKER_HEARTBEAT_KEY", "healthz"]

WORKER_STALE_SECONDS = 180


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


BROKER_TIMEOUT_SECONDS = 2


def _broker() -> str:
    """Connect and, for Redis, ask for an answer: a broker that accepts the connection but does
    not answer (stopped, overloaded) fails within the timeout instead of holding the request."""
    from minipilot.celery import app

    options = {
        **(app.conf.broker_transport_options or {}),
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    }
    with app.connection_for_write(
        transport_options=options, connect_timeout=BROKER_TIMEOUT_SECONDS
    ) as conn:
        conn.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
        )
        client = getattr(conn.default_channel, "client", None)
        if client is not None:
            client.ping()
    return "ok"


def _worker() -> str:
    seen = last_worker_heartbeat()
    if seen is None:
        return "unknown"
    age = timezone.now().timestamp() - seen
    return "ok" if age < WORKER_STALE_SECONDS else f"silent for {int(age)} s"


def healthz(request):
    report = {}
    healthy = True
    for name, check in (("database", _database), ("broker", _broker), ("worker", _worker)):
        try:
            report[name] = check()
        except Exception as error:  # any failure is a finding, reported, not raised
            report[name] = f"error: {error.__class__.__name__}"
            healthy = healthy and name == "worker"
    # Without the embedding model the app still serves: similar pilots are found by words.
    reason = embeddings.unavailable_reason()
    report["embeddings"] = "ok" if not reason else f"unavailable: {reason}; similar pilots by words"
    return JsonResponse(report, status=200 if healthy else 503)
