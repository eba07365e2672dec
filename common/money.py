"""Money as readers write it in each language: 1 000,00 in Finnish and Swedish, 1,000.00 in
English, thousands grouped whatever the settings. For templates: `{% load money %}`, `|euros`."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

CENT = Decimal("0.01")


def amount_text(amount) -> str:
    """The number alone, two decimals, grouped, in the active language ("" for no amount)."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    return number_format(value, 2, use_l10n=True, force_grouping=True)


def euros(amount) -> str:
    """The amount and its sign, with a no-break space between them, so that a narrow table cell
    never leaves the € alone on the next line."""
    text = amount_text(amount)
    return f"{text}\N{NO-BREAK SPACE}€" if text else ""
