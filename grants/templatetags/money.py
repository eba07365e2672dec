"""Money as readers write it in each language: 1 000,00 € in Finnish and Swedish, 1,000.00 € in
English. Load with {% load money %} and write {{ grant.amount|euros }}."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()

CENT = Decimal("0.01")


@register.filter(is_safe=True)
def euros(amount) -> str:
    """Two decimals, thousands grouped whatever the settings, and a no-break space before the
    sign so that a narrow table cell never leaves the € alone on the next line."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    grouped = number_format(value, 2, use_l10n=True, force_grouping=True)
    return f"{grouped}\N{NO-BREAK SPACE}€"
