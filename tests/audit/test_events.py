"""Each recorded action leaves exactly one audit event with the right actor, action and record,
inside the transaction of the change; no label or detail names a person."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from grants import services
from grants.models import Grant


def events(action: str, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters))


def only_event(action: str, obj) -> AuditEvent:
    found = events(action, object_type=obj._meta.model_name, object_id=str(obj.pk))
    assert len(found) == 1, found
    return found[0]


def test_an_approval_with_an_amount(make_idea, agent):
    idea = make_idea("submitted")
    services.idea_approve(idea=idea, by=agent, amount=Decimal("420.50"))
    event = only_event("idea_approved", idea)
    assert event.actor == agent
    assert event.details["amount"] == "420.50"
    assert event.details["district"] == idea.district.slug
    assert agent.email not in event.actor_label
    assert event.actor_label == f"user #{agent.pk} (Resident agents)"
    assert not events("idea_fast_tracked")


def test_the_one_click_approval_is_a_fast_track(make_idea, agent):
    idea = make_idea("submitted")
    services.idea_approve(idea=idea, by=agent)
    event = only_event("idea_fast_tracked", idea)
    assert event.actor == agent and event.details["amount"] == "500.00"
    assert not events("idea_approved")


def test_a_decline(make_idea, agent):
    idea = make_idea("submitted")
    services.idea_decline(idea=idea, by=agent, reason="Out of scope.")
    assert only_event("idea_declined", idea).actor == agent


def test_a_bulk_approval_records_one_event_per_idea(make_idea, agent):
    ideas = [make_idea("submitted"), make_idea("submitted")]
    services.ideas_approve_bulk(ideas=ideas, by=agent)
    for idea in ideas:
        event = only_event("idea_fast_tracked", idea)
        assert event.actor == agent and event.details["bulk"] is True
    assert len(events("idea_fast_tracked")) == 2


def test_a_refused_approval_leaves_no_event(make_idea, agent, open_round):
    open_round.budget = Decimal("600.00")
    open_round.save()
    first, second = make_idea("submitted"), make_idea("submitted")
    services.idea_approve(idea=first, by=agent)
    with pytest.raises(services.BudgetExceeded):
        services.idea_approve(idea=second, by=agent)
    assert events("idea_fast_tracked", object_id=str(second.pk)) == []


def test_marking_a_grant_paid(make_idea, agent):
    grant = Grant.objects.get(idea=make_idea("approved"))
    services.grant_mark_paid(grant=grant, by=agent, paid_on=date(2026, 3, 1), reference="R-1")
    event = only_event("grant_paid", grant)
    assert event.actor == agent
    assert event.details == {"amount": "500.00", "paid_on": "2026-03-01", "idea": grant.idea_id}


def test_the_district_csv_and_the_payments_csv(client, manager, district, make_idea):
    make_idea("approved")
    client.force_login(manager)
    response = client.get(reverse("reports:district_csv", args=[district.slug]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    event = only_event("export_made", district)
    assert event.actor == manager and event.details == {"kind": "district_csv"}

    response = client.get(reverse("grants:payments_csv"))
    assert response.status_code == 200
    [payments] = events("export_made", details__kind="payments_csv")
    assert payments.actor == manager
    assert len(events("export_made")) == 2


def test_a_refused_export_leaves_no_event(client, resident, district):
    client.force_login(resident)
    assert client.get(reverse("reports:district_csv", args=[district.slug])).status_code == 403
    assert client.get(reverse("grants:payments_csv")).status_code == 403
    assert not events("export_made")


def test_asking_for_a_large_export(client, manager, district):
    client.force_login(manager)
    client.post(reverse("reports:district_export", args=[district.slug]))
    event = only_event("export_made", district)
    assert event.actor == manager and event.details["kind"] == "district_export_task"


@pytest.mark.needs_pdf
def test_the_pdf(client, manager, district):
    client.force_login(manager)
    assert client.get(reverse("reports:district_pdf", args=[district.slug])).status_code == 200
    event = only_event("export_made", district)
    assert event.actor == manager and event.details["kind"] == "district_pdf"


def test_a_person_downloading_their_data(client, resident):
    client.force_login(resident)
    client.get(reverse("actors:data_export"))
    event = only_event("data_exported", resident)
    assert event.actor == resident
    assert event.actor_label == f"user #{resident.pk} (resident)"
