"""Crisis mode under /krise/ (see config.urls_tenant)."""

from django.urls import path

from apps.crisis import views

app_name = "crisis"

urlpatterns = [
    path("krise/", views.landing, name="landing"),
    path("krise/tak/", views.thanks, name="thanks"),
    path("krise/styring/", views.control, name="control"),
    path("krise/styring/<int:crisis_id>/afslut/", views.end, name="end"),
    path("krise/hjaelpere/", views.helpers, name="helpers"),
    path("krise/konto/<str:token>/", views.account, name="account"),
]
