"""Reports, under /rapporter/ (see config.urls_tenant)."""

from django.urls import path

from apps.reports import views
from apps.reports.funder import views as funder

urlpatterns = [
    path("", views.report_page, name="reports"),
    path("eksport/<str:file_format>/", views.report_export, name="reports-export"),
    path("bevillingsgivere/", funder.funder_list, name="reports-funders"),
    path("bevillingsgivere/<int:programme_id>/", funder.funder_page, name="reports-funder"),
    path(
        "bevillingsgivere/<int:programme_id>/eksport/<str:file_format>/",
        funder.funder_export,
        name="reports-funder-export",
    ),
]
