"""ops/backup.sh and ops/restore.sh on the real PostgreSQL: pilots committed to the database are
dumped, restored into a fresh database and found there, the same."""

import os
import subprocess
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from grants import services
from grants.models import Grant, Idea
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
BACKUP = ROOT / "ops" / "backup.sh"
RESTORE = ROOT / "ops" / "restore.sh"


def _url(database: str) -> str:
    settings = connection.settings_dict
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{quote(settings['USER'], safe='')}{password}@{host}:{port}/{database}"


def _run(*args, env=None):
    return subprocess.run(
        [str(arg) for arg in args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


def _admin(sql: str) -> None:
    """CREATE/DROP DATABASE outside a transaction, on the server's maintenance database."""
    conn = psycopg.connect(_url("postgres"), autocommit=True)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


@pytest.fixture
def pilots(transactional_db):
    """Pilots as a city has them: granted ideas, one with a closing report, one still a draft."""
    district = factories.DistrictFactory(name="Iittala", slug="iittala")
    factories.RoundFactory(districts=[district])
    maker = factories.UserFactory(email="maker@example.org")
    agent = factories.AgentFactory(email="agent@example.org")

    def idea(status, title, **fields):
        return factories.idea_in_status(
            status, created_by=maker, agent=agent, district=district, title=title, **fields
        )

    idea("closed", "Elämänkaarikahvila")
    idea("approved", "Torstaitreffit")
    running = idea("submitted", "Kylän lukupiiri", amount=Decimal("750.00"))
    services.idea_approve(idea=running, by=agent, amount=Decimal("750.00"))
    idea("draft", "Luonnos")
    return {
        "titles": sorted(Idea.objects.values_list("title", flat=True)),
        "grants": sorted(
            (title, amount) for title, amount in Grant.objects.values_list("idea__title", "amount")
        ),
        "reports": Idea.objects.filter(closing_report__isnull=False).count(),
    }


@pytest.mark.needs_postgres
def test_a_backup_restored_into_a_fresh_database_has_the_same_pilots(pilots, tmp_path):
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "nightly" / "minipilot.dump"

    made = _run(BACKUP, dump, env={"DATABASE_URL": _url(source)})
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == str(dump)
    assert dump.stat().st_size > 0
    assert oct(dump.stat().st_mode & 0o777) == oct(0o600)  # personal data: owner only
    assert not dump.with_name(dump.name + ".partial").exists()

    fresh = f"{source}_restored_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{fresh}"')
    try:
        restored = _run(RESTORE, "--target", _url(fresh), dump)
        assert restored.returncode == 0, restored.stderr

        conn = psycopg.connect(_url(fresh))
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT title FROM grants_idea ORDER BY title")
                titles = [row[0] for row in cursor.fetchall()]
                cursor.execute(
                    "SELECT i.title, g.amount FROM grants_grant g "
                    "JOIN grants_idea i ON i.id = g.idea_id ORDER BY i.title"
                )
                grants = sorted(cursor.fetchall())
                cursor.execute("SELECT count(*) FROM grants_closingreport")
                reports = cursor.fetchone()[0]
                cursor.execute("SELECT count(*) FROM django_migrations")
                migrations = cursor.fetchone()[0]
        finally:
            conn.close()
        assert titles == pilots["titles"]
        assert len(titles) == 4
        assert grants == pilots["grants"]
        assert ("Kylän lukupiiri", Decimal("750.00")) in grants
        assert reports == pilots["reports"] == 1
        assert migrations > 0  # the schema's history came along: `migrate` continues from it

        # A second restore of the same dump into the same database replaces, not duplicates.
        again = _run(RESTORE, "--target", _url(fresh), dump)
        assert again.returncode == 0, again.stderr
        conn = psycopg.connect(_url(fresh))
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM grants_idea")
                assert cursor.fetchone()[0] == 4
        finally:
            conn.close()
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


@pytest.mark.needs_postgres
def test_restore_refuses_without_an_explicit_target(pilots, tmp_path):
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "minipilot.dump"
    assert _run(BACKUP, dump, env={"DATABASE_URL": _url(source)}).returncode == 0

    # DATABASE_URL is set (as on the server), yet the restore does not take it as the target.
    refused = _run(RESTORE, dump, env={"DATABASE_URL": _url(source)})
    assert refused.returncode == 2
    assert "explicit --target" in refused.stderr
    assert _run(RESTORE, "--target", "not-a-url", dump).returncode == 2
    assert _run(RESTORE, "--target", _url(source), tmp_path / "missing.dump").returncode == 2
    assert Idea.objects.count() == 4  # nothing was touched


def test_backup_refuses_without_a_database_url(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [str(BACKUP), str(tmp_path / "x.dump")], capture_output=True, text=True, env=env
    )
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert not (tmp_path / "x.dump").exists()
