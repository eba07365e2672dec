"""The site's navigation links, drawn once per role and language in each process.

The links depend only on which roles the reader has, the language and the URL prefix, so the
drawn HTML is kept in the process and reused by every page (no cache round trip, no URL
reversal or translation per request). The parts that carry a CSRF token or the page's own path
(the log-out and language forms) stay in base.html.
"""

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

ROLE_FLAGS = (
    "user_can_view_dashboard",
    "user_can_pay",
    "user_can_view_reports",
    "user_can_manage_programme",
)

_drawn: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def site_links(context, part: str) -> str:
    """The main links ("main") or the account links ("account") for this reader."""
    user = context.get("user")
    signed_in = bool(user and user.is_authenticated)
    flags = tuple(bool(context.get(name)) for name in ROLE_FLAGS)
    key = (part, get_language(), get_script_prefix(), signed_in, flags)
    html = _drawn.get(key)
    if html is None:
        values = dict(zip(ROLE_FLAGS, flags, strict=True))
        html = render_to_string(f"partials/nav_{part}.html", {"signed_in": signed_in, **values})
        _drawn[key] = html
    return mark_safe(html)  # noqa: S308 - drawn from the project's own template
