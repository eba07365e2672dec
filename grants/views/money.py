"""Money for the agent and the finance office: budgets and what is left, recording a payment,
and the grants as a spreadsheet."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors import roles
from actors.decorators import role_required
from audit import services as audit_services
from common.posted import posted_text
from common.spreadsheet import csv_response

from .. import selectors, services
from ..workflow import WorkflowError
from .base import dashboard_part, error_text


@role_required(roles.can_view_dashboard)
def agent_money(request):
    """Each round's budget, granted, paid and left, and the grants still to pay."""
    return dashboard_part(
        request,
        "grants/partials/money.html",
        {
            "heading": _("Money"),
            "rounds": selectors.rounds_money(today=timezone.localdate()),
            "to_pay": selectors.grants_to_pay(user=request.user)[: selectors.TO_PAY_ROWS],
        },
    )


@role_required(roles.is_agent)
@require_POST
def grant_paid(request, grant_id: int):
    grant = selectors.grants_for_finance(user=request.user).filter(pk=grant_id).first()
    if grant is None:
        raise Http404
    try:
        paid_on = date.fromisoformat(request.POST.get("paid_on", ""))
    except ValueError:
        messages.error(request, _("Give the payment date."))
        return redirect("grants:agent")
    try:
        services.grant_mark_paid(
            grant=grant,
            by=request.user,
            paid_on=paid_on,
            reference=posted_text(request, "reference", 100),
        )
    except (WorkflowError, ValidationError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The payment is recorded."))
    return redirect("grants:agent")


@role_required(roles.can_view_dashboard)
def payments_csv(request):
    """Every grant with its payment for the finance office, one row per grant."""
    header = [
        _("Grant"),
        _("Pilot"),
        _("Applicant"),
        _("District"),
        _("Round"),
        _("Amount (€)"),
        _("Decided"),
        _("Payment"),
        _("Paid on"),
        _("Payment reference"),
    ]
    audit_services.export_made(by=request.user, kind="payments_csv")
    grants = selectors.grants_for_finance(user=request.user).iterator(chunk_size=500)
    rows = (
        (
            grant.pk,
            grant.idea.title,
            grant.idea.applicant.display_name,
            grant.idea.district.name,
            grant.round.name,
            grant.amount,
            grant.decided_at.date().isoformat(),
            grant.get_payment_state_display(),
            grant.paid_on.isoformat() if grant.paid_on else "",
            grant.payment_reference,
        )
        for grant in grants
    )
    return csv_response(filename="minipilot-grants.csv", header=header, rows=rows)
