"""The front page, named "home" outside the grants namespace (every page links to it)."""

from django.urls import path

from .views import public

urlpatterns = [path("", public.home, name="home")]
