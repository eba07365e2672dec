"""What each app holds about a person, and how it is exported and erased (GDPR articles 15 and
17). Every app that keeps personal data registers a handler at start-up (`AppConfig.ready`), as
Helsinki's GDPR API asks of each service; the data download and the erasure call every handler,
so `actors` needs no knowledge of the apps above it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Export = Callable[..., dict[str, Any]]
Erase = Callable[..., dict[str, Any]]
Summary = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class Handler:
    """`export(user=)` gives the sections of the person's download; `erase(user=, needles=)`
    deletes or anonymises what the app holds, in the erasure's transaction, and gives the counts
    for its audit row; `summary(user=)` tells the confirmation page what erasure would do."""

    app: str
    export: Export | None = None
    erase: Erase | None = None
    summary: Summary | None = None


_handlers: dict[str, Handler] = {}


def register(app: str, *, export: Export = None, erase: Erase = None, summary: Summary = None):
    """Register (or replace) an app's handler; called from the app's `ready()`."""
    _handlers[app] = Handler(app=app, export=export, erase=erase, summary=summary)


def handlers() -> list[Handler]:
    return list(_handlers.values())


def export_sections(*, user) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    for handler in handlers():
        if handler.export:
            sections.update(handler.export(user=user))
    return sections


def erase_everywhere(*, user, needles: list[str]) -> dict[str, Any]:
    counts: dict[str, Any] = {}
    for handler in handlers():
        if handler.erase:
            counts.update(handler.erase(user=user, needles=needles))
    return counts


def erasure_summary(*, user) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for handler in handlers():
        if handler.summary:
            summary.update(handler.summary(user=user))
    return summary
