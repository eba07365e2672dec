"""The decision stage: after the closing report a manager records what the city decided (a
permanent service, another round, spread, left to the makers, stopped), why, who owns it, the
yearly cost and its funding line, and a follow-up date; the owner is reminded on that date; the
district report shows the funnel from ideas to permanent services and what became of each
candidate; the public pilot page shows what the pilot became."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from grants import services
from grants.models import CityDecision, ClosingReport, Idea
from grants.services import reminders
from tests import factories

TODAY = date(2026, 12, 2)


@pytest.fixture
def candidate(make_idea):
    pilot = make_idea("closed", title="Torstaitreffit")
    ClosingReport.objects.filter(idea=pilot).update(
        continuation=ClosingReport.Continuation.PERMANENT
    )
    return Idea.objects.get(pk=pilot.pk)


def record(pilot, by, **fields):
    values = {
        "outcome": CityDecision.Outcome.PERMANENT,
        "reason": "Sixty visitors a month; the library takes it on.",
        "unit": "Kirjastopalvelut",
        "owner": by,
        "yearly_cost": "2400",
        "funding_line": "Kirjastot, toimintakulut",
        "follow_up_on": TODAY + timedelta(days=90),
        "today": TODAY,
    }
    values.update(fields)
    return services.city_decision_record(idea=pilot, by=by, **values)


def test_a_manager_records_a_permanent_service_on_the_page_and_everyone_sees_it(
    client, manager, candidate, district
):
    client.force_login(manager)
    report = client.get(reverse("reports:district", args=[district.slug])).content.decode()
    url = reverse("reports:decision", args=[candidate.pk])
    assert url in report and "not decided yet" in report
    response = client.post(
        url,
        {
            "outcome": "permanent",
            "reason": "Sixty visitors a month; the library takes it on.",
            "unit": "Kirjastopalvelut",
            "owner": manager.pk,
            "yearly_cost": "2400.00",
            "funding_line": "Kirjastot, toimintakulut",
            "follow_up_on": (date.today() + timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302
    decision = CityDecision.objects.get(idea=candidate)
    assert decision.owner == manager and decision.yearly_cost == Decimal("2400.00")
    event = AuditEvent.objects.get(action=AuditEvent.Action.CITY_DECIDED)
    assert event.details["outcome"] == "permanent" and event.details["change"] == "recorded"
    report = client.get(reverse("reports:district", args=[district.slug])).content.decode()
    assert "Make it a permanent service" in report
    client.logout()
    public = client.get(reverse("reports:pilot", args=[candidate.pk])).content.decode()
    assert "Became a permanent service" in public


def test_spreading_names_the_districts_and_the_public_page_counts_them(client, manager, candidate):
    jukola = factories.DistrictFactory(name="Jukola", slug="jukola")
    lammi = factories.DistrictFactory(name="Lammi", slug="lammi")
    record(candidate, manager, outcome=CityDecision.Outcome.SPREAD, spread_to=[jukola, lammi])
    public = client.get(reverse("reports:pilot", args=[candidate.pk])).content.decode()
    assert "Spread to 2 other districts" in public and "Jukola" in public


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"owner": None}, "owner"),
        ({"unit": ""}, "unit"),
        ({"reason": "  "}, "reason"),
        ({"follow_up_on": TODAY}, "follow_up_on"),
        ({"follow_up_on": None}, "follow_up_on"),
        ({"outcome": CityDecision.Outcome.SPREAD}, "spread_to"),
        ({"outcome": "maybe"}, "outcome"),
        ({"yearly_cost": "-5"}, "yearly_cost"),
    ],
)
def test_bad_decisions_are_refused_with_a_reason_and_change_nothing(
    manager, candidate, fields, field
):
    with pytest.raises(ValidationError) as refused:
        record(candidate, manager, **fields)
    assert field in refused.value.message_dict
    assert not CityDecision.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CITY_DECIDED).exists()


def test_stopping_needs_no_owner_and_a_resident_cannot_be_the_owner(manager, candidate, resident):
    stopped = record(
        candidate,
        manager,
        outcome=CityDecision.Outcome.STOP,
        owner=None,
        unit="",
        follow_up_on=None,
        yearly_cost="",
    )
    assert stopped.outcome == "stop" and stopped.owner is None
    with pytest.raises(ValidationError) as refused:
        record(candidate, manager, owner=resident)
    assert "owner" in refused.value.message_dict


def test_only_managers_decide_and_only_on_reported_pilots(
    client, agent, manager, candidate, make_idea
):
    with pytest.raises(PermissionDenied):
        record(candidate, agent, owner=manager)
    running = make_idea("running")
    with pytest.raises(ValidationError):
        record(running, manager)
    client.force_login(manager)
    assert client.get(reverse("reports:decision", args=[running.pk])).status_code == 404
    # A form sent with a missing owner keeps what was typed and says why.
    response = client.post(
        reverse("reports:decision", args=[candidate.pk]),
        {"outcome": "permanent", "reason": "Kept text", "unit": "Kirjasto"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Name the person responsible for this decision." in page and "Kept text" in page


def test_the_owner_is_reminded_on_the_follow_up_date_once(
    manager, candidate, django_capture_on_commit_callbacks
):
    decision = record(candidate, manager)
    due = decision.follow_up_on
    assert reminders.sweep(today=due - timedelta(days=1))["decision_follow_ups"] == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.sweep(today=due)["decision_follow_ups"] == 1
    assert reminders.sweep(today=due + timedelta(days=1))["decision_follow_ups"] == 0
    (sent,) = [message for message in mail.outbox if manager.email in message.to]
    assert "Torstaitreffit" in sent.subject
    assert reverse("reports:decision", args=[candidate.pk]) in sent.body
    # A new follow-up date is reminded of again on that date.
    later = record(candidate, manager, follow_up_on=due + timedelta(days=30), today=due)
    assert reminders.sweep(today=later.follow_up_on)["decision_follow_ups"] == 1


def test_the_funnel_reconciles_with_the_rows(client, manager, make_idea, district, candidate):
    make_idea("submitted")
    make_idea("running")
    stopped = make_idea("closed", title="Lumitalkoot")
    record(candidate, manager)
    record(stopped, manager, outcome=CityDecision.Outcome.STOP, owner=None, follow_up_on=None)
    client.force_login(manager)
    response = client.get(reverse("reports:district", args=[district.slug]))
    funnel = {key: count for key, _label, count in response.context["report"]["funnel"]}
    ideas = Idea.objects.filter(district=district).exclude(status="draft")
    assert funnel == {
        "ideas": ideas.count(),
        "granted": ideas.exclude(status="submitted").count(),
        "without_grant": 0,
        "reported": ClosingReport.objects.filter(idea__district=district).count(),
        "candidates": 1,
        "decided": 2,
        "permanent": 1,
    }
    assert funnel["ideas"] == 4 and funnel["granted"] == 3 and funnel["reported"] == 2


def test_the_decision_page_is_drawn_once_and_follows_the_decision_staff_and_names(
    manager, candidate, district, django_assert_max_num_queries
):
    from django.test import Client

    from common import fragments

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(manager)
    url = reverse("reports:decision", args=[candidate.pk])
    assert "Torstaitreffit" in first.get(url).content.decode()
    with django_assert_max_num_queries(1):  # the person; the rest was kept
        assert first.get(url).status_code == 200
    # A new member of staff may own the decision; a district renamed; the decision recorded.
    factories.ManagerFactory(email="uusi@example.org", full_name="Uusi Päällikkö")
    assert "Uusi Päällikkö" in first.get(url).content.decode()
    district.name_fi = district.name_en = "Iittalan kylä"
    district.save()
    assert "Iittalan kylä" in first.get(url).content.decode()
    record(candidate, manager)
    page = first.get(url).content.decode()
    assert "Recorded on" in page and "Kirjastopalvelut" in page
    # Another manager gets the kept form with their own token, and it posts.
    second.force_login(factories.ManagerFactory(email="toinen@example.org"))
    page = second.get(url).content.decode()
    assert fragments.CSRF_MARK not in page
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    data = {
        "outcome": "permanent",
        "reason": "Ninety visitors a month.",
        "unit": "Nuorisopalvelut",
        "owner": manager.pk,
        "yearly_cost": "2400.00",
        "funding_line": "Nuoriso, toimintakulut",
        "follow_up_on": (date.today() + timedelta(days=90)).isoformat(),
        "csrfmiddlewaretoken": token,
    }
    assert second.post(url, data).status_code == 302
    assert "Nuorisopalvelut" in second.get(url).content.decode()
    assert first.get(reverse("reports:decision", args=[candidate.pk + 1000])).status_code == 404
