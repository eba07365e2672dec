from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from actors import views as actor_views
from grants import views as grant_views
from minipilot import pages
from minipilot.health import healthz

# The admin logs in through allauth, so its second factor (minipilot.mfa) applies there too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("i18n/setlang/", actor_views.set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", grant_views.home, name="home"),
    path("", include("grants.urls")),
    path("", include("reports.urls")),
    path("", include("actors.urls")),
    path("", include("audit.urls")),
    path("privacy/", pages.privacy, name="privacy"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
