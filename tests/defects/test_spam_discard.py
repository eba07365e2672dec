"""A held submission (suspected spam) can be discarded without an email to its sender: an audit
row is written and the idea is kept for the moderation statistics; while it is held, the
agent's idea page offers release or discard, never the grant buttons."""

from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from grants import services
from grants.models import Idea
from grants.workflow import Status


def _held(make_idea, resident):
    idea = make_idea("draft", title="Halpoja lääkkeitä verkosta")
    services.idea_submit(idea=idea, by=resident, hold_reason="honeypot")
    idea.refresh_from_db()
    assert idea.held_reason
    return idea


def test_discarding_spam_tells_nobody_and_is_audited(client, agent, resident, make_idea):
    idea = _held(make_idea, resident)
    client.force_login(agent)
    mail.outbox.clear()
    response = client.post(reverse("grants:agent_discard_spam", args=[idea.pk]))
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Status.DISCARDED
    assert mail.outbox == []
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.IDEA_DISCARDED, object_id=str(idea.pk)
    ).exists()
    assert Idea.objects.filter(pk=idea.pk).exists()  # kept for the statistics
    assert idea.title not in client.get(reverse("grants:agent")).content.decode()


def test_only_a_held_idea_can_be_discarded(client, agent, make_idea):
    idea = make_idea("submitted")
    client.force_login(agent)
    client.post(reverse("grants:agent_discard_spam", args=[idea.pk]))
    idea.refresh_from_db()
    assert idea.status == Status.SUBMITTED


def test_the_held_list_offers_discard_and_the_idea_page_no_grant_buttons(
    client, agent, resident, make_idea
):
    idea = _held(make_idea, resident)
    client.force_login(agent)
    dashboard = client.get(reverse("grants:agent")).content.decode()
    assert reverse("grants:agent_discard_spam", args=[idea.pk]) in dashboard
    page = client.get(reverse("grants:agent_idea", args=[idea.pk])).content.decode()
    assert reverse("grants:agent_discard_spam", args=[idea.pk]) in page
    assert 'name="decision"' not in page


def test_releasing_a_held_idea_is_audited(client, agent, resident, make_idea):
    idea = _held(make_idea, resident)
    client.force_login(agent)
    client.post(reverse("grants:agent_release", args=[idea.pk]))
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.IDEA_RELEASED, object_id=str(idea.pk)
    ).exists()


def test_the_held_reason_is_stored_as_a_code_and_shown_in_the_readers_language(
    client, agent, resident, make_idea, settings
):
    idea = _held(make_idea, resident)
    assert idea.held_reason == "honeypot"
    client.force_login(agent)
    settings.LANGUAGE_CODE = "fi"
    page = client.get("/sv/agent/").content.decode()
    assert "ett dolt fält var ifyllt" in page
    assert "a hidden field was filled in" not in page
