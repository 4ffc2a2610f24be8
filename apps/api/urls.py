"""/api/v1/ on a tenant's host (docs/api.md)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from apps.api.views import catalogue, people, reports
from apps.api.views.base import Nowhere
from apps.api.views.docs import SwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("organisations/", catalogue.OrganisationList.as_view(), name="api-organisations"),
    path("organisations/<int:pk>/", catalogue.OrganisationDetail.as_view()),
    path("categories/", catalogue.CategoryList.as_view(), name="api-categories"),
    path("events/", catalogue.EventList.as_view(), name="api-events"),
    path("events/<int:pk>/", catalogue.EventDetail.as_view(), name="api-event"),
    path("tasks/", catalogue.TaskList.as_view(), name="api-tasks"),
    path("tasks/<int:pk>/", catalogue.TaskDetail.as_view()),
    path("shifts/", catalogue.ShiftList.as_view(), name="api-shifts"),
    path("shifts/<int:pk>/", catalogue.ShiftDetail.as_view(), name="api-shift"),
    path("signups/", people.SignUpList.as_view(), name="api-signups"),
    path("signups/<int:pk>/", people.SignUpDetail.as_view(), name="api-signup"),
    path("signups/<int:pk>/cancel/", people.SignUpCancel.as_view(), name="api-signup-cancel"),
    path("members/", people.MemberList.as_view(), name="api-members"),
    path("attendance/", people.AttendanceList.as_view(), name="api-attendance"),
    path("reports/figures/", reports.ReportFigures.as_view(), name="api-report"),
    path("<path:rest>", Nowhere.as_view()),
]
