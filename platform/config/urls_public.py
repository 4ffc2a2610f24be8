"""URLs of the public schema: the vendor console (and, later, billing webhooks)."""

from django.urls import include, path

from config import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("console.urls")),
]
