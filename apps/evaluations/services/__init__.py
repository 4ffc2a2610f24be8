"""Write paths of evaluations: authoring (questionnaires, questions, rules), sending, answering."""

from apps.evaluations.services.answering import answer_submit
from apps.evaluations.services.authoring import (
    question_add,
    question_remove,
    questionnaire_create,
    questionnaire_update,
    rule_create,
    rule_set_active,
)
from apps.evaluations.services.sending import evaluations_due

__all__ = [
    "answer_submit",
    "evaluations_due",
    "question_add",
    "question_remove",
    "questionnaire_create",
    "questionnaire_update",
    "rule_create",
    "rule_set_active",
]
