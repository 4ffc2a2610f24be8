"""A volunteer answers through the link in the mail, without signing in.

The invitation row is locked while the answers are stored, so a double submit (two tabs,
a double tap) stores one response and the second is refused.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.evaluations.models import Answer, Invitation, Question, Response
from apps.webhooks.services import event_emit


def answer_submit(*, token: str, answers: dict[int, object]) -> Response:
    """`answers` maps a question's id to an int (scale), a choice or a text; empty is None."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("questionnaire", "shift__task__event")
            .filter(token=token)
            .first()
        )
        if invitation is None:
            raise Http404
        if invitation.answered_at is not None:
            raise ValidationError(_("This evaluation has already been answered."), code="twice")
        questionnaire = invitation.questionnaire
        questions = list(questionnaire.questions.all())
        rows = []
        for question in questions:
            value = answers.get(question.pk)
            if value in (None, ""):
                if question.required:
                    raise ValidationError(_("Please answer every required question."))
                continue
            rows.append(_answer(question, value))
        anonymous = questionnaire.is_anonymous
        shift = invitation.shift
        response = Response.objects.create(
            questionnaire=questionnaire,
            invitation=None if anonymous else invitation,
            organisation_id=shift.task.event.organisation_id,
            event_id=shift.task.event_id,
            task_id=shift.task_id,
            shift=shift,
            submitted_on=None if anonymous else _today(),
        )
        for row in rows:
            row.response = response
        Answer.objects.bulk_create(rows)
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["answered_at"])
        event_emit(
            kind="evaluation.answered",
            organisation_id=shift.task.event.organisation_id,
            # Anonymous questionnaires name nobody here either.
            payload={
                "response": response.pk,
                "questionnaire": questionnaire.pk,
                "shift": shift.pk,
                "person": None if anonymous else invitation.user_id,
            },
        )
        # No audit row: it would tie the person to the moment of an anonymous answer.
    return response


def _answer(question: Question, value: object) -> Answer:
    if question.kind == Question.Kind.SCALE:
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise ValidationError(_("Choose a number from 1 to 5."))
        return Answer(question=question, scale=value)
    if question.kind == Question.Kind.CHOICE:
        if value not in question.choices:
            raise ValidationError(_("Choose one of the choices."))
        return Answer(question=question, choice=str(value))
    return Answer(question=question, text=str(value).strip()[:5000])


def _today() -> date:
    return timezone.localdate()
