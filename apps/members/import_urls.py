"""Import and export of an organisation's members. Included by config.urls_tenant as
`path("medlemmer/", include("apps.members.import_urls"))`."""

from django.urls import path

from apps.members import import_views as views

urlpatterns = [
    path(
        "organisationer/<int:organisation_id>/import/",
        views.import_upload,
        name="members-import",
    ),
    path(
        "organisationer/<int:organisation_id>/import/<str:upload_id>/",
        views.import_preview_page,
        name="members-import-preview",
    ),
    path(
        "organisationer/<int:organisation_id>/import/<str:upload_id>/resultat/",
        views.import_result,
        name="members-import-result",
    ),
    path(
        "organisationer/<int:organisation_id>/eksport.csv",
        views.members_export,
        {"file_format": "csv"},
        name="members-export-csv",
    ),
    path(
        "organisationer/<int:organisation_id>/eksport.xlsx",
        views.members_export,
        {"file_format": "xlsx"},
        name="members-export-xlsx",
    ),
]
