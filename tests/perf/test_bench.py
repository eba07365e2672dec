"""`make bench` runs end to end at a small size and prints its table (the full-size figures
are in docs/benchmarks.md)."""

import os
import re
import subprocess
from pathlib import Path

from django.conf import settings

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
            "BENCH_ARGS=--sizes 40,80 --districts 3 --repeat 3 --due 10",
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
    assert re.search(r"Targets not met: \d+", out)
