"""Reports, under /rapporter/ (see config.urls_tenant)."""

from django.urls import path

from apps.reports import views

urlpatterns = [
    path("", views.report_page, name="reports"),
    path("eksport/<str:file_format>/", views.report_export, name="reports-export"),
]
