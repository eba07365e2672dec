"""The district report's "tried elsewhere?": for a pilot of the district, the pilots of any
district most like it by meaning (the idea mill's lookup), with their lessons; nothing when
nothing is similar; only for those who may read reports."""

from django.urls import reverse

from tests import factories


def test_a_manager_sees_the_pilot_of_another_district_that_tried_the_same(
    client, manager, resident, make_idea, district
):
    elsewhere = factories.DistrictFactory(name="Jukola", slug="jukola")
    factories.RoundFactory(districts=[elsewhere])
    ours = make_idea(
        "closed",
        title="Lukukoira kirjastossa",
        need="Lapset jännittävät ääneen lukemista.",
        plan="Koulutettu koira kuuntelee, kun lapset lukevat sille ääneen.",
    )
    theirs = make_idea(
        "closed",
        district=elsewhere,
        title="Läshund på biblioteket",
        need="Barn som är rädda för att läsa högt.",
        plan="En utbildad hund lyssnar när barnen läser för den på biblioteket.",
    )
    unrelated = make_idea(
        "closed",
        district=elsewhere,
        title="Lumitalkoot ikäihmisten pihoilla",
        need="Ikäihmiset eivät jaksa kolata lunta.",
        plan="Nuoret kolaavat lumet talkoilla.",
    )
    client.force_login(manager)
    report = client.get(reverse("reports:district", args=[district.slug])).content.decode()
    url = reverse("reports:district_pilot_similar", args=[district.slug, ours.pk])
    assert url in report
    page = client.get(url).content.decode()
    assert theirs.title in page and unrelated.title not in page
    assert theirs.closing_report.lessons.first().text in page


def test_nothing_is_shown_when_nothing_is_similar_and_others_may_not_look(
    client, manager, resident, make_idea, district
):
    lone = make_idea("closed", title="Lumitalkoot", need="Lumi.", plan="Kolataan.")
    url = reverse("reports:district_pilot_similar", args=[district.slug, lone.pk])
    client.force_login(manager)
    assert "No other pilot is similar enough to show." in client.get(url).content.decode()
    # A pilot of another district is not this report's.
    other = factories.DistrictFactory(name="Jukola", slug="jukola")
    wrong = reverse("reports:district_pilot_similar", args=[other.slug, lone.pk])
    assert client.get(wrong).status_code == 404
    client.force_login(resident)
    assert client.get(url).status_code == 403
