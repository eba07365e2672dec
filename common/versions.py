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
# What the agents' idea mill keeps (grants/selectors.idea_mill) ends with these: the past pilots
# that every idea is compared with (their statuses, vectors and words, the actors, the search
# terms' counts), the ideas sent in a round (compared with the round's other ideas), and an
# idea's own text, vector, partners and introductions.
PAST_PILOTS = "past-pilots"


# The ideas of a district as the agents' and managers' lists show them (any save or change note
# of an idea, its grant, report or decision: grants/changes.note_ideas), and of all districts.
IDEAS_ANYWHERE = "ideas-anywhere"


# Money: the rounds' budgets and sums, the grants with their payments and batches, the payees
# (model signals in grants/changes.py; each `QuerySet.update` of them comes with a save).
MONEY = "money"
# The messages that could not be sent (grants/services/notifications.py bumps it).
FAILED_MESSAGES = "failed-messages"
# Who holds a staff role, their names and addresses, and the agents' districts
# (actors/page_versions.py).
STAFF = "staff"


# The ready-made reasons that the agents' decision form offers.
REASONS = "reasons"


def idea_page(idea_id: int) -> str:
    """An idea's parts on its agent's page that a save of the idea itself (its time of change)
    does not show: messages, budget lines, files and partners (grants/changes.py)."""
    return f"idea-page:{idea_id}"


def person_ideas(user_id: int) -> str:
    """A person's own list of ideas (/my/): what they made, and their organisations' ideas."""
    return f"person-ideas:{user_id}"


def district_ideas(district_id: int) -> str:
    return f"district-ideas:{district_id}"


def round_ideas(round_id: int) -> str:
    return f"round-ideas:{round_id}"


def idea_own(idea_id: int) -> str:
    return f"idea:{idea_id}"


def _key(name: str) -> str:
    return f"versions:{name}"


def current(name: str) -> int:
    return current_many([name])[0]


def current_many(names: list[str]) -> list[int]:
    """The versions of the names, in one round trip where all are in the cache."""
    keys = [_key(name) for name in names]
    found = cache.get_many(keys)
    missing = [key for key in keys if found.get(key) is None]
    for key in missing:
        cache.add(key, _new_number(), None)
    if missing:
        found.update(cache.get_many(missing))
    return [found.get(key) or 1 for key in keys]


def _new_number() -> int:
    """A version for a name that is not in the cache (never read, emptied or culled): larger than
    any it had before, so nothing kept under an old one is read again."""
    import time

    return int(time.time() * 1000)


def bump(*names: str) -> None:
    """A new version of each now, and again when the transaction commits: a reader between the
    two (who saw the data before the commit) keeps a fragment under a version that the commit
    leaves behind."""
    from django.db import transaction

    for name in names:
        _bump(name)
    transaction.on_commit(lambda: [_bump(name) for name in names])


def _bump(name: str) -> None:
    try:
        cache.incr(_key(name))
    except ValueError:  # not in the cache (emptied, or never read)
        cache.set(_key(name), _new_number(), None)
