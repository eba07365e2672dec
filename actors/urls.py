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
]
