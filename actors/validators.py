"""Validation of Finnish business IDs and of bank accounts, by python-stdnum and schwifty, with
messages that say what to fix."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BUSINESS_ID_PATTERN = re.compile(r"^(\d{7})-(\d)$")


def validate_business_id(value: str) -> None:
    """A Finnish business ID: seven digits, a hyphen and a valid check digit (1234567-8)."""
    from stdnum import exceptions as stdnum_errors
    from stdnum.fi import ytunnus

    format_error = ValidationError(
        _("Enter the business ID as seven digits, a hyphen and a check digit, e.g. 0112038-9."),
        code="format",
    )
    if BUSINESS_ID_PATTERN.match(value or "") is None:
        raise format_error
    try:
        ytunnus.validate(value)
    except stdnum_errors.InvalidChecksum as error:
        raise ValidationError(
            _("This business ID is not valid: its check digit does not match."), code="checksum"
        ) from error
    except stdnum_errors.ValidationError as error:
        raise format_error from error


def clean_iban(value: str) -> tuple[str, str]:
    """The account as the bank file needs it (compact, upper case) and its BIC where it can be
    known from the IBAN ("" otherwise), or a ValidationError saying what is wrong. Spaces and
    lower case, as people copy them from a bank's page, are fine."""
    from schwifty import IBAN
    from schwifty.exceptions import InvalidChecksumDigits, SchwiftyException

    text = re.sub(r"[\s-]+", "", value or "").upper()
    if not text:
        raise ValidationError(_("Give the account number (IBAN)."), code="required")
    try:
        iban = IBAN(text)
    except InvalidChecksumDigits as error:
        raise ValidationError(
            _("The IBAN's check digits do not match: compare it with your bank's papers."),
            code="checksum",
        ) from error
    except SchwiftyException as error:
        raise ValidationError(
            _("This is not an IBAN. A Finnish one starts with FI and has 18 characters."),
            code="format",
        ) from error
    if not iban.in_sepa_zone:
        raise ValidationError(
            _(
                "The city pays only to an account in the SEPA area (the EU and EEA countries, "
                "Switzerland, the United Kingdom and a few others)."
            ),
            code="sepa",
        )
    try:
        bic = str(iban.bic or "")
    except SchwiftyException:
        bic = ""
    return iban.compact, bic
