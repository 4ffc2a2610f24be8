"""Recruitment, under /rekruttering/ (see config.urls_tenant): public postings and the
application form, and the coordinators' pipeline and onboarding pages."""

from django.urls import path

from apps.recruitment import views

urlpatterns = [
    path("", views.posting_list, name="recruitment-postings"),
    path("opslag/<int:posting_id>/", views.posting_page, name="recruitment-posting"),
    path("opslag/<int:posting_id>/ansoeg/", views.apply, name="recruitment-apply"),
    path("tavle/", views.board, name="recruitment-board"),
    path("tavle/opslag/nyt/", views.posting_new, name="recruitment-posting-new"),
    path(
        "tavle/opslag/<int:posting_id>/offentliggoer/",
        views.posting_publish_view,
        name="recruitment-posting-publish",
    ),
    path(
        "ansoegninger/<int:application_id>/",
        views.application_detail,
        name="recruitment-application",
    ),
    path(
        "ansoegninger/<int:application_id>/flyt/",
        views.application_move_view,
        name="recruitment-move",
    ),
    path(
        "ansoegninger/<int:application_id>/samtale/",
        views.interview_new,
        name="recruitment-interview",
    ),
    path("onboarding/<int:onboarding_id>/", views.onboarding_page, name="recruitment-onboarding"),
    path("indstillinger/", views.policy, name="recruitment-policy"),
    path("mine/", views.my_applications, name="recruitment-mine"),
    path(
        "mine/<int:application_id>/traek-tilbage/",
        views.my_application_withdraw,
        name="recruitment-withdraw",
    ),
]
