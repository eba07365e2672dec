"""The web server's settings, as the Dockerfile and compose use them: workers from the CPUs."""

import multiprocessing
import os
import runpy
import subprocess
import sys
from pathlib import Path

from django.conf import settings

CONFIG = Path(settings.BASE_DIR) / "gunicorn.conf.py"


def test_workers_follow_the_cpus_unless_told(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert runpy.run_path(str(CONFIG))["workers"] == multiprocessing.cpu_count() * 2 + 1
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert runpy.run_path(str(CONFIG))["workers"] == 3


def test_gunicorn_reads_the_config_and_the_app():
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", str(CONFIG)]
        + ["minipilot.wsgi:application"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "minipilot.settings.base"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_dockerfile_and_compose_start_gunicorn_with_it():
    root = Path(settings.BASE_DIR)
    assert '"-c", "gunicorn.conf.py"' in (root / "Dockerfile").read_text()
    compose = (root / "docker-compose.yml").read_text()
    assert compose.count("gunicorn -c gunicorn.conf.py") == 2
    assert "--workers" not in compose


def test_behind_pgbouncer_no_server_side_cursors():
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "d = settings.DATABASES['default']; "
        "print(json.dumps([d.get('DISABLE_SERVER_SIDE_CURSORS', False), d['CONN_MAX_AGE']]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "minipilot.settings.base",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:6432/minipilot",
        "DATABASE_PGBOUNCER": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "[true, 0]"


def test_s3_bucket_in_the_environment_puts_the_files_there():
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "d = settings.STORAGES['default']; "
        "print(json.dumps([d['BACKEND'], d.get('OPTIONS', {}).get('bucket_name')]))"
    )
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "minipilot.settings.base"}
    base.pop("S3_BUCKET", None)
    outputs = []
    for extra in ({}, {"S3_BUCKET": "minipilot", "S3_ENDPOINT_URL": "http://minio:9000"}):
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=settings.BASE_DIR, env={**base, **extra},
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        outputs.append(done.stdout.strip().splitlines()[-1])
    assert outputs == [
        '["django.core.files.storage.FileSystemStorage", null]',
        '["storages.backends.s3.S3Storage", "minipilot"]',
    ]
