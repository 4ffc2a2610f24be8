from django.urls import path

from apps.organisations import views

urlpatterns = [
    path("", views.organisation_list, name="organisations"),
    path("ny/", views.organisation_new, name="organisation-new"),
    path("<int:org_id>/", views.organisation_page, name="organisation"),
    path("<int:org_id>/godkend/", views.organisation_approve_view, name="organisation-approve"),
    path("<int:org_id>/inviter/", views.organisation_invite, name="organisation-invite"),
    path(
        "<int:org_id>/medlemmer/ny/", views.organisation_add_member, name="organisation-add-member"
    ),
    path("medlemmer/<int:membership_id>/", views.member_page, name="member"),
    path(
        "anmodninger/<int:request_id>/",
        views.membership_request_answer_view,
        name="membership-request-answer",
    ),
]
