"""With thousands grouped for readers (1 000,00 €), a number that is an id or a page in markup
must stay plain: an idea 1234 ticked in the queue would otherwise post "1 234"."""

import re
from pathlib import Path

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import timezone, translation

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PRINTED_ID = re.compile(r"\{\{\s*[\w.]+(?:\.pk|\.id|_id|page_number(?:\|add:-?\d+)?)\s*\}\}")
# Names that hold text, not numbers (a form field's id, an element's id, a business id).
TEXT_IDS = ("auto_id", "attrs.id", "business_id")


def test_no_template_prints_an_id_or_page_number_localised():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in PRINTED_ID.finditer(path.read_text())
        if not any(name in match.group(0) for name in TEXT_IDS)
    ]
    assert found == []


def test_a_large_id_in_the_queue_is_posted_as_it_is(settings, make_idea):
    settings.USE_THOUSAND_SEPARATOR = True
    idea = make_idea("submitted")
    idea.pk = 12345  # in memory only: an idea of a large programme
    page = Paginator([idea], 25).get_page(1)
    with translation.override("fi"):
        html = render_to_string(
            "grants/partials/queue.html",
            {"page": page, "user_is_agent": True, "now": timezone.now()},
        )
    assert 'value="12345"' in html and 'id="select-12345"' in html
