"""Matching suggestions for a shift, under /planlaeg/ (included by config.urls_tenant)."""

from django.urls import path

from apps.matching import views

urlpatterns = [
    path(
        "vagter/<int:shift_id>/kandidater/",
        views.shift_candidates,
        name="planning-candidates",
    ),
    path(
        "vagter/<int:shift_id>/kandidater/<int:user_id>/tilfoej/",
        views.candidate_add,
        name="planning-candidate-add",
    ),
    path(
        "opslag/<int:posting_id>/kandidater/",
        views.posting_candidates,
        name="planning-posting-candidates",
    ),
]
