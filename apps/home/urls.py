from django.urls import path

from apps.home import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tjekliste/", views.checklist, name="dashboard-checklist"),
]
