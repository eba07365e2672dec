"""Money for the agent and the finance office: budgets and what is left, recording a payment,
and the grants as a spreadsheet."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors import roles
from actors.decorators import role_required
from actors.models import Actor
from audit import services as audit_services
from common import fragments, versions
from common.posted import posted, posted_text
from common.spreadsheet import csv_response, xlsx_response

from .. import payment_files, selectors, services
from ..forms import BatchPaidForm, PayeeForm, PaymentBatchForm
from ..models import PaymentBatch
from ..workflow import WorkflowError
from .base import add_service_errors, dashboard_page, error_text, kept_page_part, owned_idea

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def idea_payee(request, idea_id: int):
    """The makers say where the grant is paid, once it is approved: the payee and the account,
    kept for the applicant's later grants. What was typed stays in the form on an error."""
    idea = owned_idea(request, idea_id)
    if not selectors.payee_needed(idea=idea):
        raise Http404
    actor = idea.applicant
    organisation = actor.kind != Actor.Kind.RESIDENT
    current = selectors.payee_of(actor=actor)
    initial = (
        {"name": current.name, "business_id": current.business_id, "iban": current.iban_grouped}
        if current
        else {"name": actor.name, "business_id": actor.business_id}
    )
    form = PayeeForm(posted(request), initial=initial, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.payee_save(idea=idea, by=request.user, bic=form.bic, **form.cleaned_data)
        except (WorkflowError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: the grant will be paid to this account."))
            return redirect("grants:idea", idea.pk)
    status = 400 if request.method == "POST" else 200
    context = {"idea": idea, "form": form, "organisation": organisation, "current": current}
    return render(request, "grants/payee.html", context, status=status)


@role_required(roles.can_view_money)
def agent_money(request):
    """Each round's budget, granted, paid and left, and the grants still to pay. The finance
    office has this page as its own, without the dashboard it cannot open.

    The same for everyone with the same districts and rights: drawn once a day until money, an
    idea of those districts or a name changes."""
    user = request.user
    scope = roles.district_ids_in_scope(user)
    dashboard, can_pay = roles.can_view_dashboard(user), roles.can_pay(user)
    today = timezone.localdate()
    districts = (
        [versions.IDEAS_ANYWHERE]
        if scope is None
        else [versions.district_ideas(pk) for pk in sorted(scope)]
    )
    key = fragments.key(
        request,
        "money",
        f"{int(dashboard)}{int(can_pay)}{fragments.digest(repr(scope))}",
        today.isoformat(),
        names=[versions.MONEY, versions.PUBLIC, *districts],
    )

    def build():
        return {
            "rounds": selectors.rounds_money(today=today),
            "to_pay": selectors.grants_to_pay(user=user)[: selectors.TO_PAY_ROWS],
            "batches": selectors.payment_batches(user=user).filter(state=PaymentBatch.State.OPEN)[
                :20
            ]
            if can_pay
            else [],
            "tomorrow": today + timedelta(days=1),
        }

    page = dashboard_page(_("Money"), finance=not dashboard)
    return kept_page_part(
        request, "grants/partials/money.html", page=page, key=key, build=build, forms=True
    )


@role_required(roles.can_pay)
@require_POST
def grant_paid(request, grant_id: int):
    """One grant paid by hand; the answer comes back to the money page."""
    grant = selectors.grants_for_finance(user=request.user).filter(pk=grant_id).first()
    if grant is None:
        raise Http404
    try:
        paid_on = date.fromisoformat(request.POST.get("paid_on", ""))
    except ValueError:
        messages.error(request, _("Give the payment date."))
        return redirect("grants:agent_money")
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
    return redirect("grants:agent_money")


@role_required(roles.can_view_money)
def payments_csv(request):
    """Every grant with its payment for the finance office, one row per grant."""
    header, rows = _payments_table(request, kind="payments_csv")
    return csv_response(filename="minipilot-grants.csv", header=header, rows=rows)


@role_required(roles.can_view_money)
def payments_xlsx(request):
    """The same grants as an XLSX workbook, for spreadsheets set to Finnish."""
    header, rows = _payments_table(request, kind="payments_xlsx")
    return xlsx_response(filename="minipilot-grants.xlsx", header=header, rows=rows)


def _payments_table(request, *, kind: str):
    """The grants to pay as a table: the header and the rows, read in chunks."""
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
    # The payee and the account, for those who pay (the agents and the finance office), never
    # for the managers.
    with_bank = roles.can_pay(request.user)
    if with_bank:
        header += [_("Payee"), _("Business ID (Y-tunnus)"), _("Account number (IBAN)"), _("BIC")]
    audit_services.export_made(by=request.user, kind=kind)
    grants = selectors.grants_for_finance(user=request.user)
    if with_bank:
        grants = grants.select_related("idea__applicant__payee")

    def bank(grant) -> tuple:
        payee = getattr(grant.idea.applicant, "payee", None)
        return (payee.name, payee.business_id, payee.iban, payee.bic) if payee else ("",) * 4

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
            *(bank(grant) if with_bank else ()),
        )
        for grant in grants.iterator(chunk_size=500)
    )
    return header, rows


# Payment batches: one bank file for many grants.


def _batch_or_404(request, batch_id: int):
    batch = selectors.payment_batches(user=request.user).filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    return batch


@role_required(roles.can_pay)
@require_POST
def batch_create(request):
    """The grants ticked on the money page, in one batch; a refusal names each grant."""
    form = PaymentBatchForm(request.POST)
    ids = [value for value in request.POST.getlist("grants") if value.isdigit()]
    if not form.is_valid():
        messages.error(request, _("Give the payment date asked of the bank."))
        return redirect("grants:agent_money")
    try:
        batch = services.batch_create(
            grant_ids=[int(pk) for pk in ids],
            by=request.user,
            execution_date=form.cleaned_data["execution_date"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("grants:agent_money")
    messages.success(
        request,
        _("The payment batch is made: download its file for the bank."),
    )
    return redirect("grants:payment_batch", batch.pk)


@role_required(roles.can_pay)
def payment_batch(request, batch_id: int):
    batch = _batch_or_404(request, batch_id)
    return _batch_page(request, batch, BatchPaidForm(initial={"paid_on": timezone.localdate()}))


def _batch_page(request, batch, form, status=200):
    context = {"batch": batch, "grants": selectors.batch_grants(batch=batch), "form": form}
    return render(request, "grants/payment_batch.html", context, status=status)


@role_required(roles.can_pay)
def batch_sepa_file(request, batch_id: int):
    """The batch as a SEPA credit transfer (pain.001) for the city's bank."""
    batch = _batch_or_404(request, batch_id)
    content = payment_files.sepa_credit_transfer(batch)
    audit_services.export_made(by=request.user, kind="payment_batch_sepa", obj=batch)
    response = HttpResponse(content, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{batch.message_id}.xml"'
    return response


@role_required(roles.can_pay)
def batch_spreadsheet(request, batch_id: int):
    """The batch as an XLSX list for the finance office."""
    batch = _batch_or_404(request, batch_id)
    content = payment_files.spreadsheet(batch)
    audit_services.export_made(by=request.user, kind="payment_batch_xlsx", obj=batch)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{batch.message_id}.xlsx"'
    return response


@role_required(roles.can_pay)
@require_POST
def batch_paid(request, batch_id: int):
    """The bank paid: every grant of the batch recorded at once. A refusal shows the batch
    again with what was typed and the reason."""
    batch = _batch_or_404(request, batch_id)
    form = BatchPaidForm(request.POST)
    if form.is_valid():
        try:
            services.batch_mark_paid(batch=batch, by=request.user, **form.cleaned_data)
        except (WorkflowError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Every payment of the batch is recorded."))
            return redirect("grants:payment_batch", batch.pk)
    return _batch_page(request, batch, form, status=400)


@role_required(roles.can_pay)
@require_POST
def batch_cancel(request, batch_id: int):
    batch = _batch_or_404(request, batch_id)
    try:
        services.batch_cancel(batch=batch, by=request.user)
    except WorkflowError as error:
        messages.error(request, error_text(error))
        return redirect("grants:payment_batch", batch.pk)
    messages.success(request, _("The batch is cancelled; its grants can be paid again."))
    return redirect("grants:agent_money")
