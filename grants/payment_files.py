"""The files of a payment batch: the SEPA credit transfer for the bank (ISO 20022 pain.001.001.03,
made and validated against its schema by sepaxml) and a spreadsheet for the finance office
(openpyxl in write-only mode: rows go to disk as they are written, memory stays flat)."""

import tempfile

from django.conf import settings
from django.utils.translation import gettext as _

from .models import Grant, PaymentBatch
from .selectors import batch_grants
from .services import end_to_end_id

SEPA_SCHEMA = "pain.001.001.03"


def _description(grant: Grant) -> str:
    # The remittance text the payee sees on their statement (at most 140 characters).
    return f"{settings.CITY_PAYER_NAME}: minipilot {grant.idea.title}"[:140]


def _transfer(config: dict, message_id: str):
    """sepaxml's transfer, its message id the batch's own (sepaxml draws a random one)."""
    from sepaxml import SepaTransfer

    class Transfer(SepaTransfer):
        def _create_header(self):
            self.msg_id = message_id
            super()._create_header()

    return Transfer(config, schema=SEPA_SCHEMA, clean=True)


def sepa_credit_transfer(batch: PaymentBatch) -> bytes:
    """The bank file of the batch, validated against the ISO 20022 schema sepaxml ships."""

    config = {
        "name": settings.CITY_PAYER_NAME,
        "IBAN": settings.CITY_PAYER_IBAN,
        "BIC": settings.CITY_PAYER_BIC,
        "batch": True,
        "currency": "EUR",
    }
    transfer = _transfer(config, batch.message_id)
    for grant in batch_grants(batch=batch):
        payee = grant.idea.applicant.payee
        payment = {
            "name": payee.name,
            "IBAN": payee.iban,
            "amount": int(grant.amount * 100),  # cents
            "execution_date": batch.execution_date,
            "description": _description(grant),
            "endtoend_id": end_to_end_id(grant),
        }
        if payee.bic:
            payment["BIC"] = payee.bic
        transfer.add_payment(payment)
    return transfer.export(validate=True)


def spreadsheet(batch: PaymentBatch) -> bytes:
    """The batch as an XLSX list: one row per grant, the total at the end."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Payments"))
    sheet.append(
        [
            _("Grant"),
            _("Pilot"),
            _("District"),
            _("Round"),
            _("Payee"),
            _("Business ID (Y-tunnus)"),
            _("Account number (IBAN)"),
            _("BIC"),
            _("Amount (€)"),
            _("Payment id"),
            _("Payment date asked of the bank"),
        ]
    )
    for grant in batch_grants(batch=batch).iterator(chunk_size=500):
        payee = grant.idea.applicant.payee
        sheet.append(
            [
                grant.pk,
                grant.idea.title,
                grant.idea.district.name,
                grant.round.name,
                payee.name,
                payee.business_id,
                payee.iban,
                payee.bic,
                grant.amount,
                end_to_end_id(grant),
                batch.execution_date,
            ]
        )
    sheet.append([_("Total"), "", "", "", "", "", "", "", batch.total])
    with tempfile.TemporaryFile() as file:
        book.save(file)
        file.seek(0)
        return file.read()
