"""Payments of granted money."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from actors import roles
from actors.models import Actor, User
from audit.models import AuditEvent
from audit.services import record as audit_record

from ..models import (
    Grant,
    Payee,
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


# Who is paid: an actor's payee, given by its makers after an approval.


def payee_needed(*, idea) -> bool:
    """The idea has a grant still to pay and an applicant paid by bank transfer (a city unit
    is paid within the city's own accounts)."""
    grant = getattr(idea, "grant", None)
    return (
        grant is not None
        and grant.payment_state == Grant.Payment.TO_PAY
        and idea.applicant.kind != Actor.Kind.CITY_UNIT
    )


@transaction.atomic
def payee_save(
    *, idea, by: User, name: str, iban: str, bic: str = "", business_id: str = ""
) -> Payee:
    """Keep where the applicant's grants are paid, for this grant and its later ones. Only
    the idea's makers give it, while a grant is still to pay; the audit row says that it
    changed, never the account."""
    from .. import selectors

    if not selectors.idea_is_owned_by(idea=idea, user=by):
        raise PermissionDenied
    if not payee_needed(idea=idea):
        raise WorkflowError(_("This pilot has no grant waiting to be paid."))
    actor = Actor.objects.select_for_update().get(pk=idea.applicant_id)
    organisation = actor.kind != Actor.Kind.RESIDENT
    payee, _created = Payee.objects.update_or_create(
        actor=actor,
        defaults={
            "name": name.strip(),
            "iban": iban,
            "bic": bic,
            "business_id": business_id.strip() if organisation else "",
            "updated_at": timezone.now(),
            "updated_by": by,
        },
    )
    if organisation and business_id and not actor.business_id:
        actor.business_id = business_id.strip()
        actor.save(update_fields=["business_id"])
    audit_record(by, AuditEvent.Action.PAYEE_CHANGED, actor, idea=idea.pk)
    return payee
