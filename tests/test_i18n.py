"""Finnish first with no prefix, Swedish and English under /sv/ and /en/, all complete."""

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.mark.parametrize(("prefix", "lang"), [("", "fi"), ("/sv", "sv"), ("/en", "en")])
def test_pages_set_html_lang(client, db, prefix, lang, settings):
    settings.LANGUAGE_CODE = "fi"
    response = client.get(f"{prefix}/")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.content.decode()


def test_finnish_is_the_default(client, db, settings):
    settings.LANGUAGE_CODE = "fi"
    page = client.get("/").content.decode()
    assert "Ehdota" in page  # "Propose a pilot" in Finnish


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_translations_are_complete_and_compiled(language):
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    compiled = {
        entry.msgid: entry.msgstr for entry in polib.mofile(str(po_path.with_suffix(".mo")))
    }
    stale = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if not entry.msgid_plural and compiled.get(entry.msgid) != entry.msgstr
    ]
    assert stale == [], "run `make messages` to compile the translations"


SOURCE_STRINGS = [
    (re.compile(r"""{% (?:translate|trans) "([^"]+)"""), "templates", "*.html"),
    (re.compile(r"""{% (?:translate|trans) "([^"]+)"""), "templates", "*.txt"),
    (re.compile(r"""\b_\("([^"\\]+)"\)"""), ".", "*.py"),
]


def test_every_simple_string_is_in_the_catalogue():
    """A string added to the code but not extracted would show in English on a Finnish page."""
    root = LOCALE.parent
    known = {
        entry.msgid for entry in polib.pofile(str(LOCALE / "fi" / "LC_MESSAGES" / "django.po"))
    }
    missing = set()
    for pattern, folder, glob in SOURCE_STRINGS:
        for path in (root / folder).rglob(glob):
            if any(part in {".venv", "tests", "migrations", "staticfiles"} for part in path.parts):
                continue
            for msgid in pattern.findall(path.read_text(encoding="utf-8")):
                if msgid not in known:
                    missing.add((str(path.relative_to(root)), msgid))
    assert sorted(missing) == [], "run makemessages and translate the new strings"
