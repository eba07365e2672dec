"""The login page no longer tells a visitor to register first: residents start without an
account (a login code, or the idea first), in every language."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("prefix", "code_button", "forbidden"),
    [
        ("", "Lähetä minulle kirjautumiskoodi", ("rekisteröidy", "Rekisteröidy")),
        ("/sv", "Skicka mig en inloggningskod", ("registrera", "Registrera")),
        ("/en", "Send me a login code", ("sign up", "register")),
    ],
)
def test_the_login_page_offers_the_code_and_the_idea_first(
    client, db, settings, prefix, code_button, forbidden
):
    settings.LANGUAGE_CODE = "fi"
    page = client.get(f"{prefix}/accounts/login/").content.decode()
    assert code_button in page
    assert reverse("grants:idea_new").split("/", 2)[-1] in page
    for word in forbidden:
        assert word not in page.split("<main", 1)[-1]
