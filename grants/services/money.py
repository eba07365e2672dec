"""Payments of granted money."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from actors import roles
from actors.models import User
from audit.models import AuditEvent
from audit.services import record as audit_record

from ..models import (
    Grant,
    Round,
)
from ..workflow import (
    WorkflowError,
)
from .base import (
    _tell_maker,
)


@transaction.atomic
def grant_mark_paid(*, grant: Grant, by: User, paid_on: date, reference: str = "") -> Grant:
    """Record the payment of a grant: when, with which reference, and who marked it."""
    if not (roles.is_agent(by) and roles.in_scope(by, grant.idea.district_id)):
        raise PermissionDenied
    locked = Grant.objects.select_for_update().get(pk=grant.pk)
    if locked.payment_state == Grant.Payment.PAID:
        raise WorkflowError(_("This grant is already marked as paid."))
    locked.payment_state = Grant.Payment.PAID
    locked.paid_on = paid_on
    locked.payment_reference = reference.strip()[:100]
    locked.paid_by = by
    locked.paid_marked_at = timezone.now()
    locked.save()
    Round.objects.filter(pk=locked.round_id).update(paid_total=F("paid_total") + locked.amount)
    audit_record(
        by,
        AuditEvent.Action.GRANT_PAID,
        locked,
        amount=locked.amount,
        paid_on=paid_on,
        idea=locked.idea_id,
    )
    _tell_maker(locked.idea, "grant_paid", grant_id=locked.pk)
    return locked
