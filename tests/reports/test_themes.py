"""Themes for lessons, by words (the proposals where the embedding model cannot serve; the
proposals by meaning are in tests/reports/test_themes_by_meaning.py): agents and managers tag
them; the system proposes themes for the untagged ones."""

import pytest
from django.urls import reverse

from grants import services
from grants.models import Lesson, Theme
from reports import selectors, themes
from tests import factories


@pytest.fixture(autouse=True)
def _by_words(settings):
    settings.EMBEDDINGS_ENABLED = False


def lessons(make_idea, resident, *texts):
    idea = make_idea("approved")
    report = services.closing_report_submit(
        idea=idea, by=resident, lessons=list(texts), **factories.report_fields()
    )
    return list(report.lessons.all())


def test_an_untagged_lesson_is_proposed_the_theme_of_similar_ones(make_idea, resident, agent):
    (tagged,) = lessons(make_idea, resident, "Sateen varalle tarvitaan aina sisätila")
    weather = services.lesson_tag(lesson=tagged, by=agent, new_theme="Sää")
    (untagged,) = lessons(make_idea, resident, "Sateella sisätilat olivat liian pienet")
    (other,) = lessons(make_idea, resident, "Vapaaehtoiset löytyivät koulun vanhemmista")

    proposed = {p.lesson: p for p in themes.proposals()}
    assert proposed[untagged].theme == weather
    assert proposed[other].theme is None


def test_similar_untagged_lessons_are_grouped_under_a_proposed_name(make_idea, resident):
    first, second = lessons(
        make_idea,
        resident,
        "Vapaaehtoiset löytyivät vanhempainyhdistyksestä",
        "Vapaaehtoisia löytyi vanhempainyhdistyksen kautta",
    )
    (alone,) = lessons(make_idea, resident, "Sateella kukaan ei tullut")
    proposed = {p.lesson: p for p in themes.proposals()}
    assert proposed[first].new_name and proposed[first].new_name == proposed[second].new_name
    assert set(proposed[first].group) == {first, second}
    assert proposed[alone].new_name == ""


def test_agents_and_managers_tag_and_the_report_groups_by_theme(
    client, make_idea, resident, agent, manager, district
):
    (lesson,) = lessons(make_idea, resident, "Afternoons suit everybody")
    (second,) = lessons(make_idea, resident, "Mornings suit nobody")
    client.force_login(manager)
    assert client.get(reverse("reports:themes")).status_code == 200
    client.post(reverse("reports:themes"), {"lesson": second.pk, "new_theme": "Timing"})

    client.force_login(agent)
    client.post(reverse("reports:themes"), {"lesson": lesson.pk, "new_theme": "Timing"})
    assert list(Lesson.objects.get(pk=lesson.pk).themes.values_list("name", flat=True)) == [
        "Timing"
    ]
    report = selectors.district_report(district=district)
    assert [(theme, sorted(item.text for item in group)) for theme, group in report["lessons"]] == [
        ("Timing", ["Afternoons suit everybody", "Mornings suit nobody"])
    ]
    assert Theme.objects.count() == 1


def test_residents_cannot_see_themes(client, resident):
    client.force_login(resident)
    assert client.get(reverse("reports:themes")).status_code == 403
