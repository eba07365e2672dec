"""Every allowed transition works through its service and writes an audit row; every other
action is refused with a clear error and changes nothing."""

import pytest

from grants.models import StatusChange
from grants.workflow import TRANSITIONS, Action, Role, Status, WorkflowError, transition_for
from tests.factories import take_action

ALLOWED = [
    (row.action.value, source.value, row.target.value)
    for row in TRANSITIONS
    for source in row.sources
]
REFUSED = [
    (row.action.value, status.value)
    for row in TRANSITIONS
    for status in Status
    if status not in row.sources
]


@pytest.mark.parametrize(("action", "source", "target"), ALLOWED)
def test_allowed_transition_changes_status_and_writes_audit_row(
    make_idea, resident, agent, action, source, target
):
    idea = make_idea(source)
    audit_before = StatusChange.objects.filter(idea=idea).count()

    take_action(action, idea, applicant=resident, agent=agent)

    assert idea.status == target
    last = StatusChange.objects.filter(idea=idea).latest("created_at", "id")
    assert StatusChange.objects.filter(idea=idea).count() == audit_before + 1
    assert (last.action, last.from_status, last.to_status) == (action, source, target)


@pytest.mark.parametrize(("action", "status"), REFUSED)
def test_disallowed_transition_is_refused_and_changes_nothing(
    make_idea, resident, agent, action, status
):
    idea = make_idea(status)
    audit_before = StatusChange.objects.filter(idea=idea).count()

    with pytest.raises(WorkflowError) as refused:
        take_action(action, idea, applicant=resident, agent=agent)

    idea.refresh_from_db()
    assert idea.status == status
    assert StatusChange.objects.filter(idea=idea).count() == audit_before
    assert str(Status(status).label) in str(refused.value.message)


def test_every_status_is_reachable_and_every_action_has_a_row():
    targets = {row.target for row in TRANSITIONS}
    assert targets | {Status.DRAFT} == set(Status)
    assert {row.action for row in TRANSITIONS} == set(Action) - {Action.CREATE}


def test_a_role_outside_the_row_is_refused():
    with pytest.raises(WorkflowError):
        transition_for(action=Action.APPROVE, status=Status.SUBMITTED, role=Role.APPLICANT)
    with pytest.raises(WorkflowError):
        transition_for(action=Action.SUBMIT, status=Status.DRAFT, role=Role.AGENT)


def test_creation_is_recorded_in_the_audit_trail(make_idea, resident):
    idea = make_idea("draft")
    change = StatusChange.objects.get(idea=idea)
    assert (change.action, change.from_status, change.to_status, change.by) == (
        "create",
        "",
        "draft",
        resident,
    )
