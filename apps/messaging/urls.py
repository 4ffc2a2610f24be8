"""Messages, under /beskeder/ (see config.urls_tenant)."""

from django.urls import path

from apps.messaging import views

urlpatterns = [
    path("", views.messages_home, name="messaging"),
    path("ny/<str:kind>/<int:audience_id>/", views.message_new, name="messaging-new"),
    path("<int:message_id>/", views.message_detail, name="messaging-message"),
    path("indstillinger/", views.preferences, name="messaging-preferences"),
    path("typer/", views.kinds_list, name="messaging-kinds"),
    path("typer/<slug:slug>/", views.kind_preview, name="messaging-kind-preview"),
    path("afmeld/<str:token>/", views.unsubscribe_view, name="messaging-unsubscribe"),
    path("afbud/<str:token>/", views.cancel_view, name="messaging-cancel"),
    path("orientering/<int:event_id>/", views.orientations, name="messaging-orientations"),
    path(
        "orientering/skift/<int:template_id>/",
        views.orientation_toggle,
        name="messaging-orientation-toggle",
    ),
]
