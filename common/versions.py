"""Version numbers of what many readers see the same, kept in the cache: a cached fragment's
key carries the version, and a change bumps it, so no reader gets a fragment older than the
data (and the old fragments expire on their own).

`PUBLIC` is the public showcase: the published pilots, their reports and lessons, and the names
of districts, rounds and themes that the pages show. Model signals bump it on every save or
delete that can change it; the code that writes with `QuerySet.update` (the erasure of a
person) bumps it itself.
"""

from django.core.cache import cache

PUBLIC = "public"
# The report figures: bumped by each refresh, and when a district or round is renamed.
FIGURES = "figures"
# What the agents' idea mill compares an idea with: the ideas sent (not drafts), their vectors,
# reports, lessons, partners and introductions, the actors, and the search terms' counts
# (grants/page_cache.py).
IDEAS = "ideas"


def _key(name: str) -> str:
    return f"versions:{name}"


def current(name: str) -> int:
    version = cache.get(_key(name))
    if version is None:
        cache.add(_key(name), 1, None)
        version = cache.get(_key(name)) or 1
    return version


def bump(name: str) -> None:
    """A new version now, and again when the transaction commits: a reader between the two
    (who saw the data before the commit) keeps a fragment under a version that the commit
    leaves behind."""
    from django.db import transaction

    _bump(name)
    transaction.on_commit(lambda: _bump(name))


def _bump(name: str) -> None:
    try:
        cache.incr(_key(name))
    except ValueError:  # not in the cache (emptied, or never read): any new number will do
        import time

        cache.set(_key(name), int(time.time() * 1000), None)
