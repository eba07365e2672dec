from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Demo and scale data, benchmarks and load tests: above every product app, imported by none.
    It has no models and no pages, so its name is never shown to a person."""

    name = "devtools"
    verbose_name = "Developer tools"
