"""A person's data and the controller's records, under /privatliv/ (config.urls_tenant)."""

from django.urls import path

from apps.privacy import (
    consent_views,
    erasure_views,
    export_views,
    records_views,
    retention_views,
)

urlpatterns: list = [
    # Data export (articles 15 and 20)
    path("mine-data/", export_views.export_page, name="privacy-export"),
    path("mine-data/bestil/", export_views.export_ask, name="privacy-export-ask"),
    path("mine-data/<int:export_id>/hent/", export_views.export_file, name="privacy-export-file"),
    path("indsigt/", export_views.access_requests, name="privacy-access-requests"),
    # Erasure (article 17)
    path("slet-min-konto/", erasure_views.erase_self, name="privacy-erase-self"),
    path("sletning/", erasure_views.erase_find, name="privacy-erase-find"),
    path("sletning/<int:user_id>/", erasure_views.erase_person, name="privacy-erase-person"),
    path(
        "sletning/<int:user_id>/tilbageholdelse/",
        erasure_views.legal_hold,
        name="privacy-legal-hold",
    ),
    # Consents (article 7(3)): withdrawing one, from the account page
    path(
        "samtykker/<int:consent_id>/traek-tilbage/",
        consent_views.consent_withdraw_view,
        name="consent-withdraw",
    ),
]

# Retention (retention_views.py)
urlpatterns += [
    path("opbevaring/", retention_views.retention_settings, name="privacy-retention"),
    path(
        "opbevaring/henvisninger/",
        retention_views.referral_deletions_page,
        name="privacy-referral-deletions",
    ),
]

# The controller's records (records_views.py): audit log and record of processing.
urlpatterns += [
    path("revisionslog/", records_views.audit_log, name="privacy-audit-log"),
    path("revisionslog/csv/", records_views.audit_log_csv, name="privacy-audit-log-csv"),
    path("fortegnelse/", records_views.processing_record_page, name="privacy-processing-record"),
]
