"""A person's data and the controller's records, under /privatliv/ (config.urls_tenant)."""

from django.urls import path

urlpatterns: list = []

# --- erasure (apps/privacy/erasure_views.py) ---
from apps.privacy import erasure_views  # noqa: E402

urlpatterns += [
    path("slet-min-konto/", erasure_views.erase_self, name="privacy-erase-self"),
    path("sletning/", erasure_views.erase_find, name="privacy-erase-find"),
    path("sletning/<int:user_id>/", erasure_views.erase_person, name="privacy-erase-person"),
    path(
        "sletning/<int:user_id>/tilbageholdelse/",
        erasure_views.legal_hold,
        name="privacy-legal-hold",
    ),
]

# --- retention (apps/privacy/retention_views.py) ---
from apps.privacy import retention_views  # noqa: E402

urlpatterns += [
    path("opbevaring/", retention_views.retention_settings, name="privacy-retention"),
]
