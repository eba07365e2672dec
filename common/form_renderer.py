"""The form renderer: Django's widget templates drawn by Jinja2 (a page with a few selects renders
in a third of the time, docs/benchmarks.md), and the widget templates that exist only for
Django's own engine (the admin's date, related-object and password widgets) by that engine.

The project's own widget templates (common/jinja2/) come before Django's: the select draws its
options in place instead of including a template for each (a list of 250 organisations was
500 template contexts a page)."""

from functools import cached_property
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist

OWN = Path(__file__).parent / "jinja2"


class Jinja2WithDjangoFallback(Jinja2):
    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [OWN, Path(django.forms.__file__).parent / "jinja2"],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)

    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()
