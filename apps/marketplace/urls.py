from django.urls import path

from apps.marketplace import views

urlpatterns = [
    path("", views.home, name="home"),
]
