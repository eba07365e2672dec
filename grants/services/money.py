"""Payments of granted money."""

import secrets
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
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
    PaymentBatch,
    Round,
)
from ..workflow import (
    WorkflowError,
)
from .base import (
    _tell_maker,
)


def _payment_date_checked(paid_on: date) -> None:
    if paid_on > timezone.localdate():
        raise ValidationError(
            {"paid_on": _("A payment date cannot be in the future.")}, code="future"
        )


@transaction.atomic
def grant_mark_paid(*, grant: Grant, by: User, paid_on: date, reference: str = "") -> Grant:
    """Record the payment of a grant: when, with which reference, and who marked it."""
    if not (roles.can_pay(by) and roles.in_scope(by, grant.idea.district_id)):
        raise PermissionDenied
    _payment_date_checked(paid_on)
    locked = Grant.objects.select_for_update().get(pk=grant.pk)
    if locked.payment_state == Grant.Payment.PAID:
        raise WorkflowError(_("This grant is already marked as paid."))
    if locked.batch_id and locked.batch.state == PaymentBatch.State.OPEN:
        raise WorkflowError(
            _("This grant is in a payment batch: mark the batch paid, or cancel it first.")
        )
    return _record_payment(locked, by=by, paid_on=paid_on, reference=reference)


def _record_payment(locked: Grant, *, by: User, paid_on: date, reference: str) -> Grant:
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


# Payment batches: the grants to pay in one bank file.


def end_to_end_id(grant: Grant) -> str:
    """The payment's own id in the bank file, on the statement beside it."""
    return f"MINIPILOT-{grant.pk}"


@transaction.atomic
def batch_create(*, grant_ids: list[int], by: User, execution_date: date) -> PaymentBatch:
    """Put the chosen grants to pay in one batch. The grants are locked in id order, so two
    agents making batches at once wait for each other, and a grant already in a batch, paid,
    outside the agent's districts or without its payee is refused by name: nothing is made."""
    if not roles.can_pay(by):
        raise PermissionDenied
    if execution_date < timezone.localdate():
        raise ValidationError(
            {"execution_date": _("The bank cannot pay on a day that has passed.")}, code="past"
        )
    ids = sorted({int(pk) for pk in grant_ids})
    if not ids:
        raise ValidationError(_("Choose the grants to pay first."), code="empty")
    # Not joined with the batch: a grant locked after waiting for another agent's batch is read
    # again with that batch's id, but a joined row would still be the one of before the wait.
    locked = list(
        Grant.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("idea", "idea__applicant")
        .order_by("pk")
    )
    if len(locked) != len(ids):
        raise ValidationError(_("Choose the grants to pay first."), code="empty")
    payees = set(
        Payee.objects.filter(actor__in=[g.idea.applicant_id for g in locked]).values_list(
            "actor_id", flat=True
        )
    )
    problems = []
    for grant in locked:
        if not roles.in_scope(by, grant.idea.district_id):
            raise PermissionDenied
        if grant.payment_state == Grant.Payment.PAID:
            problems.append(_("%(title)s is already paid.") % {"title": grant.idea.title})
        elif grant.batch_id and grant.batch.state == PaymentBatch.State.OPEN:
            problems.append(
                _("%(title)s is already in another payment batch.") % {"title": grant.idea.title}
            )
        elif grant.idea.applicant_id not in payees:
            problems.append(
                _("%(title)s: the makers have not yet said where to pay it.")
                % {"title": grant.idea.title}
            )
    if problems:
        raise ValidationError(problems, code="refused")
    batch = PaymentBatch.objects.create(
        created_by=by,
        message_id=f"MINIPILOT-{timezone.localdate():%Y%m%d}-{secrets.token_hex(6).upper()}",
        execution_date=execution_date,
        total=sum((grant.amount for grant in locked), start=Decimal("0")),
    )
    Grant.objects.filter(pk__in=ids).update(batch=batch)
    audit_record(
        by, AuditEvent.Action.PAYMENT_BATCH, batch, change="made", grants=ids, total=batch.total
    )
    return batch


@transaction.atomic
def batch_mark_paid(
    *, batch: PaymentBatch, by: User, paid_on: date, reference: str = ""
) -> PaymentBatch:
    """The bank paid the batch: each of its grants is recorded paid with the date and the
    reference, once; marking it again is refused."""
    if not roles.can_pay(by):
        raise PermissionDenied
    _payment_date_checked(paid_on)
    locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.state != PaymentBatch.State.OPEN:
        raise WorkflowError(_("This payment batch is already marked as paid or cancelled."))
    grants = list(
        Grant.objects.select_for_update(of=("self",))
        .filter(batch=locked)
        .select_related("idea")
        .order_by("pk")
    )
    for grant in grants:
        if not roles.in_scope(by, grant.idea.district_id):
            raise PermissionDenied
        if grant.payment_state != Grant.Payment.PAID:
            _record_payment(
                grant, by=by, paid_on=paid_on, reference=reference or end_to_end_id(grant)
            )
    locked.state = PaymentBatch.State.PAID
    locked.paid_on = paid_on
    locked.reference = reference.strip()[:100]
    locked.paid_by = by
    locked.save()
    audit_record(by, AuditEvent.Action.PAYMENT_BATCH, locked, change="paid", paid_on=paid_on)
    return locked


@transaction.atomic
def batch_cancel(*, batch: PaymentBatch, by: User) -> PaymentBatch:
    """A batch the bank did not pay: its grants are free for another batch."""
    if not roles.can_pay(by):
        raise PermissionDenied
    locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.state != PaymentBatch.State.OPEN:
        raise WorkflowError(_("This payment batch is already marked as paid or cancelled."))
    Grant.objects.filter(batch=locked).update(batch=None)
    locked.state = PaymentBatch.State.CANCELLED
    locked.save(update_fields=["state"])
    audit_record(by, AuditEvent.Action.PAYMENT_BATCH, locked, change="cancelled")
    return locked


# Who is paid: an actor's payee, given by its makers after an approval.


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
    if not selectors.payee_needed(idea=idea):
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
