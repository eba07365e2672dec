"""The public showcase's list, rendered once for every reader of the same filters and page, until
the published pilots change (common/versions.py)."""

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.template.loader import render_to_string
from django.utils import translation

from common import versions

TIMEOUT = 600


def key_of(request) -> str:
    """The version, the language and the filters and page, in a stable order."""
    query = "&".join(f"{name}={value}" for name, value in sorted(request.GET.items()))
    language = translation.get_language() or ""
    return f"showcase:{versions.current(versions.PUBLIC)}:{language}:{query}"[:240]


def body(request, build) -> tuple[str, int]:
    """The list's HTML and status: from the cache, or made by `build()` (a context and a status)
    and kept."""
    key = key_of(request)
    kept = cache.get(key)
    if kept is not None:
        return kept
    context, status = build()
    html = render_to_string("reports/partials/pilots_body.html", context, request=request)
    cache.set(key, (html, status), TIMEOUT)
    return html, status


def _idea_saved(sender, instance, **kwargs):
    from grants.selectors import PAST_STATUSES
    from grants.workflow import Status

    # Submissions and decisions leave the showcase as it is; a pilot reported, closed or sent
    # back to its makers may change it.
    if instance.status in (*PAST_STATUSES, Status.REPORT_DUE):
        versions.bump(versions.PUBLIC)


def _changed(sender, **kwargs):
    versions.bump(versions.PUBLIC)


def connect() -> None:
    from actors.models import District
    from grants.models import CityDecision, ClosingReport, Grant, Idea, Lesson, Round, Theme

    uid = "reports.showcase_cache."
    post_save.connect(_idea_saved, sender=Idea, dispatch_uid=uid + "idea_saved")
    post_delete.connect(_changed, sender=Idea, dispatch_uid=uid + "idea_deleted")
    for model in (ClosingReport, Lesson, Theme, District, Round, Grant, CityDecision):
        name = model.__name__
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}{name}_saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}{name}_deleted")
    m2m_changed.connect(_changed, sender=Lesson.themes.through, dispatch_uid=uid + "themes")
