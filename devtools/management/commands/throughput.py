"""`manage.py throughput`: requests per second of every page of `make bench`, beside its floor.

On the benchmark database of one size (seeded by `bench`), it starts gunicorn on loopback and
runs wrk (Debian's `wrk`) against each page for a few seconds, then against the floor (the bare
page of the same person, through the same middleware) for as long, in turn, so that both meet
the machine in the same state. It prints requests/s, p50 and p99 of each and the page's share of
its floor's throughput (the target is 0.5 or more), and can write them as JSON.

With `--before DIR` (a checkout of an earlier commit, e.g. made with `git worktree add`), that
code is served beside this one on the same database, and each page and its floor are measured
on both in turn: the old and the new figures from one run, the machine in the same state.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .bench import BENCH_SETTINGS, _create_postgres_database, database_url_for
from .loadtest import _free_port

SHARE_TARGET = 0.5
REQUESTS = re.compile(r"Requests/sec:\s+([\d.]+)")
PERCENTILE = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)")
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
FLOOR_PAGE = "/en/bench/floor/"
# Run in another checkout: a logged-in session for each person, as that code makes them.
SESSIONS_SCRIPT = """
import json, sys, time
from importlib import import_module

import django

django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

now = time.time()
methods = [{"method": "password", "at": now}, {"method": "mfa", "type": "totp", "at": now}]
keys = {}
for who, pk in json.loads(sys.argv[1]).items():
    user = get_user_model().objects.get(pk=pk)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["account_authentication_methods"] = methods
    store.create()
    keys[who] = store.session_key
print(json.dumps(keys))
"""


def parse_wrk(output: str) -> dict:
    """Requests/s, p50 and p99 (ms) and the errors from wrk's report (with --latency)."""
    found = REQUESTS.search(output)
    if found is None:
        raise CommandError(f"wrk gave no result:\n{output}")
    latency = {
        f"p{share}_ms": float(value) * UNIT_MS[unit]
        for share, value, unit in PERCENTILE.findall(output)
    }
    errors = sum(int(n) for n, _socket in ERRORS.findall(output) if n)
    return {"rps": float(found.group(1)), **latency, "errors": errors}


class Command(BaseCommand):
    help = "Requests per second of each page beside its floor's, with wrk against gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=100000, help="Pilots in the data set.")
        parser.add_argument("--districts", type=int, default=50)
        parser.add_argument("--seconds", type=int, default=10, help="Per page, and per floor.")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
        parser.add_argument("--only", default="", help="Only the pages whose name has this.")
        parser.add_argument("--json", dest="json_path", help="Also write the figures here.")
        parser.add_argument(
            "--before", default="", help="A checkout of an earlier commit, measured beside."
        )
        parser.add_argument("--inner", action="store_true", help="(run under bench settings)")

    def handle(self, *args, **options):
        if shutil.which("wrk") is None:
            raise CommandError("wrk is not installed (apt-get install wrk).")
        before = options["before"]
        if before and not (Path(before) / "minipilot" / "wsgi.py").is_file():
            raise CommandError(f"{before} is not a checkout of Minipilot.")
        if options["inner"]:
            return self._inner(options)
        base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
        base = base or f"sqlite:///{Path(settings.BASE_DIR) / 'db.sqlite3'}"
        url = database_url_for(base, options["size"])
        if url.startswith("postgres"):
            _create_postgres_database(url)
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS}
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        inner = [f"--{name}={options[name]}" for name in ("seconds", "connections", "workers")]
        if options["only"]:
            inner.append(f"--only={options['only']}")
        if options["json_path"]:
            inner.append(f"--json={Path(options['json_path']).resolve()}")
        if options["before"]:
            inner.append(f"--before={Path(options['before']).resolve()}")
        steps = [
            ["migrate", "--noinput", "-v0"],
            ["bench", "--prepare", str(options["size"]), "--districts", str(options["districts"])],
            ["throughput", "--inner", *inner],
        ]
        for step in steps:
            if subprocess.run(manage + step, env=env, check=False).returncode:  # noqa: S603
                raise CommandError(f"throughput step failed: {' '.join(step)}")

    def _inner(self, options) -> None:
        from devtools import bench
        from grants import services
        from reports.services import figures, open_data

        if settings.ROOT_URLCONF != "devtools.bench_urls":
            raise CommandError(f"Run with DJANGO_SETTINGS_MODULE={BENCH_SETTINGS}.")
        # What the beat keeps ready: the report figures, the term statistics, the open data.
        figures.refresh()
        services.term_stats_refresh()
        open_data.prepare_if_changed()
        personas = bench.Personas()
        users = {
            "resident": personas.resident,
            "agent": personas.agent,
            "manager": personas.manager,
            "administrator": personas.administrator,
        }
        cookies = {"anonymous": ""} | {
            who: bench.session_cookie(user) for who, user in users.items()
        }
        pages = [
            (name, who, url)
            for name, who, url in bench.page_urls(personas)
            if options["only"] in name
        ]
        sides = {"": settings.BASE_DIR}
        if options["before"]:
            sides = {"before": Path(options["before"]), **sides}
        servers = {side: self._serve(directory, options) for side, directory in sides.items()}
        # Each side's sessions as its own code makes them (the backend's path is in them).
        cookies_of = {
            side: cookies if not side else self._cookies_in(directory, users)
            for side, directory in sides.items()
        }
        rows = []
        try:
            from .loadtest import Command as LoadTest

            for side, (_server, host) in servers.items():
                LoadTest()._wait_for(host)
                self._check_logged_in(host, cookies_of[side])
            for name, who, url in pages:
                htmx = name in bench.LOADED_AFTER
                row = {"page": name, "persona": who}
                for side, (_server, host) in servers.items():
                    cookie, times = cookies_of[side][who], 2 * options["workers"]
                    self._warm_up(host + url, cookie, htmx=htmx, times=times)
                    page = self._wrk(host + url, cookie, options, htmx=htmx)
                    floor = self._wrk(host + bench.FLOOR_URL, cookie, options)
                    if side:
                        row[side] = {"page_figures": page, "floor": floor}
                    else:
                        row |= {"page_figures": page, "floor": floor}
                rows.append(row)
                self.stdout.write(self._line(row))
        finally:
            for server, _host in servers.values():
                server.terminate()
                server.wait(timeout=30)
        self._print(rows, options)
        if options["json_path"]:
            Path(options["json_path"]).write_text(json.dumps(rows, indent=2))

    @staticmethod
    def _cookies_in(directory: Path, users: dict) -> dict:
        """Logged-in sessions (past the second factor) made by the code in `directory`."""
        ids = {who: user.pk for who, user in users.items()}
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", SESSIONS_SCRIPT, json.dumps(ids)],
            cwd=directory,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise CommandError(f"no sessions from {directory}:\n{done.stderr[-2000:]}")
        return {"anonymous": ""} | json.loads(done.stdout.strip().splitlines()[-1])

    @staticmethod
    def _serve(directory: Path, options) -> tuple[subprocess.Popen, str]:
        """gunicorn serving the code in `directory` on a free port of loopback."""
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "minipilot.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", str(options["workers"]), "--log-level", "warning"],
            cwd=directory,
            env=os.environ.copy(),
        )
        return server, f"http://127.0.0.1:{port}"

    def _check_logged_in(self, host: str, cookies: dict) -> None:
        """Each persona's floor is their own logged-in page (a wrong cookie would measure the
        anonymous page)."""
        import requests
        from django.urls import reverse

        logout = reverse("account_logout")
        for who, cookie in cookies.items():
            if not cookie:
                continue
            page = requests.get(
                host + FLOOR_PAGE, cookies={"sessionid": cookie}, timeout=30, allow_redirects=False
            )
            if page.status_code != 200 or logout not in page.text:
                raise CommandError(f"the {who}'s session is not logged in ({page.status_code})")

    def _warm_up(self, url: str, cookie: str, *, htmx: bool, times: int) -> None:
        """A few requests first, so that every worker has loaded what the page needs (the
        embedding model for the idea mill) before it is timed."""
        import requests

        for _ in range(times):
            requests.get(
                url,
                cookies={"sessionid": cookie} if cookie else None,
                headers={"HX-Request": "true"} if htmx else None,
                timeout=120,
            )

    def _wrk(self, url: str, cookie: str, options, *, htmx: bool = False) -> dict:
        command = [
            "wrk", "--latency", "-t", "2", "-c", str(options["connections"]),
            "-d", f"{options['seconds']}s", "-H", "Accept-Language: en",
        ]  # fmt: skip
        if cookie:
            command += ["-H", f"Cookie: sessionid={cookie}"]
        if htmx:
            command += ["-H", "HX-Request: true"]
        done = subprocess.run(  # noqa: S603
            [*command, url], capture_output=True, text=True, check=False, timeout=600
        )
        return parse_wrk(done.stdout)

    @staticmethod
    def _share(row: dict) -> float:
        floor = row["floor"]["rps"]
        return row["page_figures"]["rps"] / floor if floor else 0.0

    def _line(self, row: dict) -> str:
        page, floor = row["page_figures"], row["floor"]
        before, errors = "", f"{page['errors']}"
        if "before" in row:
            old = row["before"]
            before = (
                f"{old['page_figures']['rps']:.1f} | {old['floor']['rps']:.1f} | "
                f"{self._share(old):.2f} | "
            )
            errors = f"{old['page_figures']['errors']} / {errors}"
        return (
            f"| {row['page']} | {row['persona']} | {before}{page['rps']:.1f} | "
            f"{page.get('p50_ms', 0):.1f} | "
            f"{page.get('p99_ms', 0):.1f} | {floor['rps']:.1f} | {floor.get('p50_ms', 0):.1f} | "
            f"{floor.get('p99_ms', 0):.1f} | {self._share(row):.2f} | "
            f"{'yes' if self._share(row) >= SHARE_TARGET else 'NO'} | {errors} |"
        )

    def _print(self, rows: list[dict], options) -> None:
        self.stdout.write("")
        self.stdout.write(
            f"Throughput, wrk {options['connections']} connections, {options['seconds']} s "
            f"per page and per floor, gunicorn with {options['workers']} workers:"
        )
        before = bool(rows) and "before" in rows[0]
        head = "| page | persona | "
        rule = "|---|---|"
        if before:
            head += "before: req/s | before: floor req/s | before: share | "
            rule += "---:|---:|---:|"
        self.stdout.write(
            head + "req/s | p50 ms | p99 ms | floor req/s | floor p50 | floor p99 "
            f"| share of floor | ≥ 0.5 | {'errors before / now' if before else 'errors'} |"
        )
        self.stdout.write(rule + "---:|---:|---:|---:|---:|---:|---:|---|---:|")
        for row in rows:
            self.stdout.write(self._line(row))
        if before:
            self._print_floors(rows)

    def _print_floors(self, rows: list[dict]) -> None:
        """Each persona's floor, before and now: the median of the floors measured beside
        its pages."""
        from statistics import median

        self.stdout.write("")
        self.stdout.write("| persona | floor before: req/s | floor now: req/s | now / before |")
        self.stdout.write("|---|---:|---:|---:|")
        for persona in dict.fromkeys(row["persona"] for row in rows):
            mine = [row for row in rows if row["persona"] == persona]
            old = median(row["before"]["floor"]["rps"] for row in mine)
            new = median(row["floor"]["rps"] for row in mine)
            ratio = new / old if old else 0.0
            self.stdout.write(f"| {persona} | {old:.1f} | {new:.1f} | {ratio:.2f} |")
