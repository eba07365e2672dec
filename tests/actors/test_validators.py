import pytest
from django.core.exceptions import ValidationError

from actors.validators import validate_business_id


@pytest.mark.parametrize(
    "business_id",
    [
        "0112038-9",  # Nokia Oyj
        "0139797-8",  # Hämeenlinnan kaupunki
        "1572860-0",  # check digit 0 (remainder 0)
    ],
)
def test_valid_business_ids_pass(business_id):
    validate_business_id(business_id)


@pytest.mark.parametrize(
    ("business_id", "code"),
    [
        ("0112038-8", "checksum"),
        ("0139797-4", "checksum"),
        ("0112038", "format"),
        ("112038-9", "format"),
        ("0112038 9", "format"),
        ("O112038-9", "format"),
        ("", "format"),
    ],
)
def test_invalid_business_ids_are_refused(business_id, code):
    with pytest.raises(ValidationError) as refused:
        validate_business_id(business_id)
    assert refused.value.code == code


def test_digits_that_cannot_have_a_check_digit_are_refused():
    # 1000008: 1 * 7 + 8 * 2 = 23, remainder 1: no check digit exists, so no ID either.
    for check in range(10):
        with pytest.raises(ValidationError):
            validate_business_id(f"1000008-{check}")
