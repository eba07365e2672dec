"""The pages a resident and an agent use: good input goes through, bad input gets field errors
in the person's language, keeps what was typed, and never a 500."""

import time
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from grants import spam
from grants.models import Idea, StatusChange
from grants.workflow import Status


def started_a_minute_ago() -> str:
    """The form's timing token as if the person had opened the form a minute ago."""
    with mock.patch("time.time", return_value=time.time() - 60):
        return spam.form_started_token()


def _form_data(in_district, **overrides) -> dict:
    today = timezone.localdate()
    data = {
        "started": started_a_minute_ago(),
        "website": "",
        "title": "Elämänkaarikahvila",
        "need": "Elderly people and schoolchildren rarely meet.",
        "plan": "A monthly café where they bake together.",
        "age_groups": ["children", "elderly"],
        "district": str(in_district.pk),
        "starts_on": (today + timedelta(days=7)).isoformat(),
        "ends_on": (today + timedelta(days=60)).isoformat(),
        "amount": "500",
        "partners_text": "",
    }
    data.update(overrides)
    return data


def test_the_form_prefills_the_default_grant(client, resident, open_round):
    client.force_login(resident)
    response = client.get(reverse("grants:idea_new"))
    assert response.status_code == 200
    assert 'value="500"' in response.content.decode()


def test_submitting_an_idea_saves_it_and_notifies_agents(
    client, resident, agent, open_round, district, django_capture_on_commit_callbacks
):
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("grants:idea_new"), _form_data(district))

    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("grants:idea", args=[idea.pk])
    assert idea.status == Status.SUBMITTED
    assert idea.amount == Decimal("500")
    assert idea.round == open_round
    assert sorted(message.to[0] for message in mail.outbox) == [agent.email, resident.email]


def test_a_draft_is_saved_without_submitting(client, resident, open_round, district):
    client.force_login(resident)
    client.post(reverse("grants:idea_new"), {**_form_data(district), "save_draft": "1"})
    assert Idea.objects.get().status == Status.DRAFT


@pytest.mark.parametrize(
    ("case", "overrides", "field", "message"),
    [
        ("empty title", {"title": ""}, "title", "This field is required."),
        ("too long title", {"title": "x" * 121}, "title", "at most 120 characters"),
        ("amount above max", {"amount": "1500"}, "amount", "at most 1,000.00 €"),
        ("negative amount", {"amount": "-5"}, "amount", "greater than or equal to 1"),
        ("not a number", {"amount": "lots"}, "amount", "Enter a number."),
        (
            "end before start",
            {"starts_on": "2030-05-10", "ends_on": "2030-05-01"},
            "ends_on",
            "cannot end before it starts",
        ),
        ("bad date", {"starts_on": "31.2.2030"}, "starts_on", "Enter a valid date."),
        ("no age group", {"age_groups": []}, "age_groups", "This field is required."),
        ("unknown district", {"district": "99999"}, "district", "Select a valid choice."),
    ],
)
def test_bad_input_shows_field_errors_and_keeps_what_was_typed(
    client, resident, open_round, district, case, overrides, field, message
):
    client.force_login(resident)
    data = _form_data(district, need="My carefully written need <b>with markup</b>", **overrides)

    response = client.post(reverse("grants:idea_new"), data)

    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert "My carefully written need &lt;b&gt;with markup&lt;/b&gt;" in page
    assert Idea.objects.count() == 0


def test_an_empty_form_shows_every_required_field(client, resident, open_round):
    client.force_login(resident)
    response = client.post(reverse("grants:idea_new"), {})
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {
        "title",
        "need",
        "plan",
        "age_groups",
        "district",
        "starts_on",
        "ends_on",
        "amount",
    }


def test_errors_are_shown_in_finnish_on_the_finnish_page(client, resident, open_round, settings):
    settings.LANGUAGE_CODE = "fi"
    client.force_login(resident)
    response = client.post("/ideas/new/", {})
    assert response.status_code == 400
    assert "Tämä kenttä vaaditaan." in response.content.decode()


def test_agent_approves_with_one_click(client, agent, make_idea):
    idea = make_idea("submitted")
    client.force_login(agent)
    response = client.post(reverse("grants:agent_idea", args=[idea.pk]), {"decision": "approve"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Status.APPROVED
    assert idea.grant.amount == Decimal("500.00")


def test_agent_declines_only_with_a_reason(client, agent, make_idea):
    idea = make_idea("submitted")
    client.force_login(agent)
    url = reverse("grants:agent_idea", args=[idea.pk])

    refused = client.post(url, {"decision": "decline", "reason": ""})
    assert refused.status_code == 400
    assert "reason" in refused.context["form"].errors

    client.post(url, {"decision": "decline", "reason": "The same café runs already."})
    idea.refresh_from_db()
    assert idea.status == Status.DECLINED
    assert idea.decision_reason == "The same café runs already."


def test_deciding_twice_is_refused_with_a_clear_message(client, agent, make_idea):
    idea = make_idea("approved")
    client.force_login(agent)
    response = client.post(reverse("grants:agent_idea", args=[idea.pk]), {"decision": "approve"})
    assert response.status_code == 409
    assert "cannot be changed" in response.content.decode()


def test_the_maker_sends_the_closing_report(client, resident, make_idea):
    idea = make_idea("running")
    client.force_login(resident)
    response = client.post(
        reverse("grants:closing_report", args=[idea.pk]),
        {
            "what_happened": "Four cafés.",
            "participants_children": "30",
            "participants_youth": "0",
            "participants_adults": "4",
            "participants_elderly": "20",
            "actual_cost": "430.50",
            "what_worked": "Baking.",
            "what_did_not_work": "Mornings.",
            "lesson_1": "Generations meet best when they do something together.",
            "novelty": "4",
            "change": "3",
            "usefulness": "5",
            "continuation": "we_continue",
            "continuation_form": "Monthly.",
            "publish": "on",
        },
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Status.REPORTED
    assert idea.closing_report.actual_cost == Decimal("430.50")
    assert StatusChange.objects.filter(idea=idea, action="report").exists()


def test_a_bad_closing_report_keeps_the_text(client, resident, make_idea):
    idea = make_idea("approved")
    client.force_login(resident)
    response = client.post(
        reverse("grants:closing_report", args=[idea.pk]),
        {"what_happened": "We met four times.", "novelty": "9", "actual_cost": "-1"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"novelty", "actual_cost", "lesson_1", "what_worked"} <= set(errors)
    assert "We met four times." in response.content.decode()


def test_the_lesson_appears_on_the_district_page(client, manager, resident, make_idea, district):
    from grants import services
    from tests.factories import report_fields

    idea = make_idea("approved")
    services.closing_report_submit(
        idea=idea, by=resident, lessons=["Small sums make bold tries possible."], **report_fields()
    )
    client.force_login(manager)
    response = client.get(reverse("reports:district", args=[district.slug]))
    assert "Small sums make bold tries possible." in response.content.decode()


def test_unknown_idea_is_404(client, agent):
    client.force_login(agent)
    assert client.get(reverse("grants:agent_idea", args=[987654])).status_code == 404


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_queue_and_idea_page_run_the_same_queries_for_5_and_200_ideas(
    client, agent, make_idea, district, django_assert_max_num_queries
):
    ideas = [make_idea("submitted") for _ in range(5)]
    make_idea("running")
    client.force_login(agent)
    queue_url = reverse("grants:agent")
    idea_url = reverse("grants:agent_idea", args=[ideas[0].pk])
    queue_filtered = f"{queue_url}?district={district.slug}&q=caf&waiting=half"
    at_five = [_queries(client, url) for url in (queue_url, queue_filtered, idea_url)]

    for _ in range(195):
        make_idea("submitted")

    for url, count in zip((queue_url, queue_filtered, idea_url), at_five, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


def test_the_agents_idea_page_is_drawn_once_and_follows_every_part(
    agent, manager, resident, make_idea, django_assert_max_num_queries
):
    from decimal import Decimal

    from django.test import Client

    from common import fragments
    from grants import services
    from grants.models import ReasonTemplate
    from grants.services import pilots
    from tests import factories

    idea = make_idea("submitted", title="Lukukoira kirjastossa")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(agent)
    url = reverse("grants:agent_idea", args=[idea.pk])
    assert "Lukukoira kirjastossa" in first.get(url).content.decode()
    with django_assert_max_num_queries(2):  # the person, the idea's row
        assert first.get(url).status_code == 200
    # The makers' message, a budget line, a partner, a ready-made reason, a name: all show.
    services.message_post(idea=idea, by=resident, body="Koira on kiltti.")
    assert "Koira on kiltti." in first.get(url).content.decode()
    services.budget_line_add(
        idea=idea, by=resident, description="Koiran herkut", amount=Decimal(20)
    )
    assert "Koiran herkut" in first.get(url).content.decode()
    idea.partners.add(factories.ActorFactory(name="Kennelkerho"))
    assert "Kennelkerho" in first.get(url).content.decode()
    ReasonTemplate.objects.create(title="Liian iso", text="Liian iso kokeiluksi.")
    assert "Liian iso" in first.get(url).content.decode()
    resident.full_name = "Raili Asukas"
    resident.save()
    assert "Raili Asukas" in first.get(url).content.decode()
    # A manager reads the same idea without the decision form.
    second.force_login(manager)
    page = second.get(url).content.decode()
    assert "Koira on kiltti." in page and 'name="decision"' not in page
    # Another agent decides with their own token from the kept form; the page follows.
    second.force_login(factories.AgentFactory(email="colleague@example.org"))
    page = second.get(url).content.decode()
    assert fragments.CSRF_MARK not in page and 'name="decision"' in page
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = second.post(url, {"decision": "approve", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert 'name="decision"' not in first.get(url).content.decode()
    # The nightly sweep starts the pilot with a bulk update, which changes its time of change.
    idea.refresh_from_db()
    Idea.objects.filter(pk=idea.pk).update(starts_on=timezone.localdate())
    pilots.advance_pilots_by_date(today=timezone.localdate())
    idea.refresh_from_db()
    assert idea.status == "running"
    assert idea.get_status_display() in first.get(url).content.decode()
