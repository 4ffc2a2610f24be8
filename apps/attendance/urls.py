"""Attendance (fremmøde), under /fremmoede/ (see config.urls_tenant)."""

from django.urls import path

from apps.attendance import views, views_offline

urlpatterns = [
    path("vagter/<int:shift_id>/", views.roll_call_view, name="attendance-roll-call"),
    path("vagter/<int:shift_id>/offline/", views_offline.ticks, name="attendance-offline-ticks"),
    path("sw.js", views_offline.service_worker, name="attendance-service-worker"),
    path("vagter/<int:shift_id>/kode/", views.shift_code, name="attendance-code"),
    path("tilmeldinger/<int:signup_id>/", views.mark, name="attendance-mark"),
    path("tilmeldinger/<int:signup_id>/timer/", views.correct, name="attendance-correct"),
    path("udeblivelser/", views.no_shows, name="attendance-no-shows"),
    path("ind/uden-net/", views_offline.check_in_shell, name="attendance-check-in-offline"),
    path("ind/offline/", views_offline.check_ins, name="attendance-offline-check-ins"),
    path("ind/<int:shift_id>/<str:token>/", views.scan, name="attendance-scan"),
]
