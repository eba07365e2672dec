"""The address decides a page's language; the language a person chose decides their emails."""

from django.urls import reverse

from actors.models import User


def test_a_person_who_chose_swedish_gets_the_page_of_the_address(client, resident, settings):
    settings.LANGUAGE_CODE = "fi"
    User.objects.filter(pk=resident.pk).update(language="sv")
    client.force_login(resident)
    response = client.get("/my/")
    assert response.status_code == 200 and '<html lang="fi">' in response.content.decode()
    assert '<html lang="sv">' in client.get("/sv/my/").content.decode()


def test_switching_language_remembers_the_choice(client, resident, settings):
    settings.LANGUAGE_CODE = "fi"
    client.force_login(resident)
    response = client.post("/i18n/setlang/", {"language": "fi", "next": "/en/my/"})
    assert response.status_code == 302 and response.url == "/my/"
    resident.refresh_from_db()
    assert resident.language == "fi"
    assert client.get("/my/").status_code == 200  # no redirect loop


def test_visitors_choose_freely(client, db, settings):
    settings.LANGUAGE_CODE = "fi"
    assert client.get("/sv/").status_code == 200
    assert client.get("/").status_code == 200


def test_profile_saves_name_phone_and_language(client, resident):
    client.force_login(resident)
    url = reverse("actors:profile")
    response = client.post(url, {"full_name": "Riikka Asukas", "phone": "040 1", "language": "sv"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.full_name, resident.phone, resident.language) == (
        "Riikka Asukas",
        "040 1",
        "sv",
    )
    bad = client.post("/sv/my/profile/", {"full_name": "x", "language": "xx"})
    assert bad.status_code == 400
