from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report_index, name="index"),
    path("reports/<slug:slug>/", views.district_report, name="district"),
    path("pilots/", views.pilot_list, name="pilots"),
    path("pilots/<int:idea_id>/", views.pilot_detail, name="pilot"),
]
