"""Small helpers for server-rendered bar charts: the table beside each chart carries the data."""

from django import template

register = template.Library()

BAR_STEP = 20
CHART_WIDTH = 300


@register.simple_tag
def max_of(rows) -> int:
    return max((count for _label, count in rows), default=0)


@register.filter
def bar_height(count: int) -> int:
    return max(1, count) * BAR_STEP


@register.filter
def bar_y(index: int) -> int:
    return index * BAR_STEP


@register.filter
def bar_width(count, biggest) -> int:
    if not biggest:
        return 0
    return round(CHART_WIDTH * float(count) / float(biggest))
