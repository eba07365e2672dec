"""A page that fails, for the error reporting test."""

from django.urls import path


class PilotCrashed(Exception):
    pass


def crash(request):
    raise PilotCrashed("the budget sum went wrong")


urlpatterns = [path("crash/", crash)]
