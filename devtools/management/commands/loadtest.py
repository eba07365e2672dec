"""`manage.py loadtest`: a bounded load test on loopback against gunicorn.

On the benchmark database of one size (seeded by `bench`), it starts gunicorn, runs locust
headless with a mix of residents, agents and managers for a fixed time, then sends a burst of
idea submissions from many residents at once and checks that every one was saved. It prints
throughput, p95 and errors, and removes the ideas it made.
"""

import csv
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .bench import BENCH_SETTINGS, _create_postgres_database, database_url_for

STARTED = re.compile(r'name="started" value="([^"]+)"')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
THROUGHPUT_TARGET = 100.0
P95_TARGET_MS = 250.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Command(BaseCommand):
    help = "Load test on loopback: locust against gunicorn, then a burst of submissions."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=100000, help="Pilots in the data set.")
        parser.add_argument("--districts", type=int, default=50)
        parser.add_argument("--users", type=int, default=150)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
        parser.add_argument("--burst", type=int, default=1000, help="Submissions in the burst.")
        parser.add_argument("--inner", action="store_true", help="(run under bench settings)")

    def handle(self, *args, **options):
        if not options["inner"]:
            return self._outer(options)
        return self._inner(options)

    def _outer(self, options) -> None:
        base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
        base = base or f"sqlite:///{Path(settings.BASE_DIR) / 'db.sqlite3'}"
        url = database_url_for(base, options["size"])
        if url.startswith("postgres"):
            _create_postgres_database(url)
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS}
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        steps = [
            ["migrate", "--noinput", "-v0"],
            ["bench", "--prepare", str(options["size"]), "--districts", str(options["districts"])],
            ["loadtest", "--inner"]
            + [f"--{name}={options[name]}" for name in ("users", "seconds", "workers", "burst")],
        ]
        for step in steps:
            if subprocess.run(manage + step, env=env, check=False).returncode:  # noqa: S603
                raise CommandError(f"loadtest step failed: {' '.join(step)}")

    def _inner(self, options) -> None:
        from grants.models import Idea

        if settings.ROOT_URLCONF != "devtools.bench_urls":
            raise CommandError(f"Run with DJANGO_SETTINGS_MODULE={BENCH_SETTINGS}.")
        sessions = self._sessions()
        port = _free_port()
        host = f"http://127.0.0.1:{port}"
        newest = Idea.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with tempfile.TemporaryDirectory() as folder:
            sessions_file = Path(folder) / "sessions.json"
            sessions_file.write_text(json.dumps(sessions))
            server = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "gunicorn", "minipilot.wsgi", "--bind", f"127.0.0.1:{port}"]
                + ["--workers", str(options["workers"]), "--log-level", "warning"],
                cwd=settings.BASE_DIR,
                env=os.environ.copy(),
            )
            try:
                self._wait_for(host)
                load = self._locust(host, sessions_file, Path(folder), options)
                burst = self._burst(host, sessions["resident"], options["burst"])
            finally:
                server.terminate()
                server.wait(timeout=30)
                Idea.objects.filter(pk__gt=newest).delete()
        self._print(load, burst, options)

    def _sessions(self) -> dict:
        """Ready logged-in sessions for residents, agents and managers of the data set."""
        from django.urls import reverse
        from django.utils import translation

        from actors.models import District, User
        from actors.roles import AGENT_GROUP, MANAGER_GROUP
        from devtools import bench
        from grants.models import Idea
        from grants.workflow import Status

        cookie = bench.session_cookie

        districts = list(District.objects.order_by("slug"))
        residents = list(
            User.objects.filter(groups__isnull=True, is_staff=False, created_ideas__isnull=False)
            .distinct()
            .order_by("pk")[:200]
        )
        agents = list(User.objects.filter(groups__name=AGENT_GROUP).order_by("pk")[:20])
        managers = list(User.objects.filter(groups__name=MANAGER_GROUP).order_by("pk")[:5])
        User.objects.filter(pk__in=[u.pk for u in residents + agents + managers]).update(
            language="en"
        )
        for user in agents + managers:
            bench._with_second_factor(user)
        with translation.override("en"):
            sessions = {"resident": [], "agent": [], "manager": []}
            for n, user in enumerate(residents):
                data = bench.idea_form_data(districts[n % len(districts)])
                data.pop("started")
                sessions["resident"].append({"cookie": cookie(user), "idea": data})
            for user in agents:
                district = user.agent_districts.order_by("slug").first()
                sent = Idea.objects.exclude(status=Status.DRAFT)
                # Ideas waiting in the agent's district; else any the agent may read.
                waiting = sent.filter(district=district, status=Status.SUBMITTED)
                pks = list(waiting.values_list("pk", flat=True)[:20]) or list(
                    sent.filter(district=district).values_list("pk", flat=True)[:20]
                )
                ideas = [reverse("grants:agent_idea", args=[pk]) for pk in pks]
                sessions["agent"].append(
                    {
                        "cookie": cookie(user),
                        "ideas": ideas,
                        "filtered": f"{reverse('grants:agent')}?status=submitted"
                        f"&district={district.slug}",
                    }
                )
            reports = [reverse("reports:district", args=[d.slug]) for d in districts]
            for user in managers:
                sessions["manager"].append({"cookie": cookie(user), "districts": reports})
        return sessions

    def _wait_for(self, host: str) -> None:
        import requests

        for _ in range(100):
            try:
                if requests.get(f"{host}/en/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise CommandError("gunicorn did not start")

    def _locust(self, host: str, sessions_file: Path, folder: Path, options) -> dict:
        prefix = folder / "load"
        env = {**os.environ, "MINIPILOT_LOADTEST_SESSIONS": str(sessions_file)}
        command = [
            sys.executable, "-m", "locust", "--headless", "--only-summary",
            "-f", str(Path(settings.BASE_DIR) / "devtools" / "locustfile.py"),
            "--host", host, "--users", str(options["users"]),
            "--spawn-rate", str(max(1, options["users"] // 10)),
            "--run-time", f"{options['seconds']}s", "--stop-timeout", "10",
            "--csv", str(prefix), "--loglevel", "WARNING",
        ]  # fmt: skip
        subprocess.run(command, env=env, check=False, capture_output=True)  # noqa: S603
        with open(f"{prefix}_stats.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return {"rows": rows}

    def _burst(self, host: str, residents: list[dict], count: int) -> dict:
        """`count` submissions sent by many residents at once; every one must be saved."""
        import requests

        from grants.models import Idea

        newest = Idea.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        threads = 20
        results = {"accepted": 0, "refused": 0, "errors": 0}
        lock = threading.Lock()

        def send(share: list[dict]):
            for resident in share:
                session = requests.Session()
                session.cookies.set("sessionid", resident["cookie"], domain="127.0.0.1")
                try:
                    form = session.get(f"{host}/en/ideas/new/", timeout=30)
                    data = {
                        **resident["idea"],
                        "started": STARTED.search(form.text).group(1),
                        "csrfmiddlewaretoken": TOKEN.search(form.text).group(1),
                    }
                    response = session.post(
                        f"{host}/en/ideas/new/",
                        data=data,
                        headers={"Referer": f"{host}/en/ideas/new/"},
                        allow_redirects=False,
                        timeout=30,
                    )
                    outcome = "accepted" if response.status_code == 302 else "refused"
                except (requests.RequestException, AttributeError):
                    outcome = "errors"
                with lock:
                    results[outcome] += 1

        work = [residents[n % len(residents)] for n in range(count)]
        started = time.perf_counter()
        pool = [threading.Thread(target=send, args=(work[n::threads],)) for n in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        seconds = time.perf_counter() - started
        saved = Idea.objects.filter(pk__gt=newest).count()
        return {**results, "sent": count, "saved": saved, "seconds": seconds}

    def _print(self, load: dict, burst: dict, options) -> None:
        write = self.stdout.write
        write("")
        write(
            f"## Load: {options['users']} people for {options['seconds']} s, "
            f"gunicorn with {options['workers']} workers"
        )
        write("")
        write("| Request | Requests | Failures | p50 ms | p95 ms | Requests/s |")
        write("|---|---:|---:|---:|---:|---:|")
        total = None
        for row in load["rows"]:
            line = (
                f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} "
                f"| {row['50%']} | {row['95%']} | {float(row['Requests/s']):.1f} |"
            )
            if row["Name"] == "Aggregated":
                total = row
            else:
                write(line)
        if total is None:
            raise CommandError("locust produced no figures")
        write(line)
        throughput, p95 = float(total["Requests/s"]), float(total["95%"])
        failures = int(total["Failure Count"])
        write("")
        write(
            f"Burst: {burst['sent']} submissions in {burst['seconds']:.1f} s: "
            f"{burst['accepted']} accepted, {burst['saved']} saved, {burst['refused']} refused, "
            f"{burst['errors']} errors."
        )
        met = {
            f"throughput at least {THROUGHPUT_TARGET:.0f}/s": throughput >= THROUGHPUT_TARGET,
            f"p95 under {P95_TARGET_MS:.0f} ms": p95 < P95_TARGET_MS,
            "no errors": failures == 0,
            "burst within a minute, none lost": burst["saved"] == burst["sent"]
            and burst["seconds"] <= 60,
        }
        for name, ok in met.items():
            write(f"- {name}: {'yes' if ok else 'NO'}")
        host = urlsplit(settings.DATABASES["default"].get("HOST") or "local")
        write(f"(database {settings.DATABASES['default']['NAME']} on {host.path or 'local'})")
