from django.urls import path

from apps.sso import views

urlpatterns = [
    path("<slug:slug>/log-ind/", views.start, name="sso-start"),
    path("<slug:slug>/retur/", views.callback, name="sso-callback"),
]
