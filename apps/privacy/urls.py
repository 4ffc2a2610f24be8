"""A person's data and the controller's records, under /privatliv/ (config.urls_tenant)."""

from django.urls import path

from apps.privacy import consent_views

urlpatterns: list = [
    path(
        "samtykker/<int:consent_id>/traek-tilbage/",
        consent_views.consent_withdraw_view,
        name="consent-withdraw",
    ),
]
