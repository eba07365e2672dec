"""The rooms of the project and their one-way arrows (docs/architecture.md):

    devtools → reports → grants → actors → audit → common

A module may import the apps to its right, never those to its left. `minipilot/` (settings, URLs,
the Celery app, WSGI) names product apps only as strings (URL includes, settings), except its
settings, which are read by Django, not imported by the apps. Every import counts, also one inside
a function: a late import hides an arrow, it does not remove it. The one exception is a task named
to be enqueued (the module that sends it imports the tasks module of its own app)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["devtools", "reports", "grants", "actors", "audit", "common"]
PRODUCT_APPS = {"reports", "grants", "actors", "audit"}


def _modules():
    for top in [*LAYERS, "minipilot"]:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every module this file imports (absolute names), with the line."""
    name = _module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            # `from grants import views` names the module grants.views.
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _violations() -> list[str]:
    found = []
    for path in _modules():
        own = path.relative_to(ROOT).parts[0]
        for target, line in _imports(path):
            top = target.split(".")[0]
            if top == own or top not in [*LAYERS, "minipilot"]:
                continue
            where = f"{path.relative_to(ROOT)}:{line} imports {target}"
            if own == "minipilot":
                if top in PRODUCT_APPS or top == "devtools":
                    found.append(where)
            elif top == "minipilot":
                # The tools stand above it all (the benchmark serves the app's URLs); of the
                # rest, only the Celery app may be named (the health check asks its broker).
                if own != "devtools" and target not in {"minipilot", "minipilot.celery"}:
                    found.append(where)
            elif LAYERS.index(top) < LAYERS.index(own):
                found.append(where)
    return found


def test_no_module_imports_a_room_above_its_own():
    assert _violations() == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The walk would catch the kind of arrow it forbids (a check that cannot fail is no check)."""
    probe = ROOT / "actors" / "_probe_upward_import.py"
    probe.write_text("def f():\n    from grants.models import Idea\n    return Idea\n")
    try:
        assert any("_probe_upward_import" in line for line in _violations())
    finally:
        probe.unlink()


@pytest.mark.parametrize("room", LAYERS)
def test_each_room_exists(room):
    assert (ROOT / room / "__init__.py").exists()


def test_minipilot_holds_only_settings_urls_celery_wsgi_and_cross_cutting_parts():
    allowed = {
        "__init__.py",
        "celery.py",
        "wsgi.py",
        "urls.py",
        "health.py",
        "middleware.py",
        "observability.py",
    }
    files = {path.name for path in (ROOT / "minipilot").glob("*.py")}
    assert files <= allowed, files - allowed
    assert {path.name for path in (ROOT / "minipilot").iterdir() if path.is_dir()} <= {
        "settings",
        "formats",
        "__pycache__",
    }


def test_no_product_app_imports_a_librarys_internal_module():
    internal = []
    for path in _modules():
        for target, line in _imports(path):
            if ".internal" in target and target.split(".")[0] in {"allauth", "django"}:
                internal.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert internal == []
