"""Learn before you try, by words: similar past pilots found by stems in Finnish and English.
This is the ranking that serves where the embedding model cannot (tests/grants/test_meaning.py
tests the ranking by meaning)."""

import pytest

from grants import services
from grants.selectors import similar_pilots
from grants.similarity import terms_of
from tests.factories import report_fields


@pytest.fixture(autouse=True)
def _by_words(settings):
    settings.EMBEDDINGS_ENABLED = False


def _past_pilot(make_idea, resident, *, title, need, plan, lessons):
    idea = make_idea("approved", title=title, need=need, plan=plan)
    fields = report_fields(what_happened=plan, what_worked=lessons[0], what_did_not_work="")
    services.closing_report_submit(idea=idea, by=resident, lessons=lessons, **fields)
    return idea


@pytest.fixture
def past_pilots(make_idea, resident):
    return {
        "cafe": _past_pilot(
            make_idea,
            resident,
            title="Elämänkaarikahvila",
            need="Ikäihmiset ja koululaiset eivät kohtaa kylällä.",
            plan="Kahvila, jossa ikäihmiset ja koululaiset leipovat yhdessä.",
            lessons=["Sukupolvet kohtaavat parhaiten tekemällä yhdessä."],
        ),
        "football": _past_pilot(
            make_idea,
            resident,
            title="Jalkapallokerho",
            need="Nuorilla ei ole iltaisin harrastuksia.",
            plan="Viikoittainen jalkapallovuoro urheilukentällä.",
            lessons=["Valmentajaksi löytyi vapaaehtoinen vanhempi."],
        ),
        "garden": _past_pilot(
            make_idea,
            resident,
            title="Community garden",
            need="Families in the district have no place to grow vegetables.",
            plan="Raised garden beds next to the library, with gardening evenings.",
            lessons=["Watering rotas only work with a group chat."],
        ),
    }


def test_a_finnish_idea_finds_the_pilot_with_inflected_forms_of_its_words(past_pilots):
    # Other inflections than the past pilot used: kahviloissa, ikäihmisten, koululaisten.
    text = "Kahviloissa ikäihmisten ja koululaisten yhteisiä iltapäiviä"
    found = similar_pilots(text=text)
    assert found[0] == past_pilots["cafe"]
    assert past_pilots["football"] not in found


def test_an_english_idea_finds_the_english_pilot(past_pilots):
    found = similar_pilots(text="Gardens for families: growing vegetables together")
    assert found == [past_pilots["garden"]]


def test_unrelated_ideas_get_no_suggestions(past_pilots):
    assert similar_pilots(text="Shakkiturnaus kirjastossa talvella") == []
    assert similar_pilots(text="") == []


def test_only_past_pilots_with_lessons_are_suggested(past_pilots, make_idea):
    make_idea("submitted", title="Kahvila ikäihmisille", need="Ikäihmiset yksin.")
    found = similar_pilots(text="Kahvila ikäihmisille ja koululaisille")
    assert all(idea.status in {"reported", "closed"} for idea in found)


def test_terms_cover_finnish_inflections():
    assert terms_of("kahvila") & terms_of("kahviloissa")
    assert terms_of("ikäihmiset") & terms_of("ikäihmisten")
    assert not terms_of("ja on ei the and")


def test_at_most_three_are_suggested(make_idea, resident):
    for number in range(5):
        _past_pilot(
            make_idea,
            resident,
            title=f"Lukupiiri {number}",
            need="Lukupiiri kirjastossa ikäihmisille.",
            plan="Lukupiiri kokoontuu kirjastossa.",
            lessons=["Lukupiiri toimii."],
        )
    assert len(similar_pilots(text="Lukupiiri kirjastossa")) == 3


def test_the_form_panel_shows_similar_pilots_and_their_lessons(client, past_pilots):
    from django.urls import reverse

    response = client.post(
        reverse("grants:similar"),
        {"title": "Kahvila", "need": "Ikäihmisten ja koululaisten kohtaamiset", "plan": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Elämänkaarikahvila" in page
    assert "Sukupolvet kohtaavat parhaiten tekemällä yhdessä." in page
    assert "Jalkapallokerho" not in page


def test_the_kept_term_statistics_find_the_same_pilots_as_counting_now(make_idea):
    from grants.models import TermStat

    for title in ("Kahvila kirjastossa", "Kirpputori koululla", "Kahvila koululla"):
        make_idea("closed", title=title, need="Ikäihmiset kaipaavat seuraa", plan="Leivotaan")
    text = "Kahvila kirjastossa ikäihmisille"
    counted = [idea.pk for idea in similar_pilots(text=text)]
    assert counted
    assert services.term_stats_refresh() > 0
    assert TermStat.objects.get(term="").pilots == 3
    assert [idea.pk for idea in similar_pilots(text=text)] == counted
