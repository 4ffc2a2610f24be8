"""Matching suggestions for a shift, under /planlaeg/ (included by config.urls_tenant)."""

from django.urls import path

from apps.members import matching_views

urlpatterns = [
    path(
        "vagter/<int:shift_id>/kandidater/",
        matching_views.shift_candidates,
        name="planning-candidates",
    ),
    path(
        "vagter/<int:shift_id>/kandidater/<int:user_id>/tilfoej/",
        matching_views.candidate_add,
        name="planning-candidate-add",
    ),
    path(
        "opslag/<int:posting_id>/kandidater/",
        matching_views.posting_candidates,
        name="planning-posting-candidates",
    ),
]
