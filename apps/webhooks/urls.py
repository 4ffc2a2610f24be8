from django.urls import path

from apps.webhooks import views

urlpatterns = [
    path("", views.endpoints, name="webhooks"),
    path("<int:endpoint_id>/slaa-fra/", views.deactivate, name="webhook-deactivate"),
]
