"""Parts of pages that are the same for every reader, rendered once and kept in the cache under
a key that names what they show (common/versions.py numbers what many readers share), so no
reader gets a part older than its data; the old parts expire on their own."""

import hashlib
from collections.abc import Iterable

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from common import versions

TIMEOUT = 600
KEY_LENGTH = 200


def digest(text: str) -> str:
    """A search, a choice or a row's values of any length in a key of fixed length and plain
    characters."""
    return hashlib.sha256(text.encode()).hexdigest()


def key(request, *parts, names: Iterable[str] = (), query: bool = True) -> str:
    """A part's key: what names it, the numbers of what it shows (common/versions), the
    reader's language and, where the part depends on them, the page's URL parameters."""
    shown = [*map(str, parts), translation.get_language() or ""]
    if query:
        shown.append(digest(repr(sorted(request.GET.lists()))))
    if names:
        shown.append(".".join(map(str, versions.current_many(list(names)))))
    joined = ":".join(shown)
    # Short enough for any cache backend (memcached takes 250 characters), still unique.
    return joined if len(joined) <= KEY_LENGTH else f"{shown[0]}:{digest(joined)}"


def kept(key: str, request, template: str, build) -> tuple[str, int]:
    """The part's HTML and status: from the cache, or made by `build()` (a context and a
    status), rendered and kept."""
    return _kept(key, request, template, build, {})


def remembered(key: str, build):
    """A value many readers share (rows, a list of objects), from the cache or made by
    `build()` and kept, under a key made as a part's is."""
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, TIMEOUT)
    return found


# What a kept part's forms carry instead of a token; each reader's own is put in its place.
CSRF_MARK = "csrf-token-of-the-reader"


def kept_with_forms(key: str, request, template: str, build) -> tuple[str, int]:
    """`kept` for a part with forms: it is kept with a mark where the CSRF token goes, and each
    reader gets it with their own token."""
    html, status = _kept(key, request, template, build, {"csrf_token": CSRF_MARK})
    return mark_safe(html.replace(CSRF_MARK, get_token(request))), status  # noqa: S308


def _kept(key: str, request, template: str, build, overrides: dict) -> tuple[str, int]:
    found = cache.get(key)
    if found is not None:
        return found
    context, status = build()
    html = render_to_string(template, {**context, **overrides}, request=request)
    cache.set(key, (html, status), TIMEOUT)
    return html, status
