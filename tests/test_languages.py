"""The reader's language, as real users found it wanting on the demo.

The address decides the language of a page, the profile the language of a person's emails; error
pages and allauth's emails are the site's own, in the reader's language; money and dates are
written as in Finland in each language; Swedish and Finnish use the public sector's own words.
"""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.conf.urls.i18n import i18n_patterns
from django.core import mail
from django.template import Context, Template
from django.urls import path
from django.utils import timezone, translation

from actors.models import User
from grants.models import Round

LOCALE = Path(__file__).resolve().parent.parent / "locale"
NBSP = "\N{NO-BREAK SPACE}"


@pytest.fixture
def finnish_resident(resident, settings):
    """Finnish is the unprefixed default, as on the demo; the person chose Finnish."""
    settings.LANGUAGE_CODE = "fi"
    User.objects.filter(pk=resident.pk).update(language="fi")
    resident.refresh_from_db()
    return resident


# 14. The address decides the page; the profile decides the emails.


@pytest.mark.parametrize(
    ("prefix", "lang", "heading"),
    [("/sv", "sv", "Mina minipiloter"), ("/en", "en", "My pilots"), ("", "fi", "Omat minipilotit")],
)
def test_a_logged_in_person_gets_the_language_of_the_address(
    client, finnish_resident, prefix, lang, heading
):
    client.force_login(finnish_resident)
    response = client.get(f"{prefix}/my/")
    assert response.status_code == 200  # not sent to the Finnish page
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    assert f"<h1>{heading}</h1>" in page


def test_an_email_keeps_the_profiles_language_whatever_the_page(
    client, finnish_resident, make_idea, django_capture_on_commit_callbacks
):
    idea = make_idea("draft", created_by=finnish_resident)
    client.force_login(finnish_resident)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/sv/ideas/{idea.pk}/submit/", follow=True)
    page = response.content.decode()
    assert '<html lang="sv">' in page and "Tack! Din idé har skickats" in page
    receipt = next(message for message in mail.outbox if message.to == [finnish_resident.email])
    assert receipt.subject.startswith("Saimme ideasi")
    assert f"/ideas/{idea.pk}/" in receipt.body and "/sv/" not in receipt.body


# 15. Error pages in the site's layout, in the reader's language.


@pytest.mark.parametrize(
    ("prefix", "lang", "heading", "nav"),
    [
        ("/sv", "sv", "Sidan hittades inte", "Föreslå en minipilot"),
        ("/en", "en", "Page not found", "Propose a pilot"),
        ("", "fi", "Sivua ei löytynyt", "Ehdota minipilottia"),
    ],
)
def test_page_not_found_in_the_layout_and_the_readers_language(
    client, db, settings, prefix, lang, heading, nav
):
    settings.DEBUG = False
    settings.LANGUAGE_CODE = "fi"
    response = client.get(f"{prefix}/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert nav in page and 'class="navbar' in page and "language-switch" in page


@pytest.mark.parametrize(
    ("prefix", "lang", "heading", "nav"),
    [
        ("/sv", "sv", "Du kan inte öppna den här sidan", "Mina minipiloter"),
        ("/en", "en", "You cannot open this page", "My pilots"),
        ("", "fi", "Et voi avata tätä sivua", "Omat minipilotit"),
    ],
)
def test_forbidden_in_the_layout_and_the_readers_language(
    client, finnish_resident, settings, prefix, lang, heading, nav
):
    settings.DEBUG = False
    client.force_login(finnish_resident)
    response = client.get(f"{prefix}/agent/")  # a resident is not a resident agent
    assert response.status_code == 403
    page = response.content.decode()
    assert "403 Forbidden" not in page
    assert f'<html lang="{lang}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert nav in page  # the logged-in person's own menu


def _crash(request):
    raise RuntimeError("a page that fails")


# The URLs of the server-error test (pytest.mark.urls): a page that fails, and nothing else, so
# the error page cannot lean on the site's URLs.
urlpatterns = i18n_patterns(path("crash/", _crash), prefix_default_language=False)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("prefix", "lang", "heading"),
    [
        ("/sv", "sv", "Något gick fel"),
        ("/en", "en", "Something went wrong"),
        ("", "fi", "Jokin meni vikaan"),
    ],
)
def test_server_error_in_the_readers_language_without_the_sites_urls(
    client, db, settings, prefix, lang, heading
):
    settings.DEBUG = False
    settings.LANGUAGE_CODE = "fi"
    client.raise_request_exception = False
    response = client.get(f"{prefix}/crash/")
    assert response.status_code == 500
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page and f"<h1>{heading}</h1>" in page
    assert f'href="{prefix}/"' in page  # the front page in the same language


# 15. allauth's emails: named Minipilot, in the language of the person's profile.


@pytest.mark.parametrize(
    ("page", "profile", "subject", "sentence"),
    [
        ("/sv", "fi", "Minipilotin kirjautumiskoodisi", "Kirjautumiskoodisi on alla."),
        ("", "sv", "Din inloggningskod till Minipilot", "Här nedan finns din inloggningskod."),
        ("/sv", "en", "Your Minipilot login code", "Your login code is below."),
    ],
)
def test_the_login_code_email_is_minipilots_in_the_persons_language(
    client, resident, settings, page, profile, subject, sentence
):
    settings.LANGUAGE_CODE = "fi"
    settings.SITE_URL = "https://minipilot.example.fi"
    User.objects.filter(pk=resident.pk).update(language=profile)
    mail.outbox.clear()
    client.post(f"{page}/accounts/login/code/", {"email": resident.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == subject
    assert sentence in message.body
    assert "Minipilot" in message.body
    # allauth named the site by the request's host: "[testserver] ...", "Terve palvelusta ...".
    for host_as_name in ("testserver", "[", "Hello from", "Terve palvelusta", "Hej från"):
        assert host_as_name not in message.subject + message.body
    name, home = {
        "fi": ("Minipilotti", "/"),
        "sv": ("Minipilot", "/sv/"),
        "en": ("Minipilot", "/en/"),
    }[profile]
    assert message.body.rstrip().endswith(f"{name}: https://minipilot.example.fi{home}")


def test_the_password_reset_email_links_to_the_page_in_the_persons_language(
    client, finnish_resident
):
    mail.outbox.clear()
    client.post("/en/accounts/password/reset/", {"email": finnish_resident.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Uusi salasana Minipilottiin"
    assert "Joku, luultavasti sinä" in message.body
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body).group(0)
    assert "/en/" not in link and "/sv/" not in link
    assert client.get(link, follow=True).status_code == 200


def test_signing_up_on_a_swedish_page_chooses_swedish_emails(client, db, settings):
    settings.LANGUAGE_CODE = "fi"
    client.post(
        "/sv/accounts/signup/",
        {
            "email": "ny@example.org",
            "password1": "ett-långt-lösen-42",
            "password2": "ett-långt-lösen-42",
        },
    )
    assert User.objects.get(email="ny@example.org").language == "sv"
    confirmation = next(message for message in mail.outbox if message.to == ["ny@example.org"])
    assert confirmation.subject == "Minipilot: bekräfta din e-postadress"
    assert "/sv/accounts/confirm-email/" in confirmation.body


# 16. Money and dates as they are written in Finland, in each language.

MONEY_AND_DATES = (
    "{{ amount }} € | {{ total|floatformat:2 }} € | "
    '{{ moment|date:"SHORT_DATETIME_FORMAT" }} | {{ day|date:"SHORT_DATE_FORMAT" }}'
)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fi", f"1{NBSP}000,00 € | 60{NBSP}000,00 € | 1.12.2026 klo 23.32 | 1.12.2026"),
        ("sv", f"1{NBSP}000,00 € | 60{NBSP}000,00 € | 1.12.2026 kl. 23.32 | 1.12.2026"),
        ("en", "1,000.00 € | 60,000.00 € | 1 Dec 2026, 23:32 | 1 Dec 2026"),
    ],
)
def test_money_and_dates_in_each_language(lang, expected):
    moment = timezone.make_aware(datetime.datetime(2026, 12, 1, 23, 32))
    context = Context(
        {"amount": Decimal("1000.00"), "total": 60000.0, "moment": moment, "day": moment.date()}
    )
    with translation.override(lang):
        assert Template(MONEY_AND_DATES).render(context) == expected


@pytest.mark.parametrize(
    ("lang", "expected"), [("fi", f"1{NBSP}000,00{NBSP}€"), ("en", f"1,000.00{NBSP}€")]
)
def test_euros_keeps_the_sign_with_its_number(lang, expected):
    with translation.override(lang):
        rendered = Template("{% load money %}{{ amount|euros }}").render(
            Context({"amount": Decimal("1000")})
        )
    assert rendered == expected


def test_euros_rounds_to_the_cent_and_leaves_nothing_empty():
    with translation.override("fi"):
        template = Template("{% load money %}[{{ a|euros }}][{{ b|euros }}][{{ c|euros }}]")
        rendered = template.render(Context({"a": 1234.565, "b": None, "c": Decimal("0.5")}))
    assert rendered == f"[1{NBSP}234,57{NBSP}€][][0,50{NBSP}€]"


@pytest.mark.parametrize(
    ("prefix", "closes", "amount"),
    [
        ("/sv", "öppen till 31.12.2026", f"1{NBSP}000,00 €"),
        ("/en", "open until 31 Dec 2026", "1,000.00 €"),
        ("", "avoinna 31.12.2026 asti", f"1{NBSP}000,00 €"),
    ],
)
def test_pages_write_dates_and_money_in_their_language(
    client, finnish_resident, make_idea, open_round, prefix, closes, amount
):
    Round.objects.filter(pk=open_round.pk).update(closes_on=datetime.date(2026, 12, 31))
    home = client.get(f"{prefix}/").content.decode()
    assert closes in home
    assert "2026-12-31" not in home
    idea = make_idea("draft", created_by=finnish_resident, amount=Decimal("1000.00"))
    client.force_login(finnish_resident)
    page = client.get(f"{prefix}/ideas/{idea.pk}/").content.decode()
    assert f'<dd class="col-sm-9">{amount}</dd>' in page  # the amount asked


def test_date_pickers_get_iso_dates_in_every_language():
    from django.forms import DateInput

    for lang in ("fi", "sv", "en"):
        with translation.override(lang):
            rendered = DateInput(attrs={"type": "date"}).render("since", datetime.date(2026, 12, 1))
        assert 'value="2026-12-01"' in rendered, lang


# 17. Finland's public-sector words.


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def _texts(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr, *entry.msgstr_plural.values()]


def test_swedish_calls_the_citys_grant_understod_never_bidrag():
    catalogue = _catalogue("sv")
    with_bidrag = [
        entry.msgid
        for entry in catalogue
        if any(re.search("bidrag", text, re.IGNORECASE) for text in _texts(entry))
    ]
    assert with_bidrag == []
    by_msgid = {entry.msgid: entry.msgstr for entry in catalogue}
    assert by_msgid["grant"] == "understöd"
    assert by_msgid["Grant"] == "Understöd"


def test_a_payment_reference_is_a_reference_number():
    finnish = {entry.msgid: entry.msgstr for entry in _catalogue("fi")}
    swedish = {entry.msgid: entry.msgstr for entry in _catalogue("sv")}
    for msgid in ("payment reference", "Payment reference", "Reference"):
        assert finnish[msgid].lower() == "viitenumero", msgid
        assert swedish[msgid].lower() == "referensnummer", msgid


def test_the_paid_email_names_the_reference_number(settings):
    settings.LANGUAGE_CODE = "fi"
    template = Template(
        "{% load i18n %}{% blocktranslate with amount=amount date=day reference=reference %}"
        "The grant of {{ amount }} € was paid on {{ date }} (reference {{ reference }}). "
        "Good luck with the pilot!{% endblocktranslate %}"
    )
    context = Context({"amount": Decimal("500.00"), "day": "1.12.2026", "reference": "1232"})
    with translation.override("fi"):
        assert "(viitenumero 1232)" in template.render(context)
    with translation.override("sv"):
        swedish = template.render(context)
    assert "Understödet på 500,00 €" in swedish and "(referensnummer 1232)" in swedish


@pytest.mark.parametrize(
    ("msgid", "awkward"),
    [
        ("Lesson 1", "Oppi 1"),
        ("novelty (1–5)", "uutuus (1–5)"),
        ("Novelty", "Uutuus"),
        (
            "Idea approved with the one-click grant",
            "Idea hyväksytty tavallisella avustuksella yhdellä napsautuksella",
        ),
        ("claim code", "omaksi ottamisen koodi"),
    ],
)
def test_finnish_reads_as_finnish(msgid, awkward):
    """What a native reader stumbled on: "Oppi 1", "Uutuus (1–5)", stacked adessives."""
    finnish = {entry.msgid: entry.msgstr for entry in _catalogue("fi")}
    assert finnish[msgid] and finnish[msgid] != awkward


def test_the_profile_names_each_language_in_its_own_name(client, resident):
    client.force_login(resident)
    page = client.get("/my/profile/").content.decode()
    for name in ("Suomi", "Svenska", "English"):
        assert f">{name}</option>" in page


def test_a_message_written_by_the_code_groups_money_in_the_readers_language(
    client, resident, open_round, district, settings
):
    """An error from a form or a service writes its amounts as the page does: "1 000,00 €"."""
    from tests.grants.test_views import _form_data

    settings.LANGUAGE_CODE = "fi"
    client.force_login(resident)
    page = client.post("/ideas/new/", _form_data(district, amount="1500")).content.decode()
    assert "1\N{NO-BREAK SPACE}000,00 €" in page


@pytest.mark.parametrize(
    ("prefix", "heading"), [("", "Lomake on vanhentunut"), ("/sv", "Formuläret har gått ut")]
)
def test_a_failed_csrf_check_answers_in_the_layout_and_language(db, settings, prefix, heading):
    from django.test import Client

    settings.LANGUAGE_CODE = "fi"
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{prefix}/ideas/new/", {"title": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert heading in page and 'class="navbar' in page
