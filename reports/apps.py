from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from actors import personal_data

        from . import page_cache
        from . import personal_data as own

        page_cache.connect()

        personal_data.register("reports", export=own.export, holds=own.HOLDS)
