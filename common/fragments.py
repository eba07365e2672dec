"""Parts of pages that are the same for every reader, rendered once and kept in the cache under
a key that names what they show (common/versions.py numbers what many readers share), so no
reader gets a part older than its data; the old parts expire on their own."""

import hashlib

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

TIMEOUT = 600


def digest(text: str) -> str:
    """A search, a choice or a row's values of any length in a key of fixed length and plain
    characters."""
    return hashlib.sha256(text.encode()).hexdigest()


def kept(key: str, request, template: str, build) -> tuple[str, int]:
    """The part's HTML and status: from the cache, or made by `build()` (a context and a
    status), rendered and kept."""
    found = cache.get(key)
    if found is not None:
        return found
    context, status = build()
    html = render_to_string(template, context, request=request)
    cache.set(key, (html, status), TIMEOUT)
    return html, status


# What a kept part's forms carry instead of a token; each reader's own is put in its place.
CSRF_MARK = "csrf-token-of-the-reader"


def kept_with_forms(key: str, request, template: str, build, timeout: int = TIMEOUT):
    """`kept` for a part with forms: it is kept with a mark where the CSRF token goes, and each
    reader gets it with their own token."""
    found = cache.get(key)
    if found is None:
        context, status = build()
        html = render_to_string(template, {**context, "csrf_token": CSRF_MARK}, request=request)
        found = (html, status)
        cache.set(key, found, timeout)
    html, status = found
    return mark_safe(html.replace(CSRF_MARK, get_token(request))), status  # noqa: S308
