"""The manager's district report and its PDF never name a private person nor show an email
(the privacy notice: reports contain no names, emails or phone numbers); organisations are
named, residents are shown by their kind."""

import pytest
from django.urls import reverse

from actors.models import Actor
from tests import factories


@pytest.fixture
def named_resident(db):
    return factories.UserFactory(email="riikka.asukas@example.org", full_name="Riikka Asukas")


def test_the_district_report_names_organisations_but_no_person(
    client, manager, make_idea, district, named_resident
):
    make_idea("approved", created_by=named_resident, title="Pihapelit")
    association = factories.ActorFactory(
        kind=Actor.Kind.ASSOCIATION, name="Iittalan kyläyhdistys", district=district
    )
    association.memberships.create(user=named_resident)
    make_idea("approved", created_by=named_resident, applicant=association, title="Kylätalo")
    client.force_login(manager)
    page = client.get(reverse("reports:district", args=[district.slug])).content.decode()
    assert "Pihapelit" in page and "Kylätalo" in page
    assert "Iittalan kyläyhdistys" in page
    assert "Riikka Asukas" not in page
    assert "riikka.asukas@example.org" not in page


@pytest.mark.needs_pdf
def test_the_pdf_names_no_person(client, manager, make_idea, district, named_resident):
    from io import BytesIO

    from pypdf import PdfReader

    make_idea("approved", created_by=named_resident, title="Pihapelit")
    client.force_login(manager)
    response = client.get(reverse("reports:district_pdf", args=[district.slug]))
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Pihapelit" in text
    assert "Riikka Asukas" not in text and "riikka.asukas" not in text
