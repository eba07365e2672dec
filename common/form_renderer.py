"""The form renderer: Django's widget templates drawn by Jinja2 (a page with a few selects renders
in a third of the time, docs/benchmarks.md), and the widget templates that exist only for
Django's own engine (the admin's date, related-object and password widgets) by that engine."""

from functools import cached_property

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class Jinja2WithDjangoFallback(Jinja2):
    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)

    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()
