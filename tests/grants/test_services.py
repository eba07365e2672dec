from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from grants import services
from grants.models import Grant, Round
from grants.workflow import Status
from tests import factories


def test_approve_grants_the_default_amount_and_tells_the_applicant(
    make_idea, agent, resident, django_capture_on_commit_callbacks
):
    idea = make_idea("submitted")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.idea_approve(idea=idea, by=agent)

    grant = Grant.objects.get(idea=idea)
    assert grant.amount == Decimal("500.00")
    assert grant.decided_by == agent
    idea.round.refresh_from_db()
    assert idea.round.granted_total == Decimal("500.00")
    assert [message.to for message in mail.outbox] == [[resident.email]]
    assert "500" in mail.outbox[0].body


def test_submit_notifies_every_agent_after_commit(
    make_idea, agent, django_capture_on_commit_callbacks
):
    second_agent = factories.AgentFactory(email="agent2@example.org")
    idea = make_idea("draft")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.idea_submit(idea=idea, by=idea.created_by)
    assert mail.outbox == []  # nothing is sent before the transaction commits

    for callback in callbacks:
        callback()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [agent.email, second_agent.email, idea.created_by.email]
    )


def test_email_is_in_the_recipients_language(
    make_idea, resident, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "fi"
    finnish_agent = factories.AgentFactory(email="aino@example.org", language="fi")
    idea = make_idea("draft")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_submit(idea=idea, by=resident)
    finnish = next(message for message in mail.outbox if message.to == [finnish_agent.email])
    english = next(message for message in mail.outbox if message.to == ["agent@example.org"])
    assert finnish.subject.startswith("Uusi idea")
    assert english.subject.startswith("New idea")
    assert f"/agent/ideas/{idea.pk}/" in finnish.body and "/en/" not in finnish.body
    assert f"/en/agent/ideas/{idea.pk}/" in english.body


def test_a_round_never_grants_more_than_its_budget(make_idea, agent, open_round):
    Round.objects.filter(pk=open_round.pk).update(budget=Decimal("700.00"))
    first, second = make_idea("submitted"), make_idea("submitted")
    services.idea_approve(idea=first, by=agent)

    with pytest.raises(services.BudgetExceeded):
        services.idea_approve(idea=second, by=agent)

    second.refresh_from_db()
    open_round.refresh_from_db()
    assert second.status == Status.SUBMITTED
    assert open_round.granted_total == Decimal("500.00")
    assert not Grant.objects.filter(idea=second).exists()


def test_the_database_itself_refuses_an_overspent_round(open_round):
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.filter(pk=open_round.pk).update(granted_total=open_round.budget + 1)


def test_amount_above_the_rounds_maximum_is_refused(make_idea, agent):
    idea = make_idea("submitted")
    with pytest.raises(ValidationError) as refused:
        services.idea_approve(idea=idea, by=agent, amount=Decimal("5000"))
    assert "amount" in refused.value.message_dict
    idea.refresh_from_db()
    assert idea.status == Status.SUBMITTED


def test_decline_needs_a_reason(make_idea, agent):
    idea = make_idea("submitted")
    with pytest.raises(ValidationError):
        services.idea_decline(idea=idea, by=agent, reason="  ")
    idea.refresh_from_db()
    assert idea.status == Status.SUBMITTED


def test_only_agents_decide_and_only_owners_submit(make_idea, resident, other_resident, manager):
    idea = make_idea("submitted")
    with pytest.raises(PermissionDenied):
        services.idea_approve(idea=idea, by=resident)
    with pytest.raises(PermissionDenied):
        services.idea_approve(idea=idea, by=manager)
    draft = make_idea("draft")
    with pytest.raises(PermissionDenied):
        services.idea_submit(idea=draft, by=other_resident)


def test_members_of_the_applicant_organisation_own_its_ideas(make_idea, resident, other_resident):
    association = factories.ActorFactory(members=[resident, other_resident])
    idea = make_idea("draft", applicant=association)
    services.idea_submit(idea=idea, by=other_resident)
    idea.refresh_from_db()
    assert idea.status == Status.SUBMITTED


def test_closing_report_keeps_one_to_five_lessons(make_idea, resident):
    idea = make_idea("approved")
    with pytest.raises(ValidationError):
        services.closing_report_submit(
            idea=idea, by=resident, lessons=["", "  "], **factories.report_fields()
        )
    report = services.closing_report_submit(
        idea=idea, by=resident, lessons=["One", "", "Two"], **factories.report_fields()
    )
    assert [lesson.text for lesson in report.lessons.all()] == ["One", "Two"]
    idea.refresh_from_db()
    assert idea.status == Status.REPORTED


def test_calendar_sweep_starts_and_ends_only_due_pilots(make_idea):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    due_to_start = make_idea("approved", starts_on=today, ends_on=today + timedelta(days=9))
    not_yet = make_idea(
        "approved", starts_on=today + timedelta(days=3), ends_on=today + timedelta(days=9)
    )
    ended = make_idea(
        "running", starts_on=today - timedelta(days=9), ends_on=today - timedelta(days=1)
    )

    assert services.advance_pilots_by_date(today=today) == {"started": 1, "report_due": 1}

    for idea in (due_to_start, not_yet, ended):
        idea.refresh_from_db()
    assert (due_to_start.status, not_yet.status, ended.status) == (
        "running",
        "approved",
        "report_due",
    )


def test_one_click_approval_never_grants_more_than_asked(make_idea, agent):
    idea = make_idea("submitted", amount=Decimal("320.00"))
    services.idea_approve(idea=idea, by=agent)
    assert Grant.objects.get(idea=idea).amount == Decimal("320.00")


def test_the_agents_of_an_idea_come_from_the_role_or_the_right_given_directly(
    db, district, open_round, make_idea
):
    from django.contrib.auth.models import Permission

    from grants import selectors

    other = factories.DistrictFactory(name="Jukola", slug="jukola")
    everywhere = factories.AgentFactory(email="everywhere@example.org")
    here = factories.AgentFactory(email="here@example.org")
    here.agent_districts.set([district])
    elsewhere = factories.AgentFactory(email="elsewhere@example.org")
    elsewhere.agent_districts.set([other])
    direct = factories.UserFactory(email="direct@example.org")
    direct.user_permissions.add(Permission.objects.get(codename="decide_idea"))
    gone = factories.AgentFactory(email="gone@example.org", is_active=False)
    factories.UserFactory(email="resident-only@example.org")

    assert set(selectors.resident_agents()) >= {everywhere, here, elsewhere, direct}
    assert gone not in selectors.resident_agents()
    idea = make_idea("submitted")
    agents = set(selectors.agents_of(idea=idea))
    assert {everywhere, here, direct} <= agents
    assert elsewhere not in agents and gone not in agents
