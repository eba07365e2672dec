"""Validation of Finnish identifiers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BUSINESS_ID_PATTERN = re.compile(r"^(\d{7})-(\d)$")
BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_id_check_digit(digits: str) -> int | None:
    """The check digit of a Finnish business ID (Y-tunnus), or None if none can exist."""
    remainder = sum(int(d) * w for d, w in zip(digits, BUSINESS_ID_WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None  # no business ID is ever given these digits
    return 11 - remainder


def validate_business_id(value: str) -> None:
    """A Finnish business ID: seven digits, a hyphen and a valid check digit (1234567-8)."""
    match = BUSINESS_ID_PATTERN.match(value or "")
    if match is None:
        raise ValidationError(
            _("Enter the business ID as seven digits, a hyphen and a check digit, e.g. 0112038-9."),
            code="format",
        )
    digits, check = match.groups()
    if business_id_check_digit(digits) != int(check):
        raise ValidationError(
            _("This business ID is not valid: its check digit does not match."), code="checksum"
        )
