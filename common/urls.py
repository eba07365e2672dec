"""The privacy notice and the accessibility statement, in every language."""

from django.urls import path

from . import legal_pages

urlpatterns = [
    path("privacy/", legal_pages.privacy, name="privacy"),
    path("accessibility/", legal_pages.accessibility, name="accessibility"),
]
