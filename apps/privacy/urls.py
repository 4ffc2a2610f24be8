"""A person's data and the controller's records, under /privatliv/ (config.urls_tenant)."""

from django.urls import path

urlpatterns: list = []

# --- retention ---------------------------------------------------------------------------
from apps.privacy import retention_views  # noqa: E402

urlpatterns += [
    path("opbevaring/", retention_views.retention_settings, name="privacy-retention"),
]
