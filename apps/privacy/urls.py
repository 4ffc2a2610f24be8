"""A person's data and the controller's records, under /privatliv/ (config.urls_tenant)."""

from django.urls import path

from apps.privacy import records_views

urlpatterns: list = []

# The controller's records (records_views.py): audit log and record of processing.

urlpatterns += [
    path("revisionslog/", records_views.audit_log, name="privacy-audit-log"),
    path("revisionslog/csv/", records_views.audit_log_csv, name="privacy-audit-log-csv"),
    path("fortegnelse/", records_views.processing_record_page, name="privacy-processing-record"),
]
