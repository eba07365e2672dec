from django.urls import path

from . import views

app_name = "actors"

urlpatterns = [
    path("my/profile/", views.profile, name="profile"),
    path("my/data/export/", views.data_export, name="data_export"),
    path("my/data/delete/", views.data_delete, name="data_delete"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:actor_id>/", views.organisation, name="organisation"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("manage/districts/", views.manage_districts, name="manage_districts"),
    path("manage/districts/<int:district_id>/", views.manage_district, name="manage_district"),
    path("manage/staff/", views.manage_staff, name="manage_staff"),
    path("manage/staff/<int:user_id>/", views.manage_staff_member, name="manage_staff_member"),
]
