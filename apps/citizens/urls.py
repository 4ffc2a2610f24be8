"""Citizen matching, under /borgere/ (see config.urls_tenant)."""

from django.urls import path

from apps.citizens import views, views_evaluation, views_followup, views_public

urlpatterns = [
    path("", views.referral_list, name="citizens-referrals"),
    path("indsatser/ny/", views.programme_new, name="citizens-programme-new"),
    path("henvisning/ny/", views.referral_new, name="citizens-referral-new"),
    path("henvisning/modtaget/", views.referral_received, name="citizens-referral-received"),
    path("henvisninger/<int:referral_id>/", views.referral_detail, name="citizens-referral"),
    path(
        "henvisninger/<int:referral_id>/foelsomme/",
        views.special_category,
        name="citizens-special-category",
    ),
    path(
        "henvisninger/<int:referral_id>/traek-tilbage/",
        views.withdraw,
        name="citizens-withdraw",
    ),
    path(
        "henvisninger/<int:referral_id>/foreslaa/<int:user_id>/",
        views.propose,
        name="citizens-propose",
    ),
    path("match/<int:match_id>/moede/", views.meeting, name="citizens-meeting"),
    path(
        "match/<int:match_id>/borgerens-svar/",
        views.citizen_answer_by_coordinator,
        name="citizens-citizen-answer",
    ),
    path("match/<int:match_id>/afslut/", views.end, name="citizens-end"),
    path("opfoelgning/<int:checkin_id>/", views_followup.checkin, name="citizens-checkin"),
    path("mine/<int:match_id>/bekymring/", views_followup.concern, name="citizens-concern"),
    path(
        "match/<int:match_id>/borgerens-evaluering/",
        views_evaluation.for_citizen,
        name="citizens-evaluation-citizen",
    ),
    path(
        "mine/<int:match_id>/evaluering/",
        views_evaluation.own,
        name="citizens-evaluation-own",
    ),
    path("mine/klar/", views_evaluation.ready, name="citizens-ready"),
    path("evaluering/<str:token>/", views_evaluation.by_link, name="citizens-evaluation-link"),
    path("bliv-henvist/", views_public.self_referral, name="citizens-self-referral"),
    path(
        "bliv-henvist/tak/",
        views_public.self_referral_received,
        name="citizens-self-referral-received",
    ),
    path("mine/", views.my_matches, name="citizens-mine"),
    path("mine/<int:match_id>/", views.proposal, name="citizens-proposal"),
    path("svar/<str:token>/", views.citizen_answer, name="citizens-answer"),
]
