"""The app's pages plus the benchmark floor (only under minipilot.settings.bench)."""

from django.conf.urls.i18n import i18n_patterns
from django.shortcuts import render
from django.urls import path

from minipilot.urls import urlpatterns as app_patterns


def floor(request):
    """The least a page costs on this stack: middleware, session, user, the base template."""
    return render(request, "base.html")


urlpatterns = [
    *i18n_patterns(path("bench/floor/", floor, name="bench_floor"), prefix_default_language=False),
    *app_patterns,
]
