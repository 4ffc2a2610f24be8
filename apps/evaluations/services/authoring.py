"""Coordinators build questionnaires and attach them to an event or a task.

Questions are fixed once answers exist, so the results always match the questions asked.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.evaluations.models import EvaluationRule, Question, Questionnaire
from apps.evaluations.selectors import may_edit_questionnaire, questionnaires_usable_for
from apps.organisations.models import Organisation
from apps.organisations.permissions import NotCoordinator, require_coordinator
from apps.shifts.models import Event, Task

MAX_DELAY_HOURS = 14 * 24


def questionnaire_create(
    *,
    actor: User,
    organisation_id: int | None,
    title: str,
    intro: str = "",
    is_anonymous: bool = False,
) -> Questionnaire:
    organisation = None
    if organisation_id is not None:
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            raise NotCoordinator
    questionnaire = Questionnaire(
        organisation=organisation, title=title.strip(), intro=intro, is_anonymous=is_anonymous
    )
    if not may_edit_questionnaire(user=actor, questionnaire=questionnaire):
        raise NotCoordinator
    with transaction.atomic():
        questionnaire.save()
        audit_record(actor=actor, action="evaluation.questionnaire_create", target=questionnaire)
    return questionnaire


def _locked(actor: User, questionnaire_id: int) -> Questionnaire:
    questionnaire = (
        Questionnaire.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=questionnaire_id)
        .first()
    )
    if questionnaire is None or not may_edit_questionnaire(user=actor, questionnaire=questionnaire):
        raise NotCoordinator
    return questionnaire


def questionnaire_update(
    *,
    actor: User,
    questionnaire_id: int,
    title: str,
    intro: str,
    is_anonymous: bool,
    is_active: bool,
) -> Questionnaire:
    with transaction.atomic():
        questionnaire = _locked(actor, questionnaire_id)
        if is_anonymous != questionnaire.is_anonymous and questionnaire.responses.exists():
            raise ValidationError(
                {"is_anonymous": _("People have answered already; this can no longer change.")}
            )
        questionnaire.title = title.strip()
        questionnaire.intro = intro
        questionnaire.is_anonymous = is_anonymous
        questionnaire.is_active = is_active
        questionnaire.save()
        audit_record(actor=actor, action="evaluation.questionnaire_update", target=questionnaire)
    return questionnaire


def _refuse_when_answered(questionnaire: Questionnaire) -> None:
    if questionnaire.responses.exists():
        raise ValidationError(
            _("People have answered already, so the questions can no longer change."),
            code="answered",
        )


def question_add(
    *,
    actor: User,
    questionnaire_id: int,
    kind: str,
    text: str,
    choices: list[str] | None = None,
    required: bool = True,
) -> Question:
    choices = [choice.strip() for choice in choices or [] if choice.strip()]
    if kind not in Question.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of question.")})
    if kind == Question.Kind.CHOICE and len(set(choices)) < 2:
        raise ValidationError({"choices": _("Give at least two different choices.")})
    if kind != Question.Kind.CHOICE:
        choices = []
    with transaction.atomic():
        questionnaire = _locked(actor, questionnaire_id)
        _refuse_when_answered(questionnaire)
        last = questionnaire.questions.order_by("-position").values_list("position", flat=True)
        question = Question.objects.create(
            questionnaire=questionnaire,
            position=(last.first() or 0) + 1,
            kind=kind,
            text=text.strip(),
            choices=list(dict.fromkeys(choices)),
            required=required,
        )
        audit_record(actor=actor, action="evaluation.question_add", target=question)
    return question


def question_remove(*, actor: User, question_id: int) -> int:
    """Returns the questionnaire's id."""
    questionnaire_id = (
        Question.objects.filter(pk=question_id).values_list("questionnaire_id", flat=True).first()
    )
    if questionnaire_id is None:
        raise NotCoordinator
    with transaction.atomic():
        questionnaire = _locked(actor, questionnaire_id)
        _refuse_when_answered(questionnaire)
        Question.objects.filter(pk=question_id).delete()
        audit_record(
            actor=actor, action="evaluation.question_remove", target=questionnaire, id=question_id
        )
    return questionnaire_id


def rule_create(
    *,
    actor: User,
    event_id: int,
    questionnaire_id: int,
    task_id: int | None = None,
    delay_hours: int = 2,
) -> EvaluationRule:
    event = Event.objects.select_related("organisation").filter(pk=event_id).first()
    if event is None:
        raise NotCoordinator
    require_coordinator(actor, event.organisation)
    task = None
    if task_id is not None:
        task = Task.objects.filter(pk=task_id, event=event).first()
        if task is None:
            raise ValidationError({"task": _("Choose a task of this event.")})
    questionnaire = questionnaires_usable_for(organisation=event.organisation).filter(
        pk=questionnaire_id
    )
    if not questionnaire.exists():
        raise ValidationError({"questionnaire": _("Choose a questionnaire in use.")})
    if not questionnaire.filter(questions__isnull=False).exists():
        raise ValidationError({"questionnaire": _("The questionnaire has no questions yet.")})
    if not 0 <= delay_hours <= MAX_DELAY_HOURS:
        raise ValidationError({"delay_hours": _("Choose between 0 and 336 hours.")})
    with transaction.atomic():
        rule = EvaluationRule.objects.create(
            questionnaire_id=questionnaire_id,
            event=None if task else event,
            task=task,
            delay_hours=delay_hours,
            created_by=actor,
        )
        audit_record(actor=actor, action="evaluation.rule_create", target=rule)
    return rule


def rule_set_active(*, actor: User, rule_id: int, active: bool) -> EvaluationRule:
    with transaction.atomic():
        rule = (
            EvaluationRule.objects.select_for_update(of=("self",))
            .select_related("event__organisation", "task__event__organisation")
            .filter(pk=rule_id)
            .first()
        )
        if rule is None:
            raise NotCoordinator
        event = rule.task.event if rule.task else rule.event
        assert event is not None
        require_coordinator(actor, event.organisation)
        rule.is_active = active
        rule.save(update_fields=["is_active"])
        audit_record(actor=actor, action="evaluation.rule_active", target=rule, active=active)
    return rule
