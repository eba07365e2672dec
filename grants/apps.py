from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grants"
    verbose_name = _("Grants")

    def ready(self) -> None:
        from actors import personal_data

        from . import changes
        from . import personal_data as grants_personal_data

        changes.connect()

        personal_data.register(
            "grants",
            export=grants_personal_data.export,
            erase=grants_personal_data.erase,
            summary=grants_personal_data.summary,
            holds=grants_personal_data.HOLDS,
        )
