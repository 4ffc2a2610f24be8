"""Nyborg Roklub asks its volunteers how the regatta went. Olga coordinates the club; Frida
came, Bo came late, Carl did not come and Dorthe was never marked. Kim coordinates another
association; Anders (VisitAarhus) is in another municipality altogether."""

from datetime import timedelta

import pytest
from django.test import TestCase

from apps.attendance.services import roll_call_mark
from apps.evaluations.models import EvaluationRule, Questionnaire
from apps.evaluations.services import (
    evaluations_due,
    question_add,
    questionnaire_create,
    rule_create,
)
from apps.organisations.models import OrganisationRole
from apps.shifts.models import Shift
from apps.shifts.services.signups import shift_sign_up
from tests.personas import person


@pytest.fixture
def olga(roklub):
    olga = person("Olga")
    OrganisationRole.objects.create(
        organisation=roklub, user=olga, role=OrganisationRole.Role.COORDINATOR
    )
    return olga


def build_questionnaire(actor, organisation, *, title="Hvordan gik det?", anonymous=False):
    questionnaire = questionnaire_create(
        actor=actor,
        organisation_id=organisation.pk if organisation else None,
        title=title,
        intro="Tak for din indsats!",
        is_anonymous=anonymous,
    )
    question_add(
        actor=actor, questionnaire_id=questionnaire.pk, kind="scale", text="Hvordan var vagten?"
    )
    question_add(
        actor=actor,
        questionnaire_id=questionnaire.pk,
        kind="choice",
        text="Kommer du igen?",
        choices=["Ja", "Måske", "Nej"],
    )
    question_add(
        actor=actor,
        questionnaire_id=questionnaire.pk,
        kind="text",
        text="Noget vi kan gøre bedre?",
        required=False,
    )
    return questionnaire


@pytest.fixture
def survey(olga, roklub) -> Questionnaire:
    return build_questionnaire(olga, roklub)


@pytest.fixture
def came(morning, olga, frida, bo, carl, dorthe) -> Shift:
    """Frida present, Bo late, Carl a no-show, Dorthe signed up but never marked."""
    Shift.objects.filter(pk=morning.pk).update(capacity=4)
    marks = {frida: "present", bo: "late", carl: "no_show", dorthe: None}
    for user, status in marks.items():
        signup = shift_sign_up(shift_id=morning.pk, user=user)
        if status:
            roll_call_mark(actor=olga, signup_id=signup.pk, status=status)
    morning.refresh_from_db()
    return morning


@pytest.fixture
def rule(survey, regatta, olga) -> EvaluationRule:
    return rule_create(actor=olga, event_id=regatta.pk, questionnaire_id=survey.pk, delay_hours=2)


def after(shift: Shift, **delta: float):
    return shift.ends_at + timedelta(**delta)


def delivered():
    """Run what commits would start (the outbox delivers after the sweep's commit)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def sweep(shift: Shift, **delta: float) -> dict[str, int]:
    with delivered():
        return evaluations_due(now=after(shift, **delta))
