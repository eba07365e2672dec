"""Parts of pages that are the same for every reader, rendered once and kept until what they
show changes (common/versions.py, common/fragments.py): the public showcase's list (for each
filter, page and language), the comparison of districts (for each choice of districts and
language, until the report figures are refreshed) and the body of a district report (until the
figures are refreshed or what the showcase shows changes). The signals below also end the
public page of a round whose districts change."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from common import versions
from common.fragments import digest as _digest
from common.fragments import kept as _kept


def key_of(request) -> str:
    """The version, the language and the filters and page, in a stable order."""
    query = "&".join(f"{name}={value}" for name, value in sorted(request.GET.lists()))
    language = translation.get_language() or ""
    return f"showcase:{versions.current(versions.PUBLIC)}:{language}:{_digest(query)}"


def body(request, build) -> tuple[str, int]:
    """The showcase list's HTML and status: from the cache, or made by `build()` (a context
    and a status) and kept."""
    return _kept(key_of(request), request, "reports/partials/pilots_body.html", build)


def comparison_body(request, chosen: list[str], build) -> str:
    """The comparison's figures as HTML for a choice of districts and rounds, until the next
    refresh of the figures (a district or round saved or deleted refreshes them too)."""
    language = translation.get_language() or ""
    version = versions.current(versions.FIGURES)
    key = f"compare:{version}:{language}:{_digest(','.join(sorted(set(chosen))))}"
    html, _status = _kept(
        key, request, "reports/partials/compare_body.html", lambda: (build(), 200)
    )
    return html


def district_body(request, *, district_id: int, round_id: int | None, can_decide: bool, build):
    """A district report's charts, candidates, failures and lessons as HTML, the same for
    every reader who may see them (with or without the link to record the city's decision):
    kept until the figures are refreshed or a pilot, report, lesson, theme or decision
    changes."""
    language = translation.get_language() or ""
    figures, public = versions.current(versions.FIGURES), versions.current(versions.PUBLIC)
    key = f"district:{figures}:{public}:{language}:{district_id}:{round_id}:{int(can_decide)}"
    html, _status = _kept(
        key, request, "reports/partials/district_body.html", lambda: (build(), 200)
    )
    return html


def _idea_saved(sender, instance, **kwargs):
    from grants.selectors import PAST_STATUSES
    from grants.workflow import Status

    # Submissions and decisions leave the showcase as it is; a pilot reported, closed or sent
    # back to its makers may change it.
    if instance.status in (*PAST_STATUSES, Status.REPORT_DUE):
        versions.bump(versions.PUBLIC)


def _changed(sender, **kwargs):
    versions.bump(versions.PUBLIC)


def _names_changed(sender, **kwargs):
    """A district or round renamed: the showcase and the comparison name them."""
    versions.bump(versions.PUBLIC)
    versions.bump(versions.FIGURES)


def connect() -> None:
    from actors.models import District
    from grants.models import CityDecision, ClosingReport, Grant, Idea, Lesson, Round, Theme

    uid = "reports.page_cache."
    post_save.connect(_idea_saved, sender=Idea, dispatch_uid=uid + "idea_saved")
    post_delete.connect(_changed, sender=Idea, dispatch_uid=uid + "idea_deleted")
    for model in (ClosingReport, Lesson, Theme, Grant, CityDecision):
        name = model.__name__
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}{name}_saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}{name}_deleted")
    for model in (District, Round):
        name = model.__name__
        post_save.connect(_names_changed, sender=model, dispatch_uid=f"{uid}{name}_saved")
        post_delete.connect(_names_changed, sender=model, dispatch_uid=f"{uid}{name}_deleted")
    m2m_changed.connect(_changed, sender=Lesson.themes.through, dispatch_uid=uid + "themes")
    # The districts of a round, named on its public page.
    m2m_changed.connect(_changed, sender=Round.districts.through, dispatch_uid=uid + "districts")
