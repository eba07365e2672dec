from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender, **kwargs) -> None:
    from .roles import ensure_roles

    ensure_roles()


class ActorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "actors"
    verbose_name = _("Actors")

    def ready(self) -> None:
        # After every migrate (and every test flush), once all apps' permissions exist.
        post_migrate.connect(_ensure_roles, dispatch_uid="actors.ensure_roles")
        from . import mfa, page_versions, permission_cache, personal_data, sso

        permission_cache.connect()
        page_versions.connect()
        mfa.connect()
        sso.connect()

        personal_data.register("actors", holds=personal_data.ACCOUNT_HOLDS)
