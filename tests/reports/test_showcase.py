"""The public showcase invites: cards with the photo the makers allowed, dates, a line of the
story, a lesson, the cost and the outcome; a search by meaning and by words; filters whose empty
choice says what it means; a pilot page from the need to the lessons."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from grants.models import Attachment, CityDecision
from tests import factories
from tests.reports.test_open_data import closed

pytestmark = pytest.mark.django_db


def _page(client, query: str = "", language: str = "") -> str:
    response = client.get(f"{language}{reverse('reports:pilots')}{query}")
    assert response.status_code == 200
    return response.content.decode()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 40), "green").save(out, "JPEG")
    return out.getvalue()


def with_photo(idea, resident, *, public: bool, description: str = "Lapset ja koira"):
    # A file sent while the pilot ran (files can no longer be added to a closed idea).
    attachment = Attachment(
        idea=idea, original_name="dog.jpg", content_type="image/jpeg", size=len(jpeg())
    )
    attachment.file.save("upload", SimpleUploadedFile("dog.jpg", jpeg()))
    report = idea.closing_report
    report.photo = attachment
    report.photo_public = public
    report.photo_description = description
    report.save()
    return attachment


def test_the_filters_say_what_their_empty_choice_means(client):
    page = _page(client)
    assert "All districts" in page and "All themes" in page and "Everyone" in page
    assert "---------" not in page
    finnish = _page(client, language="")  # Finnish has no prefix when it is the default
    assert "---------" not in finnish
    assert "Alla områden" in _page(client, language="/sv")


def test_a_card_tells_the_story_in_brief(client, make_idea, resident, agent, manager):
    pilot = closed(make_idea, resident, agent, publish=True, title="Lukukoira kirjastossa")
    report = pilot.closing_report
    report.what_happened = "Kahdeksan lasta luki koiralle joka tiistai koko kevään."
    report.save()
    report.lessons.update(text="Lyhyet vuorot toimivat parhaiten.")
    CityDecision.objects.create(
        idea=pilot, outcome=CityDecision.Outcome.PERMANENT, decided_by=manager, reason="Toimi."
    )
    page = _page(client)
    assert "Lukukoira kirjastossa" in page
    assert "Kahdeksan lasta luki koiralle" in page
    assert "Lyhyet vuorot toimivat parhaiten." in page
    assert "Became a permanent service" in page
    assert pilot.district.name in page
    assert pilot.starts_on.isoformat() in page  # the dates, as machine-readable <time>
    assert "Grant 500.00" in page


def test_the_photo_shows_only_where_the_makers_allowed_it(client, make_idea, resident, agent):
    shown = closed(make_idea, resident, agent, publish=True, title="Shown")
    hidden = closed(make_idea, resident, agent, publish=True, title="Hidden")
    unpublished = closed(make_idea, resident, agent, publish=False, title="Unpublished")
    with_photo(shown, resident, public=True)
    with_photo(hidden, resident, public=False)
    with_photo(unpublished, resident, public=True)
    page = _page(client)
    assert reverse("reports:pilot_photo", args=[shown.pk]) in page
    assert 'alt="Lapset ja koira"' in page
    assert reverse("reports:pilot_photo", args=[hidden.pk]) not in page
    response = client.get(reverse("reports:pilot_photo", args=[shown.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("public")
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (64, 40)
    again = client.get(
        reverse("reports:pilot_photo", args=[shown.pk]), HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304
    for idea in (hidden, unpublished):
        assert client.get(reverse("reports:pilot_photo", args=[idea.pk])).status_code == 404
    # The pilot's page shows it with its description as the caption.
    story = client.get(reverse("reports:pilot", args=[shown.pk])).content.decode()
    assert reverse("reports:pilot_photo", args=[shown.pk]) in story
    assert "<figcaption" in story


@pytest.fixture
def reading_dog_and_sauna(make_idea, resident, agent):
    """Two published pilots: the reading dog, whose need (not its title) speaks of reading
    skills ("lukutaito"), and a sauna evening that does not."""
    dog = closed(
        make_idea,
        resident,
        agent,
        publish=True,
        title="Lukukoira kirjastossa",
        need="Lasten lukutaito ja rohkeus lukea ääneen kasvavat.",
        plan="Koulutettu koira kuuntelee, kun lapset lukevat sille.",
    )
    sauna = closed(make_idea, resident, agent, publish=True, title="Kylän sauna", need="Saunailta.")
    return dog, sauna


def test_search_finds_a_pilot_by_a_word_that_is_not_in_its_title(client, reading_dog_and_sauna):
    page = _page(client, "?q=lukutaito")
    assert "Lukukoira kirjastossa" in page and "Kylän sauna" not in page
    assert "1 pilot found" in page


def test_search_by_meaning_crosses_languages(client, make_idea, resident, agent):
    closed(
        make_idea,
        resident,
        agent,
        publish=True,
        title="Elämänkaarikahvila",
        need="Ikäihmiset ja koululaiset eivät juuri kohtaa kylällä.",
        plan="Kerran kuussa kahvila, jossa ikäihmiset ja koululaiset leipovat yhdessä.",
    )
    closed(
        make_idea,
        resident,
        agent,
        publish=True,
        title="Lumityöt talkoilla",
        need="Pihat jäävät lumen alle.",
        plan="Nuoret lapioivat lumet.",
    )
    page = _page(client, "?q=" + "kafé där pensionärer och skolbarn träffas")
    assert "Elämänkaarikahvila" in page
    assert page.index("Elämänkaarikahvila") < page.find("Lumityöt talkoilla") or (
        "Lumityöt talkoilla" not in page
    )


def test_a_search_that_finds_nothing_says_so(client, make_idea, resident, agent):
    closed(make_idea, resident, agent, publish=True, title="Kylän sauna")
    page = _page(client, "?q=zzzqqqxxx")
    assert "No published pilot is like this" in page
    long = client.get(reverse("reports:pilots") + "?q=" + "a" * 300)
    assert long.status_code == 400  # longer than a search can be: the form says so


def test_the_closing_report_form_asks_consent_and_a_description_for_the_photo(
    client, resident, make_idea
):
    idea = make_idea("running")
    client.force_login(resident)
    fields = {
        key: str(value) for key, value in factories.report_fields().items() if value is not None
    }
    fields.pop("publish")
    fields.update({"lesson_1": "Aamut toimivat.", "photo_public": "on"})
    url = reverse("grants:closing_report", args=[idea.pk])
    response = client.post(url, {**fields, "photo": SimpleUploadedFile("a.jpg", jpeg())})
    assert response.status_code == 400
    text = response.content.decode()
    assert "only with the published story" in text
    assert "Say in a sentence what the photo shows" in text
    response = client.post(
        url,
        {
            **fields,
            "publish": "on",
            "photo_description": "Lapset lukevat koiralle.",
            "photo": SimpleUploadedFile("a.jpg", jpeg()),
        },
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    report = idea.closing_report
    assert report.photo_public and report.photo == Attachment.objects.get(idea=idea)
    assert report.photo_description == "Lapset lukevat koiralle."
