"""`make bench` runs end to end at a small size and prints its table (the full-size figures
are in docs/benchmarks.md)."""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from devtools.management.commands.bench import combine_rounds

ROOT = Path(settings.BASE_DIR)


def test_make_bench_finishes_and_prints_its_table(tmp_path):
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres"):
        database = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "bench",
            f"BENCH_DATABASE_URL={database}",
            "BENCH_ARGS=--sizes 40,80 --districts 3 --repeat 3 --due 10 --rounds 2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "## 40 pilots in 3 districts" in out and "## 80 pilots in 3 districts" in out
    for page in (
        "agent queue",
        "district report",
        "comparison",
        "idea submission (POST)",
        "similar pilots while typing (POST)",
    ):
        assert re.search(rf"\| {re.escape(page)} \| \w+ \| [\d.]+ \| [\d.]+ \| \d+ \|", out), page
    assert "reminder sweep, 10 due" in out
    # The second round measures the larger size first, then the smaller.
    assert out.index("round 2: 80 pilots") < out.index("round 2: 40 pilots")
    assert re.search(r"Targets not met: \d+", out)


def _page(p95: float, floor: float) -> dict:
    return {
        "name": "page",
        "p50_ms": p95 / 2,
        "p95_ms": p95,
        "floor_p95_ms": floor,
        "ratio": p95 / floor,
    }


def test_the_rounds_combine_into_medians_and_a_ratio_of_sizes_measured_side_by_side():
    # A machine slow in the second round slows both sizes: the ratios of the rounds are 1.2,
    # 1.2 and 1.5 (geometric mean 1.29), the ratio of the medians would be 1.5.
    rounds = {
        1000: [[_page(2.0, 2.0)], [_page(4.0, 4.0)], [_page(2.0, 2.0)]],
        100000: [[_page(2.4, 2.0)], [_page(4.8, 4.0)], [_page(3.0, 2.0)]],
    }
    figures = {size: {"pages": [dict(measured[0][0])]} for size, measured in rounds.items()}
    ratios = combine_rounds(figures, rounds)
    assert ratios == {"page": pytest.approx((1.2 * 1.2 * 1.5) ** (1 / 3))}
    assert figures[100000]["pages"][0]["p95_ms"] == 3.0
    assert figures[100000]["pages"][0]["rounds_p95_ms"] == [2.4, 4.8, 3.0]
    assert figures[1000]["pages"][0]["ratio"] == 1.0
