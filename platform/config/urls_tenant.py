"""URLs of a tenant's site. Every pattern here is swept by tests/test_isolation.py."""

from django.urls import include, path

from config import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("apps.accounts.urls")),
    path("", include("apps.marketplace.urls")),
]
