"""The audit log records asking for more information, closing a pilot and releasing or
discarding held ideas; it names staff with their role in the reader's language and details by
their labels; a resident agent reads the events of their own districts."""

from django.urls import reverse

from audit.models import AuditEvent
from grants import services
from tests import factories


def test_the_missing_actions_are_recorded(agent, resident, make_idea):
    asked = make_idea("submitted")
    services.idea_ask_info(idea=asked, by=agent, question="Where?")
    closed = make_idea("closed")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditEvent.Action.IDEA_INFO_REQUESTED, AuditEvent.Action.PILOT_CLOSED} <= actions
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PILOT_CLOSED, object_id=str(closed.pk)
    ).exists()


def test_details_read_as_words_and_roles_in_the_readers_language(
    client, manager, agent, make_idea, settings
):
    idea = make_idea("approved")
    del idea
    settings.LANGUAGE_CODE = "fi"
    client.force_login(manager)
    page = client.get("/sv/agent/audit/").content.decode()
    assert "amount_asked" not in page and "bulk:" not in page
    assert "Invånaragenter" in page or "invånaragenter" in page.lower()
    assert f"{agent.full_name} (" in page


def test_an_agent_reads_only_the_events_of_their_districts(client, make_idea, district):
    other = factories.DistrictFactory(name="Jukola", slug="jukola")
    own_agent = factories.AgentFactory(email="own@example.org")
    own_agent.agent_districts.add(district)
    make_idea("approved", title="Omalla alueella")
    AuditEvent.objects.create(
        actor_label="system",
        action="idea_declined",
        object_type="idea",
        object_id="999999",
        details={"district": other.slug},
    )
    AuditEvent.objects.create(actor_label="system", action="export_made", details={"kind": "x"})
    client.force_login(own_agent)
    page = client.get(reverse("audit:log")).content.decode()
    assert "Idea approved" in page
    assert "idea #999999" not in page
    assert "Contents: x" not in page
