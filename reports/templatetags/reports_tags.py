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


@register.simple_tag
def network_layout(network: dict) -> dict:
    """Node and edge coordinates for the actor network: kinds on a circle, partnerships as lines
    whose width grows with the number of pilots. The table beside it says the same in words."""
    import math

    kinds = [label for label, count in network["kinds"]]
    step = 2 * math.pi / max(1, len(kinds))
    centre_x, centre_y, radius = 170, 120, 85
    positions = {
        label: (
            round(centre_x + radius * math.cos(index * step - math.pi / 2), 1),
            round(centre_y + radius * math.sin(index * step - math.pi / 2), 1),
        )
        for index, label in enumerate(kinds)
    }
    counts = dict(network["kinds"])
    biggest = max([count for count in counts.values()] + [1])
    nodes = [
        {
            "label": label,
            "x": x,
            "y": y,
            "label_y": round(y + 24, 1),
            "r": round(6 + 14 * counts.get(label, 0) / biggest, 1),
        }
        for label, (x, y) in positions.items()
    ]
    heaviest = max([count for _a, _b, count in network["edges"]] + [1])
    edges = [
        {
            "x1": positions[a][0],
            "y1": positions[a][1],
            "x2": positions[b][0],
            "y2": positions[b][1],
            "width": round(1 + 5 * count / heaviest, 1),
        }
        for a, b, count in network["edges"]
        if a in positions and b in positions and a != b
    ]
    return {"nodes": nodes, "edges": edges}
