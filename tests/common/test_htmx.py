"""htmx requests are told by django-htmx (`request.htmx`, its responses): no view reads or
writes htmx's headers by hand; the one name of a header left is the one `Vary` needs."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Where the app's own code is (tests and the load generators send the header as htmx does).
SOURCES = ["actors", "audit", "common", "grants", "minipilot", "reports", "templates"]


def test_no_htmx_header_is_handled_by_hand():
    found = []
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".html", ".txt"} or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            for marker in ("HX-Request", "HX-Redirect", "HTTP_HX_"):
                if marker in text:
                    found.append((str(path.relative_to(ROOT)), marker))
    assert found == [("common/htmx.py", "HX-Request")]
