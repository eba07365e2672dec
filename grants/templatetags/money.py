"""Money as readers write it in each language: {% load money %} and {{ grant.amount|euros }}."""

from django import template

from common import money

register = template.Library()


@register.filter(is_safe=True)
def euros(amount) -> str:
    """Two decimals, thousands grouped, a no-break space before the sign (common.money)."""
    return money.euros(amount)
