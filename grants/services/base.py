"""What the grants services share: the status change through the workflow table, its audit
row, and the emails to the maker."""

import uuid

from django.core.exceptions import PermissionDenied

from actors import roles
from actors.models import User

from ..models import (
    Idea,
    StatusChange,
)
from ..selectors import agents_of, idea_is_owned_by
from ..workflow import (
    Action,
    Role,
    WorkflowError,
    transition_for,
)
from .notifications import notify, notify_many


class BudgetExceeded(WorkflowError):
    pass


class RaceLost(WorkflowError):
    pass


# PostgreSQL's codes for a deadlock and a serialisation failure: the transaction was rolled back
# whole, and running it again is safe.
RETRYABLE = {"40P01", "40001"}


def once_more_if_raced(call):
    """Run a service; if the database rolled it back for a race with another transaction, run
    it once more; a second loss is a RaceLost with a message for the person (nothing changed)."""
    from django.db import OperationalError
    from django.utils.translation import gettext as _

    for attempt in range(2):
        try:
            return call()
        except OperationalError as error:
            cause = error.__cause__
            retryable = getattr(cause, "sqlstate", None) in RETRYABLE
            if not retryable:
                raise
            if attempt:
                raise RaceLost(
                    _(
                        "Another decision was saved at the same moment; nothing was changed. "
                        "Try again."
                    )
                ) from error
    return None


class DuplicateSubmission(Exception):
    """The same filling of the form was sent twice (a double click); the idea exists."""

    def __init__(self, idea: Idea):
        super().__init__(idea.pk)
        self.idea = idea


def _require_role(*, user: User | None, idea: Idea, role: Role) -> None:
    if role is Role.SYSTEM:
        return
    if role is Role.AGENT and not (roles.is_agent(user) and roles.in_scope(user, idea.district_id)):
        raise PermissionDenied
    if role is Role.APPLICANT and not idea_is_owned_by(idea=idea, user=user):
        raise PermissionDenied


def _change_status(
    *, idea: Idea, action: Action, by: User | None, role: Role, reason: str = ""
) -> Idea:
    """Lock the idea, check the table, change the status and write the audit row."""
    _require_role(user=by, idea=idea, role=role)
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    row = transition_for(action=action, status=locked.status, role=role)
    StatusChange.objects.create(
        idea=locked,
        by=by,
        action=action,
        from_status=locked.status,
        to_status=row.target,
        reason=reason,
    )
    locked.status = row.target
    return locked


def _save(idea: Idea, *fields: str) -> None:
    idea.save(update_fields=[*fields, "status", "updated_at"])


def _announce_submission(idea: Idea) -> None:
    """The district's agents and the maker told, in three queries however many agents."""
    messages = [(agent, "idea_submitted") for agent in agents_of(idea=idea)]
    messages.append((idea.created_by, "idea_received"))
    notify_many(
        [
            {
                "recipient": recipient,
                "kind": kind,
                "idea": idea,
                "dedup_key": f"{kind}:{idea.pk}:{recipient.pk}:{uuid.uuid4().hex}",
            }
            for recipient, kind in messages
        ]
    )


def _tell_maker(idea: Idea, kind: str, **context) -> None:
    notify(recipient=idea.created_by, kind=kind, idea=idea, context=context)
