import pytest
from django.core.cache import cache

from grants import tasks
from minipilot.health import WORKER_HEARTBEAT_KEY


@pytest.fixture(autouse=True)
def _no_heartbeat():
    cache.delete(WORKER_HEARTBEAT_KEY)


@pytest.mark.needs_redis
def test_healthy_with_database_broker_and_a_recent_sweep(client, db):
    assert client.get("/healthz").json()["worker"] == "unknown"
    tasks.sweep_pilots()  # what the worker runs every minute
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "broker": "ok",
        "worker": "ok",
        "embeddings": "ok",
    }


def test_unhealthy_when_the_broker_is_unreachable(client, db):
    from minipilot.celery import app

    working = app.conf.broker_url
    try:
        app.conf.broker_url = "redis://127.0.0.1:1/0"
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = working
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"
