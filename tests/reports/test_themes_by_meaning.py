"""Themes by meaning: untagged lessons are proposed the closest theme across languages, or
grouped under a proposed new theme named by a noun phrase in three languages; agents and
managers accept, accept a group, rename, merge, create and retire themes, each with an audit
row; the placement is measured by `make eval`."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from devtools.evaluation import themes as theme_evaluation
from grants import services
from grants.models import Lesson, Theme, ThemeProposal
from grants.theme_vocabulary import THEME_NAMES, description_of
from tests import factories


def lessons(make_idea, resident, *texts):
    idea = make_idea("approved")
    report = services.closing_report_submit(
        idea=idea, by=resident, lessons=list(texts), **factories.report_fields()
    )
    factories.embed(idea)
    return list(report.lessons.all())


def test_an_untagged_lesson_is_proposed_the_closest_theme_across_languages(
    make_idea, resident, agent
):
    weather = services.theme_create(by=agent, name="Sää", name_sv="Väder", name_en="Weather")
    timing = services.theme_create(by=agent, name="Ajoitus", name_sv="Tidpunkt", name_en="Timing")
    for lesson in lessons(make_idea, resident, "Sade pilasi ulkotapahtuman, tarvitaan sisätila."):
        services.lesson_tag(lesson=lesson, by=agent, theme=weather)
    for lesson in lessons(make_idea, resident, "Iltapäivä toimi paremmin kuin aamu."):
        services.lesson_tag(lesson=lesson, by=agent, theme=timing)
    (rainy,) = lessons(make_idea, resident, "När det regnade kom ingen till parken.")
    services.theme_proposals_refresh()
    assert ThemeProposal.objects.get(lesson=rainy).theme == weather


def test_lessons_like_no_theme_are_grouped_under_a_noun_phrase_in_three_languages(
    make_idea, resident
):
    lessons(
        make_idea,
        resident,
        "Vapaaehtoisia oli liian vähän, ja samat ihmiset väsyivät.",
        "Vapaaehtoisten vuorolista auttoi jakamaan työtä.",
        "Frivilliga behövs fler, annars orkar ingen fortsätta.",
    )
    services.theme_proposals_refresh()
    grouped = ThemeProposal.objects.filter(theme__isnull=True).exclude(name="")
    assert grouped.count() >= 2
    names = {(p.name, p.name_sv, p.name_en) for p in grouped}
    assert names <= {entry[:3] for entry in THEME_NAMES}
    assert "Kannattaa" not in {p.name for p in grouped}


def test_curators_work_on_themes_and_each_change_is_audited(client, make_idea, resident, manager):
    (first, second) = lessons(
        make_idea, resident, "Vapaaehtoiset väsyivät.", "Vapaaehtoisia tarvitaan lisää."
    )
    services.theme_proposals_refresh()
    client.force_login(manager)
    url = reverse("reports:themes")
    page = client.get(url).content.decode()
    assert "Proposed new themes" in page
    group = ThemeProposal.objects.filter(lesson=first).first()
    assert group is not None and group.group
    client.post(
        url,
        {
            "action": "accept_group",
            "group": group.group,
            "name": "Vapaaehtoiset",
            "name_sv": "Frivilliga",
            "name_en": "Volunteers",
        },
    )
    theme = Theme.objects.get(name="Vapaaehtoiset")
    assert set(Lesson.objects.filter(themes=theme)) == {first, second}
    client.post(
        url,
        {
            "action": "rename",
            "theme_id": theme.pk,
            "name": "Vapaaehtoistyö",
            "name_sv": "Frivilligarbete",
            "name_en": "Volunteering",
        },
    )
    theme.refresh_from_db()
    assert (theme.name, theme.name_sv, theme.name_en) == (
        "Vapaaehtoistyö",
        "Frivilligarbete",
        "Volunteering",
    )
    client.post(url, {"action": "create", "name": "Jatkuvuus", "name_sv": "", "name_en": ""})
    other = Theme.objects.get(name="Jatkuvuus")
    client.post(url, {"action": "merge", "theme_id": other.pk, "into": theme.pk})
    assert not Theme.objects.filter(pk=other.pk).exists()
    client.post(url, {"action": "retire", "theme_id": theme.pk})
    theme.refresh_from_db()
    assert theme.retired_at is not None
    changes = AuditEvent.objects.filter(action=AuditEvent.Action.THEME_CHANGED)
    assert {event.details["change"] for event in changes} >= {
        "created",
        "renamed",
        "merged",
        "retired",
    }
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LESSON_TAGGED).count() == 2


def test_a_resident_cannot_change_themes(client, resident):
    client.force_login(resident)
    assert (
        client.post(reverse("reports:themes"), {"action": "create", "name": "X"}).status_code == 403
    )


@pytest.mark.parametrize("swedish", [True])
def test_a_theme_reads_in_the_pages_language(client, agent, swedish, settings):
    services.theme_create(by=agent, name="Sää", name_sv="Väder", name_en="Weather")
    settings.LANGUAGE_CODE = "fi"
    client.force_login(agent)
    assert "Väder" in client.get("/sv/reports/themes/").content.decode()


def test_placement_by_meaning_holds_its_ground_and_beats_placement_by_words():
    figures = theme_evaluation.evaluate()
    assert figures["lessons"] >= 120
    assert figures["accuracy_closest"] > figures["accuracy_words"] + 0.2
    # Where the placement stands (docs/learning.md), so that a change that loses ground fails:
    # on the last run, of the 260 test lessons of the three batches, 0.66 were placed in their
    # main theme and 0.74 in one of their themes; the second batch (its other themes marked as it
    # was written) 0.71 and 0.75; the third (written apart, held out from every choice) 0.62
    # and 0.70.
    assert figures["lessons"] >= 250
    # The target (issue: theme placement accuracy ≥ 0.7), held against the lessons whose other
    # themes were marked as they were written: 0.72 of the 195 on the last run.
    assert figures["lessons_blind"] >= 190
    assert figures["accuracy_blind"] >= 0.7
    assert figures["accuracy_main"] >= 0.64
    assert figures["accuracy"] >= 0.72
    assert figures["by_batch"][2]["accuracy"] >= 0.72
    assert figures["by_batch"][3]["accuracy"] >= 0.68


def test_a_theme_with_no_tagged_lesson_is_found_by_its_description(make_idea, resident, agent):
    weather = services.theme_create(
        by=agent, name="Sää", description="Sade, kylmyys, lumi ja helle ulkotapahtumissa."
    )
    services.theme_create(
        by=agent, name="Luvat", description="Luvat, ilmoitukset, säännöt ja byrokratia."
    )
    (rainy,) = lessons(make_idea, resident, "När det regnade kom ingen till parken.")
    (permit,) = lessons(
        make_idea, resident, "Ilmoitus elintarvikkeiden myynnistä piti tehdä kuukautta ennen."
    )
    services.theme_proposals_refresh()
    assert ThemeProposal.objects.get(lesson=rainy).theme == weather
    assert ThemeProposal.objects.get(lesson=permit).theme.name == "Luvat"


def test_a_description_is_written_and_changed_on_the_page_and_a_group_gets_one(
    client, agent, make_idea, resident
):
    client.force_login(agent)
    url = reverse("reports:themes")
    client.post(url, {"action": "create", "name": "Sää", "description": "Sade ja helle."})
    theme = Theme.objects.get(name="Sää")
    assert theme.description == "Sade ja helle."
    assert "Sade ja helle." in client.get(url).content.decode()
    client.post(
        url,
        {"action": "rename", "theme_id": theme.pk, "name": "Sää", "description": "Sade, lumi."},
    )
    theme.refresh_from_db()
    assert theme.description == "Sade, lumi."
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.THEME_CHANGED, details__description="Sade, lumi."
    ).exists()
    # A theme made of a proposed group takes the vocabulary's sentence of its name.
    made = services.proposal_group_accept
    ThemeProposal.objects.create(
        lesson=lessons(make_idea, resident, "Tila oli liian pieni.")[0], group=7, name="Tilat"
    )
    assert made(group=7, by=agent).description == description_of("Tilat") != ""
