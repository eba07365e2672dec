"""`make loadtest` runs end to end at a small size: locust against gunicorn on loopback, then a
burst of submissions of which none may be lost (the full-size figures are in
docs/benchmarks.md)."""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings


@pytest.mark.needs_postgres
def test_make_loadtest_serves_the_mix_and_loses_no_submission():
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "loadtest",
            f"BENCH_DATABASE_URL={os.environ['DATABASE_URL']}",
            "LOADTEST_ARGS=--size 60 --districts 3 --users 8 --seconds 8 --burst 30 --workers 2",
        ],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = done.stdout
    assert done.returncode == 0, out[-3000:] + done.stderr[-3000:]
    assert re.search(r"\| Aggregated \| [1-9]\d* \| 0 \|", out), out[-2000:]
    assert "30 accepted, 30 saved, 0 refused, 0 errors" in out
    assert "- no errors: yes" in out
