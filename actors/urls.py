from django.urls import path

from . import views

app_name = "actors"

urlpatterns = [
    path("my/profile/", views.profile, name="profile"),
]
