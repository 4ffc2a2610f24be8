"""Every page of the member register, included at the site root by config.urls_tenant:
a volunteer's profile, an organisation's page with its members and requests to join, and
the import and export of its member list."""

from django.urls import path

from apps.members import import_views, views

urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("organisationer/<int:org_id>/", views.organisation_page, name="organisation"),
    path(
        "organisationer/<int:org_id>/medlemmer/ny/",
        views.organisation_add_member,
        name="organisation-add-member",
    ),
    path("organisationer/medlemmer/<int:membership_id>/", views.member_page, name="member"),
    path(
        "organisationer/anmodninger/<int:request_id>/",
        views.membership_request_answer_view,
        name="membership-request-answer",
    ),
    path(
        "medlemmer/organisationer/<int:organisation_id>/import/",
        import_views.import_upload,
        name="members-import",
    ),
    path(
        "medlemmer/organisationer/<int:organisation_id>/import/<str:upload_id>/",
        import_views.import_preview_page,
        name="members-import-preview",
    ),
    path(
        "medlemmer/organisationer/<int:organisation_id>/import/koersler/<int:job_id>/",
        import_views.import_job_page,
        name="members-import-job",
    ),
    path(
        "medlemmer/organisationer/<int:organisation_id>/import/koersler/<int:job_id>/fejl.csv",
        import_views.import_job_errors,
        name="members-import-errors",
    ),
    path(
        "medlemmer/organisationer/<int:organisation_id>/eksport.csv",
        import_views.members_export,
        {"file_format": "csv"},
        name="members-export-csv",
    ),
    path(
        "medlemmer/organisationer/<int:organisation_id>/eksport.xlsx",
        import_views.members_export,
        {"file_format": "xlsx"},
        name="members-export-xlsx",
    ),
]
