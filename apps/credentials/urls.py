"""Volunteer records: the volunteer's own under /konto/bevis/, the public check under /bevis/."""

from django.urls import path

from apps.credentials import views

urlpatterns: list = [
    path("konto/bevis/", views.my_records_page, name="credential-mine"),
    path("konto/bevis/<uuid:record_id>/", views.my_record_detail, name="credential-mine-detail"),
    path("konto/bevis/<uuid:record_id>/json/", views.my_record_json, name="credential-mine-json"),
    path("konto/bevis/<uuid:record_id>/pdf/", views.my_record_pdf, name="credential-mine-pdf"),
    path(
        "konto/bevis/<uuid:record_id>/traek-tilbage/",
        views.my_record_revoke,
        name="credential-revoke",
    ),
    path(
        "konto/bevis/anbefalinger/",
        views.reference_ask_view,
        name="credential-reference-ask",
    ),
    path(
        "konto/bevis/anbefalinger/<int:reference_id>/skriv/",
        views.reference_write_view,
        name="credential-reference-write",
    ),
    path("bevis/noegle.json", views.public_key, name="credential-key"),
    path("bevis/tjek/", views.public_check, name="credential-check"),
    path("bevis/<uuid:record_id>/", views.public_record, name="credential-public"),
]
