"""`manage.py bench --sizes 1000,100000`: the benchmark table of docs/benchmarks.md.

For each size it uses its own database (made and seeded with seed_scale on first use, reused
after), measures every page in a separate process under minipilot.settings.bench, and prints the
figures with the ratio to the floor, the ratio between the largest and the smallest size and
whether each target is met.
"""

import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.bench import MILL_IN_A_ROUND_OPENING

BENCH_SETTINGS = "minipilot.settings.bench"
SIZE_RATIO_TARGET = 1.5
FLOOR_RATIO_TARGET = 5.0
REPORT_TARGET_MS = 300.0
SWEEP_TARGET_MS = 5000.0
MEMORY_TARGET_MB = 100.0
FLOOR_PAGES = {
    "agent queue",
    "agent queue, filtered",
    "agent's idea page",
    "agent's idea mill",
    MILL_IN_A_ROUND_OPENING,
}
# Pages whose query count depends on what is found (shared rare words, pilots with lessons,
# partners), not on the data's size.
FOUND_DEPENDENT_PAGES = {
    "agent's idea mill",
    MILL_IN_A_ROUND_OPENING,
    "similar pilots while typing (POST)",
}
REPORT_PAGES = {"district report", "comparison"}


def database_url_for(base: str, size: int) -> str:
    """The benchmark database of one size beside the configured one."""
    parts = urlsplit(base)
    if parts.scheme.startswith("postgres"):
        name = parts.path.lstrip("/") or "minipilot"
        return urlunsplit(parts._replace(path=f"/{name}_bench_{size}"))
    if parts.scheme == "sqlite":
        path = Path(parts.path[1:] if parts.path.startswith("//") else parts.path.lstrip("/"))
        folder = path.parent if parts.path else Path(settings.BASE_DIR)
        return f"sqlite:///{(folder / f'bench_{size}.sqlite3').resolve()}"
    raise CommandError(f"Unsupported database for benchmarks: {parts.scheme}")


def _create_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg.connect(server, autocommit=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


# The idea form's "learn before you try" request, its query's embedding included.
SIMILAR_PAGE = "similar pilots while typing (POST)"
SIMILAR_TARGET_MS = 150


class Command(BaseCommand):
    help = "Measure every page at each data size and print the benchmark table."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="1000,100000", help="Pilots, comma separated.")
        parser.add_argument("--districts", type=int, default=50)
        parser.add_argument("--repeat", type=int, default=30, help="Requests per page.")
        parser.add_argument("--due", type=int, default=1000, help="Rows due for the sweep.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--rounds",
            type=int,
            default=4,
            help="Rounds of the pages, the sizes in turn (in reverse order every other round).",
        )
        parser.add_argument("--json", dest="json_path", help="Also write the figures here.")
        # Steps run in the process of one size (with its DATABASE_URL).
        parser.add_argument("--prepare", type=int, help=argparse_hidden())
        parser.add_argument("--measure", help=argparse_hidden())
        parser.add_argument("--pages-only", action="store_true", help=argparse_hidden())

    def handle(self, *args, **options):
        if options["prepare"]:
            return self._prepare(options["prepare"], options["districts"], options["seed"])
        if options["measure"]:
            return self._measure(
                options["measure"], options["repeat"], options["due"], options["pages_only"]
            )
        sizes = sorted(int(size) for size in options["sizes"].split(",") if size.strip())
        if not sizes or min(sizes) < 10:
            raise CommandError("--sizes needs sizes of at least 10 pilots.")
        base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
        base = base or f"sqlite:///{Path(settings.BASE_DIR) / 'db.sqlite3'}"
        if options["rounds"] < 1:
            raise CommandError("--rounds needs at least 1.")
        urls = {size: database_url_for(base, size) for size in sizes}
        figures, rounds = {}, {size: [] for size in sizes}
        for size in sizes:
            self.stdout.write(f"{size} pilots on {urlsplit(urls[size]).scheme} …")
            figures[size] = self._run_size(urls[size], size, options)
            rounds[size].append(copy.deepcopy(figures[size]["pages"]))
        # The pages again, the sizes in turn, so that each size's figures are measured beside
        # the other's: a machine slower for a few minutes moves both alike.
        for number in range(1, options["rounds"]):
            for size in sizes if number % 2 == 0 else sizes[::-1]:
                self.stdout.write(f"round {number + 1}: {size} pilots …")
                rounds[size].append(self._measure_pages(urls[size], options)["pages"])
        size_ratios = combine_rounds(figures, rounds)
        self._print(figures, size_ratios)
        if options["json_path"]:
            Path(options["json_path"]).write_text(
                json.dumps({**figures, "size_ratios": size_ratios}, indent=2, default=str)
            )

    def _measure_pages(self, url: str, options) -> dict:
        return _measured_in_its_process(
            url, ["--repeat", str(options["repeat"]), "--pages-only"], before=[]
        )

    def _run_size(self, url: str, size: int, options) -> dict:
        if url.startswith("postgres"):
            _create_postgres_database(url)
        before = [
            ["migrate", "--noinput", "-v0"],
            ["bench", "--prepare", str(size), "--districts", str(options["districts"])]
            + ["--seed", str(options["seed"])],
        ]
        measure = ["--repeat", str(options["repeat"]), "--due", str(options["due"])]
        return _measured_in_its_process(url, measure, before=before)

    def _prepare(self, size: int, districts: int, seed: int) -> None:
        from actors.models import District
        from devtools import scale
        from grants.models import Idea

        if Idea.objects.count() == size and District.objects.count() == districts:
            self.stdout.write(f"  reusing the seeded {size} pilots")
            # The planner's statistics as autovacuum keeps them: a migration since the seeding
            # may have added columns it knows nothing of yet.
            from django.db import connection

            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            return
        self.stdout.write(f"  seeding {size} pilots in {districts} districts")
        scale.flush_domain_data()
        scale.seed(pilots=size, districts=districts, seed=seed)

    def _measure(self, path: str, repeat: int, due: int, pages_only: bool) -> None:
        from devtools import bench

        if settings.ROOT_URLCONF != "devtools.bench_urls":
            raise CommandError(f"Run with DJANGO_SETTINGS_MODULE={BENCH_SETTINGS}.")
        figures = bench.measure(repeat=repeat, due=due, pages_only=pages_only)
        Path(path).write_text(json.dumps(figures, default=str))

    def _print(self, figures: dict, size_ratios: dict[str, float]) -> None:
        write = self.stdout.write
        sizes = sorted(figures)
        for size in sizes:
            data = figures[size]
            write("")
            write(f"## {data['pilots']} pilots in {data['districts']} districts")
            write("")
            write("| Page | As | p50 ms | p95 ms | Queries | Floor p95 ms | × floor |")
            write("|---|---|---:|---:|---:|---:|---:|")
            for page in data["pages"]:
                write(
                    f"| {page['name']} | {page['persona']} | {page['p50_ms']:.1f} "
                    f"| {page['p95_ms']:.1f} | {page['queries']} | {page['floor_p95_ms']:.1f} "
                    f"| {page['ratio']:.1f} |"
                )
            sweep = data["sweep"]
            write(
                f"| reminder sweep, {sweep['due']} due | system | {sweep['p50_ms']:.1f} "
                f"| {sweep['p95_ms']:.1f} | {sweep['queries']} | | |"
            )
            refresh = data["figures_refresh"]
            write(
                f"| report figures refresh, everything (nightly), {refresh['rows']} rows "
                f"| system | {refresh['ms']:.0f} | | | | |"
            )
            terms = data["term_stats_refresh"]
            write(
                f"| search term statistics refresh, everything (nightly), {terms['rows']} terms "
                f"| system | {terms['ms']:.0f} | | | | |"
            )
            refresh = data["figures_refresh_changed"]
            write(
                f"| report figures refresh after a small change, {refresh['rows']} rows "
                f"| system | {refresh['ms']:.0f} | | | | |"
            )
            terms = data["term_stats_refresh_changed"]
            write(
                f"| search term statistics refresh after a small change, {terms['rows']} terms "
                f"| system | {terms['ms']:.0f} | | | | |"
            )
            for name, memory in data["memory"].items():
                write(
                    f"| {name}: {memory['bytes'] / 1e6:.1f} MB streamed "
                    f"| peak memory {memory['peak_mb']:.1f} MB | | | | | |"
                )
            meaning = data["meaning"]
            write(
                f"| vectors of similar pilots held: {meaning['vectors']} "
                f"| {meaning['index_mb']:.1f} MB, "
                f"process peak {meaning['process_peak_rss_mb']:.0f} MB "
                "| | | | | |"
            )
        if len(sizes) < 2:
            return
        small, large = figures[sizes[0]], figures[sizes[-1]]
        write("")
        write(f"## Targets: {large['pilots']} against {small['pilots']} pilots")
        write("")
        write("| Page | p95 ratio | Queries | × floor | Target met |")
        write("|---|---:|---|---:|---|")
        failures = 0
        for before, after in zip(small["pages"], large["pages"], strict=True):
            size_ratio = size_ratios[after["name"]]
            checks = [size_ratio <= SIZE_RATIO_TARGET]
            if after["name"] not in FOUND_DEPENDENT_PAGES:
                checks.append(after["queries"] == before["queries"])
            if after["name"] in FLOOR_PAGES:
                checks.append(after["ratio"] <= FLOOR_RATIO_TARGET)
            if after["name"] in REPORT_PAGES:
                checks.append(after["p95_ms"] < REPORT_TARGET_MS)
            met = all(checks)
            failures += not met
            write(
                f"| {after['name']} | {size_ratio:.2f} | {before['queries']} → "
                f"{after['queries']} | {after['ratio']:.1f} | {'yes' if met else 'NO'} |"
            )
        sweep = large["sweep"]
        met = sweep["p95_ms"] < SWEEP_TARGET_MS
        failures += not met
        write(
            f"| reminder sweep, {sweep['due']} due of {large['pilots']} | "
            f"{sweep['p95_ms']:.0f} ms | {sweep['queries']} | | {'yes' if met else 'NO'} |"
        )
        panel = next(page for page in large["pages"] if page["name"] == SIMILAR_PAGE)
        met = panel["p95_ms"] <= SIMILAR_TARGET_MS
        failures += not met
        write(
            f"| similar pilots while typing, p95 at {large['pilots']} | {panel['p95_ms']:.0f} ms "
            f"| | | {'yes' if met else 'NO'} |"
        )
        for name, memory in large["memory"].items():
            met = memory["peak_mb"] < MEMORY_TARGET_MB
            failures += not met
            write(f"| {name} | {memory['peak_mb']:.1f} MB peak | | | {'yes' if met else 'NO'} |")
        write("")
        write(f"Targets not met: {failures}")


def _measured_in_its_process(url: str, measure: list[str], *, before: list[list[str]]) -> dict:
    """`manage.py bench --measure` (after the steps `before`) in a process of its own on the
    database `url`; its figures."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS}
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        for step in [*before, ["bench", "--measure", out.name, *measure]]:
            done = subprocess.run(manage + step, env=env, check=False)  # noqa: S603
            if done.returncode:
                raise CommandError(f"bench step failed: {' '.join(step)}")
        return json.loads(Path(out.name).read_text())


def combine_rounds(figures: dict, rounds: dict[int, list[list[dict]]]) -> dict[str, float]:
    """Each size's pages as the medians of its rounds (`figures` updated in place), and each
    page's p95 at the largest size over the smallest as the geometric mean of the rounds'
    ratios (the two sizes of a round measured one after the other; whichever goes first is
    measured slower, so an even number of rounds, each order as often, cancels it)."""
    for size, measured in rounds.items():
        for number, page in enumerate(figures[size]["pages"]):
            of_page = [pages[number] for pages in measured]
            for field in ("p50_ms", "p95_ms", "floor_p95_ms"):
                page[field] = statistics.median(other[field] for other in of_page)
            page["ratio"] = statistics.median(other["ratio"] for other in of_page)
            page["rounds_p95_ms"] = [other["p95_ms"] for other in of_page]
    small, large = min(rounds), max(rounds)
    ratios = {}
    for number, page in enumerate(figures[large]["pages"]):
        pairs = zip(
            (pages[number]["p95_ms"] for pages in rounds[small]),
            (pages[number]["p95_ms"] for pages in rounds[large]),
            strict=True,
        )
        ratios[page["name"]] = statistics.geometric_mean(after / before for before, after in pairs)
    return ratios


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
