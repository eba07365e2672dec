"""Settings come from the environment: SQLite and a serverless broker by default, PostgreSQL and
Redis when their URLs are given, production refusing to start without its secret."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'broker': settings.CELERY_BROKER_URL, 'email': settings.EMAIL_BACKEND, "
    "'debug': settings.DEBUG}))"
)


def _settings_with(env: dict, module: str = "minipilot.settings.base") -> dict:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_HOST"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE=module, CELERY_DATA_DIR=tempfile.mkdtemp())
    return _probe(PROBE, clean)


def _probe(code: str, env: dict) -> dict:
    """What `code`, run in a new process with `env`, printed last (as JSON)."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_need_no_server():
    found = _settings_with({})
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["broker"] == "filesystem://"
    assert found["email"] == "django.core.mail.backends.console.EmailBackend"


def test_urls_switch_to_postgres_redis_and_smtp():
    found = _settings_with(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/minipilot",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "EMAIL_HOST": "mail.example.org",
        }
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["broker"] == "redis://127.0.0.1:6379/0"
    assert found["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "minipilot.settings.production"
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deploy_check():
    env = dict(
        os.environ, DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-value"
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings",
            "minipilot.settings.production",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_migrations_are_complete():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


POOL_PROBE = """
import json, django
django.setup()
from django.db import connection
pids = []
for _ in range(2):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pids.append(cursor.fetchone()[0])
    connection.close()  # the end of a request: the connection goes back to the pool
pool = connection.pool
print(json.dumps({
    "pooled": pool is not None,
    "max_age": connection.settings_dict["CONN_MAX_AGE"],
    "same": len(set(pids)) == 1,
    "taken": pool.get_stats().get("requests_num", 0) if pool else 0,
}))
"""


def _production_probe(extra: dict) -> dict:
    from django.db import connection

    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings.get('HOST') or '127.0.0.1'}:"
        f"{settings.get('PORT') or 5432}/{settings['NAME']}"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_PGBOUNCER", "DATABASE_POOL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="minipilot.settings.production",
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-value",
        DATABASE_URL=url,
        **extra,
    )
    return _probe(POOL_PROBE, env)


@pytest.mark.needs_postgres
@pytest.mark.django_db
def test_production_takes_its_connections_from_psycopgs_pool():
    # A pool of one connection, so that the second request can only have been given the first's.
    found = _production_probe({"DATABASE_POOL_MIN_SIZE": "1", "DATABASE_POOL_MAX_SIZE": "1"})
    assert found["pooled"] and found["max_age"] == 0
    # Two requests, one server connection: the second was given the first's back.
    assert found["same"] and found["taken"] == 2, found


@pytest.mark.needs_postgres
@pytest.mark.django_db
def test_behind_pgbouncer_production_leaves_the_pooling_to_it():
    found = _production_probe({"DATABASE_PGBOUNCER": "1"})
    assert not found["pooled"] and found["max_age"] == 0
