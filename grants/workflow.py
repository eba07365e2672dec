"""The minipilot workflow as one table.

Each row says which action moves an idea from which statuses to which status, and who may take
it. Services consult this table; nothing else changes a status.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    NEEDS_INFO = "needs_info", _("Needs more information")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    RUNNING = "running", _("Running")
    REPORT_DUE = "report_due", _("Closing report requested")
    REPORTED = "reported", _("Reported")
    CLOSED = "closed", _("Closed")
    DISCARDED = "discarded", _("Discarded as spam")


class Role(StrEnum):
    APPLICANT = "applicant"
    AGENT = "agent"
    SYSTEM = "system"


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    SUBMIT = "submit", _("Submit")
    ASK_INFO = "ask_info", _("Ask for more information")
    ANSWER = "answer", _("Answer and resubmit")
    APPROVE = "approve", _("Approve")
    DECLINE = "decline", _("Decline")
    WITHDRAW = "withdraw", _("Withdraw")
    START = "start", _("Start the pilot")
    REQUEST_REPORT = "request_report", _("Ask for the closing report")
    REPORT = "report", _("Send the closing report")
    RETURN_REPORT = "return_report", _("Return the closing report with a question")
    CLOSE = "close", _("Accept the report and close the pilot")
    DISCARD = "discard", _("Discard as spam")


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status
    roles: frozenset[Role]


def _row(action: Action, sources: set[Status], target: Status, roles: set[Role]) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles))


S, R, A = Status, Role, Action
TRANSITIONS: tuple[Transition, ...] = (
    _row(A.SUBMIT, {S.DRAFT}, S.SUBMITTED, {R.APPLICANT}),
    _row(A.ASK_INFO, {S.SUBMITTED}, S.NEEDS_INFO, {R.AGENT}),
    _row(A.ANSWER, {S.NEEDS_INFO}, S.SUBMITTED, {R.APPLICANT}),
    _row(A.APPROVE, {S.SUBMITTED, S.NEEDS_INFO}, S.APPROVED, {R.AGENT}),
    _row(A.DECLINE, {S.SUBMITTED, S.NEEDS_INFO}, S.DECLINED, {R.AGENT}),
    _row(A.WITHDRAW, {S.DRAFT, S.SUBMITTED, S.NEEDS_INFO}, S.WITHDRAWN, {R.APPLICANT}),
    _row(A.START, {S.APPROVED}, S.RUNNING, {R.SYSTEM, R.AGENT, R.APPLICANT}),
    _row(A.REQUEST_REPORT, {S.RUNNING}, S.REPORT_DUE, {R.SYSTEM, R.AGENT}),
    _row(A.REPORT, {S.APPROVED, S.RUNNING, S.REPORT_DUE}, S.REPORTED, {R.APPLICANT}),
    _row(A.RETURN_REPORT, {S.REPORTED}, S.REPORT_DUE, {R.AGENT}),
    _row(A.CLOSE, {S.REPORTED}, S.CLOSED, {R.AGENT}),
    # Only a held submission (suspected spam) may be discarded; its sender is not told.
    _row(A.DISCARD, {S.SUBMITTED}, S.DISCARDED, {R.AGENT}),
)
del S, R, A

TRANSITIONS_BY_ACTION: dict[Action, Transition] = {row.action: row for row in TRANSITIONS}

# Statuses in which the applicant may still edit what they wrote: until the decision.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.SUBMITTED, Status.NEEDS_INFO})
# Statuses of pilots that got a grant: the ones shown publicly and in reports.
GRANTED_STATUSES = frozenset(
    {Status.APPROVED, Status.RUNNING, Status.REPORT_DUE, Status.REPORTED, Status.CLOSED}
)
# Pilots that are over and told what they learned: the ones to learn from.
PAST_STATUSES = frozenset({Status.REPORTED, Status.CLOSED})
# Statuses waiting for the resident agent.
AWAITING_DECISION = frozenset({Status.SUBMITTED})


class WorkflowError(Exception):
    """An action that the workflow does not allow; the message is for the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def transition_for(*, action: Action, status: str, role: Role) -> Transition:
    """The row that allows `role` to take `action` on an idea in `status`, or WorkflowError."""
    row = TRANSITIONS_BY_ACTION.get(Action(action))
    if row is None:  # pragma: no cover - Action(action) already refuses unknown values
        raise WorkflowError(_("Unknown action."))
    if role not in row.roles:
        raise WorkflowError(
            _("You may not do this: “%(action)s”.") % {"action": Action(action).label}
        )
    if status not in row.sources:
        raise WorkflowError(
            _("An idea that is “%(status)s” cannot be changed with “%(action)s”.")
            % {"status": Status(status).label, "action": Action(action).label}
        )
    return row


def allowed_actions(*, status: str, role: Role) -> list[Action]:
    return [row.action for row in TRANSITIONS if status in row.sources and role in row.roles]
