"""The answer page behind the link in the mail, under /evaluering/ (no sign-in)."""

from django.urls import path

from apps.evaluations import views

urlpatterns = [
    path("<str:token>/", views.answer, name="evaluation-answer"),
    path("<str:token>/tak/", views.answer_thanks, name="evaluation-thanks"),
]
