"""`make throughput` runs end to end at a small size: wrk against gunicorn for every page of
`make bench` and its floor, each page answered without an error (the full-size figures are in
docs/benchmarks.md)."""

import json
import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from devtools.management.commands.throughput import parse_wrk

WRK_REPORT = """Running 3s test @ http://127.0.0.1:8000/en/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.50ms    3.10ms  40.00ms   80.00%
    Req/Sec   320.00     20.00   400.00     70.00%
  Latency Distribution
     50%   11.90ms
     75%   13.00ms
     90%   15.00ms
     99%    1.20s
  1920 requests in 3.00s, 20.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    640.00
Transfer/sec:      6.67MB
"""


def _make_throughput(args: str) -> subprocess.CompletedProcess:
    """`make throughput` as a person types it, on the test database's server."""
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "throughput",
            f"BENCH_DATABASE_URL={os.environ['DATABASE_URL']}",
            f"THROUGHPUT_ARGS={args}",
        ],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_the_report_of_wrk_is_read():
    figures = parse_wrk(WRK_REPORT)
    assert figures == {"rps": 640.0, "p50_ms": 11.9, "p99_ms": 1200.0, "errors": 3}


@pytest.mark.needs_postgres
def test_make_throughput_measures_every_page_beside_its_floor(tmp_path):
    out = tmp_path / "throughput.json"
    done = _make_throughput(f"--size 60 --districts 3 --seconds 1 --workers 2 --json {out}")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = json.loads(out.read_text())
    names = {row["page"] for row in rows}
    assert len(names) == len(rows) >= 15
    assert {"agent's idea mill", "district report", "open data JSON"} <= names
    for row in rows:
        assert row["page_figures"]["errors"] == 0, row
        assert row["floor"]["errors"] == 0, row
        assert row["page_figures"]["rps"] > 0 and row["floor"]["rps"] > 0, row
    assert "share of floor" in done.stdout


@pytest.mark.needs_postgres
def test_an_earlier_checkout_is_measured_beside_this_one(tmp_path):
    """`--before DIR` serves another checkout (here this one again) on the same data: each
    page and floor on both in turn, and the floors of both side by side."""
    out = tmp_path / "throughput.json"
    args = f"--size 60 --districts 3 --seconds 1 --workers 1 --only showcase --json {out}"
    done = _make_throughput(f"{args} --before {settings.BASE_DIR}")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [row] = json.loads(out.read_text())
    assert row["page"] == "showcase"
    for side in (row, row["before"]):
        assert side["page_figures"]["errors"] == 0 and side["page_figures"]["rps"] > 0, row
        assert side["floor"]["errors"] == 0 and side["floor"]["rps"] > 0, row
    assert "before: share" in done.stdout
    assert "| anonymous |" in done.stdout.split("floor now: req/s")[1]


def test_a_directory_that_is_no_checkout_is_refused(tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="not a checkout"):
        call_command("throughput", "--before", str(tmp_path))
