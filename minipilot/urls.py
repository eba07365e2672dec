from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from minipilot.health import healthz

# The admin logs in through allauth, so its second factor (actors.mfa) applies there too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("i18n/", include("actors.language_urls")),
    path("healthz", healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", include("grants.front_urls")),
    path("", include("grants.urls")),
    path("", include("reports.urls")),
    path("", include("actors.urls")),
    path("", include("grants.audit_urls")),
    path("", include("common.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
# The city's identity provider sends people back to one address, whatever the page's language
# (the address registered with the provider; docs/operations.md): reverse() takes the last.
urlpatterns += [
    path("accounts/", include("allauth.socialaccount.providers.openid_connect.urls")),
]
