"""Coordinators' evaluation pages, under /evalueringer/ (see config.urls_tenant)."""

from django.urls import path

from apps.evaluations import views

urlpatterns = [
    path("", views.evaluations_home, name="evaluations"),
    path("spoergeskemaer/nyt/", views.questionnaire_new, name="evaluations-questionnaire-new"),
    path(
        "spoergeskemaer/<int:questionnaire_id>/",
        views.questionnaire_edit,
        name="evaluations-questionnaire",
    ),
    path(
        "spoergeskemaer/<int:questionnaire_id>/spoergsmaal/",
        views.question_new,
        name="evaluations-question-new",
    ),
    path(
        "spoergsmaal/<int:question_id>/slet/",
        views.question_delete,
        name="evaluations-question-delete",
    ),
    path("arrangementer/<int:event_id>/", views.event_rules, name="evaluations-event"),
    path("regler/<int:rule_id>/", views.rule_toggle, name="evaluations-rule-toggle"),
    path(
        "arrangementer/<int:event_id>/resultater/",
        views.event_results,
        name="evaluations-event-results",
    ),
    path("opgaver/<int:task_id>/resultater/", views.task_results, name="evaluations-task-results"),
    path(
        "organisationer/<int:organisation_id>/resultater/",
        views.organisation_results,
        name="evaluations-organisation-results",
    ),
]
