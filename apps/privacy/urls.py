"""A person's data and the controller's records, under /privatliv/ (config.urls_tenant)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
