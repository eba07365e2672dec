"""Long texts written once per language: the privacy notice and the accessibility statement.
One template per language (a translation catalogue is the wrong tool for pages of prose); the
active language chooses it, Finnish when there is none for it."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _in_language(request, page: str, context: dict | None = None):
    language = (translation.get_language() or "").split("-")[0]
    if language not in LANGUAGES:
        language = "fi"
    return render(request, f"pages/{page}_{language}.html", context or {})


def privacy(request):
    return _in_language(
        request,
        "privacy",
        {
            "retention_days": settings.DRAFT_RETENTION_DAYS,
            "notice_days": settings.DRAFT_RETENTION_NOTICE_DAYS,
        },
    )


def accessibility(request):
    return _in_language(request, "accessibility")
