import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

pytestmark = pytest.mark.needs_pdf


def test_the_district_report_is_a_real_pdf_with_the_district_in_its_text(
    client, manager, make_idea, district
):
    make_idea("closed", title="Elämänkaarikahvila")
    client.force_login(manager)
    response = client.get(reverse("reports:district_pdf", args=[district.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Iittala" in text
    assert "Elämänkaarikahvila" in text


def test_the_pdf_is_in_the_readers_language(client, manager, district, settings):
    settings.LANGUAGE_CODE = "fi"
    manager.language = "fi"
    manager.save()
    client.force_login(manager)
    response = client.get(f"/reports/{district.slug}/report.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Mitä Iittala oppi" in text


def test_residents_get_no_pdf(client, resident, district):
    url = reverse("reports:district_pdf", args=[district.slug])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(resident)
    assert client.get(url).status_code == 403
