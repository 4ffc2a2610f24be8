from django.urls import path

from apps.members import views

urlpatterns = [
    path("", views.profile, name="profile"),
]
