"""Organisations under /organisationer/ (the organisation's own page, with its members, is
apps.members.urls)."""

from django.urls import path

from apps.organisations import views

urlpatterns = [
    path("", views.organisation_list, name="organisations"),
    path("ny/", views.organisation_new, name="organisation-new"),
    path("<int:org_id>/godkend/", views.organisation_approve_view, name="organisation-approve"),
    path("<int:org_id>/inviter/", views.organisation_invite, name="organisation-invite"),
]
