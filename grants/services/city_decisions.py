"""The decision stage: after a pilot's closing report, the city records whether the activity is
needed in future and in what form (a permanent service, another round, spread to other
districts, left to its makers or an association, or stopped), why, who owns it, what it costs a
year and from which funding line, and when to look at it again. The follow-up sweep reminds the
owner on that date, once per date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from actors import roles
from actors.models import District, User
from audit.models import AuditEvent
from audit.services import record as audit_record

from ..models import CityDecision, Idea
from ..selectors import decision_owners
from ..workflow import PAST_STATUSES
from .notifications import notify

Outcome = CityDecision.Outcome
# Outcomes that leave nothing for the city to own or pay.
WITHOUT_OWNER = {Outcome.STOP, Outcome.MAKERS}


def _cost(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        cost = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"yearly_cost": _("Give the yearly cost in euros.")}) from None
    if cost < 0 or cost >= Decimal("100000000"):
        raise ValidationError({"yearly_cost": _("Give the yearly cost in euros.")})
    return cost


@transaction.atomic
def city_decision_record(
    *,
    idea: Idea,
    by: User,
    outcome: str,
    reason: str,
    unit: str = "",
    owner: User | None = None,
    yearly_cost=None,
    funding_line: str = "",
    follow_up_on: date | None = None,
    spread_to: list[District] | None = None,
    today: date | None = None,
) -> CityDecision:
    """Record (or change) the city's decision on a reported or closed pilot."""
    if not roles.can_record_city_decisions(by):
        raise PermissionDenied
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if idea.status not in PAST_STATUSES:
        raise ValidationError(_("The city decides on a pilot once its closing report is in."))
    today = today or timezone.localdate()
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose what the city decided.")
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why: the makers and the council will read it.")
    unit, funding_line = (unit or "").strip()[:200], (funding_line or "").strip()[:200]
    needs_owner = outcome not in WITHOUT_OWNER
    if needs_owner and owner is None:
        errors["owner"] = _("Name the person responsible for this decision.")
    if needs_owner and not unit:
        errors["unit"] = _("Name the unit responsible for this decision.")
    if owner is not None and not decision_owners().filter(pk=owner.pk).exists():
        errors["owner"] = _("The person responsible must be one of the city's staff.")
    if needs_owner and follow_up_on is None:
        errors["follow_up_on"] = _("Give a date to look at it again.")
    if follow_up_on is not None and follow_up_on <= today:
        errors["follow_up_on"] = _("The follow-up date must be in the future.")
    spread_to = [district for district in (spread_to or []) if district.pk != idea.district_id]
    if outcome == Outcome.SPREAD and not spread_to:
        errors["spread_to"] = _("Choose the districts it spreads to.")
    try:
        cost = _cost(yearly_cost)
    except ValidationError as error:
        errors.update(error.message_dict)
        cost = None
    if errors:
        raise ValidationError(errors)
    decision, created = CityDecision.objects.update_or_create(
        idea=idea,
        defaults={
            "outcome": outcome,
            "reason": reason[:2000],
            "unit": unit,
            "owner": owner,
            "yearly_cost": cost,
            "funding_line": funding_line,
            "follow_up_on": follow_up_on,
            "decided_by": by,
            "decided_at": timezone.now(),
        },
    )
    decision.spread_to.set(spread_to if outcome == Outcome.SPREAD else [])
    audit_record(
        by,
        AuditEvent.Action.CITY_DECIDED,
        idea,
        change="recorded" if created else "changed",
        outcome=outcome,
        owner=owner.pk if owner else None,
        unit=unit,
        yearly_cost=str(cost) if cost is not None else "",
        funding_line=funding_line,
        follow_up_on=follow_up_on.isoformat() if follow_up_on else "",
        spread_to=[district.slug for district in spread_to] if outcome == Outcome.SPREAD else [],
    )
    return decision


def decision_follow_ups(*, today: date) -> int:
    """Remind each owner whose decision's follow-up date has come, once per date."""
    due = (
        CityDecision.objects.filter(follow_up_on__lte=today, owner__isnull=False)
        .exclude(reminded_for=F("follow_up_on"))
        .select_related("idea", "owner")
    )
    sent = 0
    for decision in due:
        with transaction.atomic():
            sent += bool(
                notify(
                    recipient=decision.owner,
                    kind="decision_follow_up",
                    idea=decision.idea,
                    context={"follow_up_on": decision.follow_up_on.isoformat()},
                    dedup_key=f"decision_follow_up:{decision.pk}:{decision.follow_up_on}",
                )
            )
            CityDecision.objects.filter(pk=decision.pk).update(reminded_for=decision.follow_up_on)
    return sent
