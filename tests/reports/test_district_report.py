"""Every figure of the district report reconciles with the rows it was built from."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common import versions
from grants import services
from grants.models import Idea
from reports import selectors
from tests import factories


def reported(make_idea, resident, *, applicant=None, partners=(), ages, **report):
    idea = (
        make_idea("approved", applicant=applicant, age_groups=ages)
        if applicant
        else make_idea("approved", age_groups=ages)
    )
    idea.partners.set(partners)
    services.closing_report_submit(
        idea=idea,
        by=resident,
        lessons=[report.pop("lesson", "A lesson")],
        **factories.report_fields(**report),
    )
    return idea


@pytest.fixture
def known_set(make_idea, resident, agent, district):
    association = factories.ActorFactory(kind="association", members=[resident], district=district)
    parish = factories.ActorFactory(kind="parish", district=district)
    school = factories.ActorFactory(kind="city_unit", district=district)
    cafe = reported(
        make_idea,
        resident,
        applicant=association,
        partners=[parish, school],
        ages=["children", "elderly"],
        participants_children=30,
        participants_elderly=20,
        participants_adults=0,
        participants_youth=0,
        actual_cost=Decimal("430.00"),
        novelty=4,
        change=3,
        usefulness=5,
        continuation="permanent",
        lesson="Bake together",
        what_did_not_work="",
    )
    walks = reported(
        make_idea,
        resident,
        partners=[parish],
        ages=["youth"],
        participants_children=0,
        participants_youth=12,
        participants_adults=3,
        participants_elderly=0,
        actual_cost=Decimal("200.00"),
        novelty=2,
        change=1,
        usefulness=3,
        continuation="ended",
        what_did_not_work="Nobody came in the rain.",
        lesson="Plan for rain",
    )
    running = make_idea("running")
    services.grant_mark_paid(grant=running.grant, by=agent, paid_on=timezone.localdate())
    make_idea("declined")
    make_idea("submitted")
    make_idea("draft")  # drafts never count
    # Decision times of 2, 4 and 10 days for the three granted and the declined idea's 1 day.
    for idea, days in ((cafe, 2), (walks, 4), (running, 10)):
        Idea.objects.filter(pk=idea.pk).update(decided_at=idea.submitted_at + timedelta(days=days))
    declined = Idea.objects.get(status="declined")
    Idea.objects.filter(pk=declined.pk).update(decided_at=declined.submitted_at + timedelta(days=1))
    return {"cafe": cafe, "walks": walks, "running": running}


def test_every_figure_reconciles(known_set, district):
    report = selectors.district_report(district=district)

    assert dict(report["by_status"])["Reported"] == 2
    assert dict(report["by_status"])["Running"] == 1
    assert dict(report["by_status"])["Declined"] == 1
    assert dict(report["by_status"])["Submitted"] == 1
    assert report["pilot_count"] == 3
    assert report["money"] == {
        "granted": Decimal("1500.00"),
        "paid": Decimal("500.00"),
        "spent": Decimal("630.00"),
    }
    assert [count for _label, count in report["participants"]] == [30, 12, 3, 20]
    assert report["participants_total"] == 65
    assert report["decision_days"]["count"] == 4
    assert report["decision_days"]["median"] == pytest.approx(3.0)  # 1, 2, 4, 10
    assert report["decision_days"]["p90"] == pytest.approx(10.0)
    assert report["ratings"]["count"] == 2
    assert report["ratings"]["novelty"] == pytest.approx(3.0)
    assert report["ratings"]["usefulness"] == pytest.approx(4.0)
    network = report["network"]
    assert dict(network["kinds"])["Association or NGO"] == 1
    assert dict(network["kinds"])["Resident"] == 2
    assert sorted(network["edges"]) == sorted(
        [
            ("Association or NGO", "Parish", 1),
            ("Association or NGO", "City unit", 1),
            ("Resident", "Parish", 1),
        ]
    )
    assert network["cross_sector"] == 2
    assert network["intergenerational"] == 2  # the café and the running pilot
    continuation = dict(report["continuation"])
    assert continuation["It should become a permanent service"] == 1
    assert continuation["It has ended"] == 1
    assert [row.idea for row in report["candidates"]] == [known_set["cafe"]]
    assert [row.idea for row in report["failures"]] == [known_set["walks"]]
    all_lessons = [lesson.text for _theme, lessons in report["lessons"] for lesson in lessons]
    assert sorted(all_lessons) == ["Bake together", "Plan for rain"]


def test_a_round_narrows_the_report(known_set, district, open_round):
    other = factories.RoundFactory(districts=[district], name="Next year")
    assert selectors.district_report(district=district, round_=other)["pilot_count"] == 0
    assert selectors.district_report(district=district, round_=open_round)["pilot_count"] == 3


def test_the_page_shows_the_report_and_its_round_switch(client, manager, known_set, district):
    client.force_login(manager)
    page = client.get(reverse("reports:district", args=[district.slug])).content.decode()
    assert "Plan for rain" in page and "Nobody came in the rain." in page
    assert "1,500.00 €" in page and "630.00 €" in page
    assert (
        client.get(reverse("reports:district", args=[district.slug]) + "?round=nope").status_code
        == 404
    )


def bulk_pilots(count: int, *, district, round_, applicant, created_by, agent) -> None:
    """Many reported pilots at once, straight into the tables (test data, not a workflow)."""
    from grants.models import ClosingReport, Grant, Lesson

    now = timezone.now()
    today = timezone.localdate()
    ideas = Idea.objects.bulk_create(
        Idea(
            round=round_,
            applicant=applicant,
            created_by=created_by,
            title=f"Pilot {number}",
            need="A need",
            plan="A plan",
            age_groups=["children", "elderly"],
            district=district,
            starts_on=today - timedelta(days=60),
            ends_on=today - timedelta(days=5),
            amount=Decimal("500.00"),
            status="reported",
            submitted_at=now - timedelta(days=30),
            decided_at=now - timedelta(days=27),
        )
        for number in range(count)
    )
    Grant.objects.bulk_create(
        Grant(idea=idea, round=round_, amount=Decimal("500.00"), decided_by=agent) for idea in ideas
    )
    reports = ClosingReport.objects.bulk_create(
        ClosingReport(
            idea=idea,
            submitted_by=created_by,
            what_happened="Met weekly.",
            participants_children=10,
            actual_cost=Decimal("400.00"),
            what_worked="Everything.",
            what_did_not_work="Rain." if idea.pk % 2 else "",
            novelty=3,
            change=3,
            usefulness=4,
            continuation="permanent" if idea.pk % 3 == 0 else "ended",
        )
        for idea in ideas
    )
    Lesson.objects.bulk_create(
        Lesson(report=report, text=f"Lesson {report.pk}", position=1) for report in reports
    )


def test_the_report_runs_the_same_queries_for_10_and_1000_pilots(
    client, manager, resident, agent, district, open_round
):
    applicant = factories.ActorFactory(members=[resident])

    def measured() -> int:
        versions.bump(versions.PUBLIC)  # the body drawn, not the one kept
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("reports:district", args=[district.slug])).status_code == 200
        return len(captured)

    client.force_login(manager)
    client.get(reverse("privacy"))  # the first page of a session reads its permissions
    bulk_pilots(
        10,
        district=district,
        round_=open_round,
        applicant=applicant,
        created_by=resident,
        agent=agent,
    )
    at_ten = measured()
    bulk_pilots(
        990,
        district=district,
        round_=open_round,
        applicant=applicant,
        created_by=resident,
        agent=agent,
    )
    report = selectors.district_report(district=district)
    assert report["pilot_count"] == 1000
    assert measured() == at_ten


def test_the_pilots_of_a_district_come_a_page_at_a_time(client, manager, make_idea, district):
    from reports.views import DISTRICT_PILOTS_PAGE

    for n in range(DISTRICT_PILOTS_PAGE + 2):
        make_idea("approved", title=f"Pilot number {n:02d}")
    client.force_login(manager)
    url = reverse("reports:district", args=[district.slug])
    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()
    shown = [n for n in range(DISTRICT_PILOTS_PAGE + 2) if f"Pilot number {n:02d}" in first]
    later = [n for n in range(DISTRICT_PILOTS_PAGE + 2) if f"Pilot number {n:02d}" in second]
    assert len(shown) == DISTRICT_PILOTS_PAGE and len(later) == 2
    assert not set(shown) & set(later)
    assert "page=2" in first
    assert client.get(url + "?page=abc").status_code == 200  # a bad page number shows the first


@pytest.mark.django_db
def test_the_report_body_is_drawn_once_and_again_when_what_it_shows_changes(
    client, manager, make_idea, district
):
    make_idea("closed", title="Lukukoira kirjastossa")
    client.force_login(manager)
    url = reverse("reports:district", args=[district.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as drawn_again:
        first = client.get(url).content.decode()
    assert "Do it together." in first
    make_idea("closed", title="Pihakirppis")
    report = Idea.objects.get(title="Pihakirppis").closing_report
    report.lessons.create(text="Ask the neighbours first.")
    with CaptureQueriesContext(connection) as changed:
        second = client.get(url).content.decode()
    assert "Ask the neighbours first." in second
    assert len(drawn_again) < len(changed)


def test_the_whole_page_is_kept_and_follows_the_districts_pilots_and_the_readers_rights(
    client, manager, agent, make_idea, district, django_assert_max_num_queries
):
    from django.test import Client

    pilot = make_idea("approved", title="Pihakirppis")
    client.force_login(manager)
    url = reverse("reports:district", args=[district.slug])
    assert "Pihakirppis" in client.get(url).content.decode()
    with django_assert_max_num_queries(3):  # the person, the district; the rest was kept
        assert client.get(url).status_code == 200
    make_idea("approved", title="Lukukoira kirjastossa")
    assert "Lukukoira kirjastossa" in client.get(url).content.decode()
    pilot.title = "Pihakirppis ja kahvila"
    pilot.save()
    assert "Pihakirppis ja kahvila" in client.get(url).content.decode()
    assert client.get(url + "?round=no-such-round").status_code == 404
    # The large export's form carries each reader's own token.
    other = Client(enforce_csrf_checks=True)
    other.force_login(agent)
    page = other.get(url).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    export = other.post(
        reverse("reports:district_export", args=[district.slug]),
        {"csrfmiddlewaretoken": token},
    )
    assert export.status_code in (200, 302)
