from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report_index, name="index"),
    path("reports/compare/", views.compare, name="compare"),
    path("reports/themes/", views.themes, name="themes"),
    path("reports/decisions/<int:idea_id>/", views.city_decision, name="decision"),
    path("reports/<slug:slug>/", views.district_report, name="district"),
    path(
        "reports/<slug:slug>/pilots/<int:idea_id>/similar/",
        views.district_pilot_similar,
        name="district_pilot_similar",
    ),
    path("reports/<slug:slug>/export.csv", views.district_export_csv, name="district_csv"),
    path("reports/<slug:slug>/export.xlsx", views.district_export_xlsx, name="district_xlsx"),
    path("reports/<slug:slug>/report.pdf", views.district_pdf, name="district_pdf"),
    path("reports/<slug:slug>/export/", views.district_export_start, name="district_export"),
    path("reports/exports/<int:export_id>/", views.export_status, name="export"),
    path("open-data/", views.open_data_catalog, name="open_data"),
    path("open-data/pilots.schema.json", views.open_data_schema, name="open_data_schema"),
    path("open-data/pilots.json", views.open_data_json, name="open_data_json"),
    path("open-data/pilots.csv", views.open_data_csv, name="open_data_csv"),
    path("open-data/360giving.json", views.open_data_360giving, name="open_data_360giving"),
    path("pilots/", views.pilot_list, name="pilots"),
    path("pilots/<int:idea_id>/", views.pilot_detail, name="pilot"),
    path("pilots/<int:idea_id>/photo/", views.pilot_photo, name="pilot_photo"),
]
