from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from grants import views as grant_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", grant_views.home, name="home"),
    path("", include("grants.urls")),
    path("", include("reports.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
