"""The privacy notice and the accessibility statement, one text per language, open to all."""

import pytest
from django.urls import reverse

HEADINGS = {
    "privacy": {
        "fi": "Tietosuojaseloste",
        "sv": "Dataskyddsbeskrivning",
        "en": "Privacy notice",
    },
    "accessibility": {
        "fi": "Saavutettavuusseloste",
        "sv": "Tillgänglighetsutlåtande",
        "en": "Accessibility statement",
    },
}
PREFIX = {"fi": "", "sv": "/sv", "en": "/en"}


@pytest.fixture(autouse=True)
def _finnish_default(settings):
    settings.LANGUAGE_CODE = "fi"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("page", ["privacy", "accessibility"])
def test_each_page_in_each_language(client, db, page, language):
    response = client.get(f"{PREFIX[language]}/{page}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{HEADINGS[page][language]}</h1>" in html
    for other, heading in HEADINGS[page].items():
        if other != language:
            assert f"<h1>{heading}</h1>" not in html


def test_the_addresses(db):
    assert reverse("privacy") == "/privacy/"
    assert reverse("accessibility") == "/accessibility/"


def test_a_logged_in_resident_reads_them_too(client, resident):
    client.force_login(resident)
    assert client.get("/en/privacy/").status_code == 200
    assert client.get("/en/accessibility/").status_code == 200


def test_the_privacy_notice_says_what_the_law_asks(client, db, settings):
    settings.DRAFT_RETENTION_DAYS = 400
    page = client.get("/en/privacy/").content.decode()
    for must in (
        "Controller",
        "tietosuoja@hameenlinna.fi",
        "6(1)(e)",
        "consent",
        "outside the EU",
        "400 days",
        reverse("actors:data_export"),
        reverse("actors:data_delete"),
        "Data Protection Ombudsman",
        "Cookies",
    ):
        assert must in page, must


def test_the_accessibility_statement_says_what_the_law_asks(client, db):
    page = client.get("/accessibility/").content.decode()
    for must in ("306/2019", "WCAG 2.1", "osittain", "axe-core", "14 päivän", "Traficom"):
        assert must in page, must


def test_the_footer_links_both_and_the_email_step_links_the_notice(client, db):
    home = client.get("/").content.decode()
    assert 'href="/privacy/"' in home and 'href="/accessibility/"' in home
    session = client.session
    session["pending_idea"] = {"title": ["x"]}
    session.save()
    finish = client.get(reverse("grants:idea_finish")).content.decode()
    assert finish.count('href="/privacy/"') == 2  # the footer's and the email step's
