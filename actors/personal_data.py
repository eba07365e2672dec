"""What each app holds about a person, and how it is exported and erased (GDPR articles 15 and
17). Every app that keeps personal data registers a handler at start-up (`AppConfig.ready`), as
Helsinki's GDPR API asks of each service; the data download and the erasure call every handler,
so `actors` needs no knowledge of the apps above it.

Each handler also says, for every model of its app (and the third-party models it answers for),
what happens to it: EXPORTED in the download, ERASED (deleted or scrubbed) at erasure, or
STATISTICS: programme content, counts and derived data that hold no one's personal data. A test
(tests/actors/test_personal_data_registry.py) walks every model and fails on one that no handler
declares, so a new model cannot be forgotten."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Export = Callable[..., dict[str, Any]]
Erase = Callable[..., dict[str, Any]]
Summary = Callable[..., dict[str, Any]]


EXPORTED = "exported"
ERASED = "erased"
STATISTICS = "statistics"
DISPOSITIONS = {EXPORTED, ERASED, STATISTICS}


@dataclass(frozen=True)
class Handler:
    """`export(user=)` gives the sections of the person's download; `erase(user=, needles=)`
    deletes or anonymises what the app holds, in the erasure's transaction, and gives the counts
    for its audit row; `summary(user=)` tells the confirmation page what erasure would do."""

    app: str
    export: Export | None = None
    erase: Erase | None = None
    summary: Summary | None = None
    holds: dict[str, frozenset[str]] = field(default_factory=dict)


_handlers: dict[str, Handler] = {}


def register(
    app: str,
    *,
    export: Export = None,
    erase: Erase = None,
    summary: Summary = None,
    holds: dict[str, set[str]] | None = None,
):
    """Register (or replace) an app's handler; called from the app's `ready()`. `holds` maps
    model labels ("grants.Idea") to their dispositions."""
    declared = {label: frozenset(kinds) for label, kinds in (holds or {}).items()}
    for label, kinds in declared.items():
        if not kinds or not kinds <= DISPOSITIONS:
            raise ValueError(f"{label}: dispositions must be among {sorted(DISPOSITIONS)}")
    _handlers[app] = Handler(app=app, export=export, erase=erase, summary=summary, holds=declared)


def declared() -> dict[str, frozenset[str]]:
    """Every model label any handler declares, with what happens to it."""
    found: dict[str, frozenset[str]] = {}
    for handler in handlers():
        for label, kinds in handler.holds.items():
            found[label] = found.get(label, frozenset()) | kinds
    return found


def handlers() -> list[Handler]:
    return list(_handlers.values())


def export_sections(*, user) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    for handler in handlers():
        if handler.export:
            sections.update(handler.export(user=user))
    return sections


def erase_everywhere(*, user, needles: list[str]) -> dict[str, Any]:
    from common import versions

    counts: dict[str, Any] = {}
    for handler in handlers():
        if handler.erase:
            counts.update(handler.erase(user=user, needles=needles))
    # The erasure writes with QuerySet.update, which no signal hears: no cached public page
    # may keep what was erased.
    versions.bump(versions.PUBLIC)
    versions.bump(versions.PAST_PILOTS)
    return counts


def erasure_summary(*, user) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for handler in handlers():
        if handler.summary:
            summary.update(handler.summary(user=user))
    return summary


# What actors answers for: its own models and the accounts' third-party ones. The download is
# `actors.selectors.personal_data`, the erasure `actors.services.user_erase`.
ACCOUNT_HOLDS = {
    "actors.User": {EXPORTED, ERASED},
    "actors.Actor": {EXPORTED, ERASED},
    "actors.Membership": {EXPORTED, ERASED},
    "actors.Invitation": {ERASED},
    "actors.District": {STATISTICS},
    "account.EmailAddress": {EXPORTED, ERASED},
    "account.EmailConfirmation": {ERASED},
    "mfa.Authenticator": {EXPORTED, ERASED},
    "socialaccount.SocialAccount": {ERASED},
    "socialaccount.SocialToken": {ERASED},
    "socialaccount.SocialApp": {STATISTICS},
    "sessions.Session": {ERASED},
    "admin.LogEntry": {ERASED},
    "auth.Group": {STATISTICS},
    "auth.Permission": {STATISTICS},
    "contenttypes.ContentType": {STATISTICS},
    # The person's own actions, in the download; the log names no one, so it stays.
    "audit.AuditEvent": {EXPORTED},
}
