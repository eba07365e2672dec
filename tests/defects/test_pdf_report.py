"""The district report's PDF: a tagged PDF/UA document with its charts and a status in every
row of the pilots' table (the status was empty and the charts missing)."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

pytestmark = pytest.mark.needs_pdf


def _pdf(client, manager, district):
    client.force_login(manager)
    response = client.get(reverse("reports:district_pdf", args=[district.slug]))
    assert response.status_code == 200
    return PdfReader(BytesIO(response.content))


def test_the_pdf_is_tagged_pdf_ua_with_a_language(client, manager, make_idea, district):
    make_idea("approved", title="Pihapelit")
    reader = _pdf(client, manager, district)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"]
    metadata = root["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in metadata


def test_every_pilot_row_has_its_status(client, manager, make_idea, district):
    make_idea("approved", title="Pihapelit")
    make_idea("closed", title="Kirpputori")
    text = "".join(page.extract_text() for page in _pdf(client, manager, district).pages)
    rows = [line for line in text.splitlines() if line.endswith("€")]
    assert any(row.startswith("Pihapelit") and "Approved" in row for row in rows), rows
    assert any(row.startswith("Kirpputori") and "Closed" in row for row in rows), rows


def test_the_charts_are_drawn(client, manager, make_idea, district):
    make_idea("closed", title="Kirpputori")
    reader = _pdf(client, manager, district)
    drawn = b"".join(page.get_contents().get_data() for page in reader.pages)
    # The bars are filled rectangles in the charts' blue (#0a58ca).
    assert drawn.count(b" re") > 10
    assert b"0.039" in drawn or b"0.04 0.345" in drawn or b"0.0392157" in drawn
