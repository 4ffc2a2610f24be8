"""The short evaluation each side gives when an active match ends (issue 15, item 4).

It reuses apps.evaluations: the programme's questionnaire is an evaluations
`Questionnaire` (anonymous, owned by the programme's organisation, editable there), made
with three scale questions the first time a match of the programme ends; the answer form
is evaluations' `AnswerForm`. Only its scale questions are asked here: the funders'
reports want scores, and free text about a citizen would be personal data in an
"anonymous" table.

Asking: `evaluations_ask` (inside `match_end`'s transaction) makes one `MatchEvaluation`
per side; the volunteer gets a mail pointing at their page, the citizen is asked by the
coordinator (the referral's page offers the form and a signed no-sign-in link to hand on).
Answering: `evaluation_answer` locks the row (a double submit stores one answer) and
stores a `MatchEvaluationResponse` with the programme, the side and the month the match
ended, and nothing that leads back to the match or the person; no audit row, for the same
reason as evaluations' anonymous answers.
"""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.citizens.models import (
    CitizenMatch,
    MatchEvaluation,
    MatchEvaluationResponse,
    MatchEvaluationScore,
    Programme,
)
from apps.citizens.notifications import evaluation_asked_send
from apps.citizens.services._common import NotTheVolunteer, Refused
from apps.evaluations.models import Question, Questionnaire
from apps.organisations.permissions import require_coordinator
from kernel.times import now_or

Side = MatchEvaluation.Side


def _standard_questions() -> list[str]:
    return [
        _("How has the match been for you, all in all?"),
        _("How much has the match meant in your everyday life?"),
        _("How well did the organisation support the match?"),
    ]


def programme_questionnaire(*, programme: Programme) -> Questionnaire:
    """The programme's questionnaire, made (in the active language) on first need; the
    programme's row is locked so that two matches ending at once make one."""
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if locked.evaluation_questionnaire_id is not None:
        return Questionnaire.objects.get(pk=locked.evaluation_questionnaire_id)
    questionnaire = Questionnaire.objects.create(
        organisation_id=locked.organisation_id,
        title=_("Evaluation of a match: %(programme)s") % {"programme": locked.name},
        intro=_("Three short questions. Your answers are anonymous."),
        is_anonymous=True,
    )
    Question.objects.bulk_create(
        Question(questionnaire=questionnaire, position=i, kind=Question.Kind.SCALE, text=text)
        for i, text in enumerate(_standard_questions(), start=1)
    )
    locked.evaluation_questionnaire = questionnaire
    locked.save(update_fields=["evaluation_questionnaire"])
    programme.evaluation_questionnaire = questionnaire
    return questionnaire


def evaluations_ask(*, match: CitizenMatch, now: datetime) -> list[MatchEvaluation]:
    """Inside the caller's transaction, for a match that was active and has just ended;
    safe to call twice (one row per match and side)."""
    questionnaire = programme_questionnaire(programme=match.referral.programme)
    sides = [Side.CITIZEN] if match.volunteer_id is None else [Side.VOLUNTEER, Side.CITIZEN]
    MatchEvaluation.objects.bulk_create(
        [
            MatchEvaluation(match=match, side=side, questionnaire=questionnaire, asked_at=now)
            for side in sides
        ],
        ignore_conflicts=True,
    )
    asked = list(MatchEvaluation.objects.filter(match=match))
    for evaluation in asked:
        if evaluation.side == Side.VOLUNTEER and evaluation.answered_at is None:
            evaluation_asked_send(evaluation=evaluation)
    return asked


def scale_questions(evaluation: MatchEvaluation) -> list[Question]:
    return list(evaluation.questionnaire.questions.filter(kind=Question.Kind.SCALE))


def _check_who(evaluation: MatchEvaluation, actor: User | None, via: str) -> None:
    match = evaluation.match
    if via == "own":
        if actor is None or evaluation.side != Side.VOLUNTEER or match.volunteer_id != actor.pk:
            raise NotTheVolunteer
    elif via == "coordinator":
        if actor is None or evaluation.side != Side.CITIZEN:
            raise NotTheVolunteer
        require_coordinator(actor, match.referral.programme.organisation)
    elif not (via == "link" and actor is None and evaluation.side == Side.CITIZEN):
        raise ValueError(f"unknown way to answer {via!r}")


def _month(day: date) -> date:
    return day.replace(day=1)


def evaluation_answer(
    *,
    evaluation: MatchEvaluation,
    answers: dict[int, object],
    via: str,
    actor: User | None = None,
    now: datetime | None = None,
) -> MatchEvaluationResponse:
    """`answers` maps a scale question's id to 1 to 5 (None: not answered). `via`: "own"
    (the volunteer), "coordinator" (for the citizen) or "link" (the citizen, no actor:
    the view has checked the token)."""
    now = now_or(now)
    _check_who(evaluation, actor, via)
    with transaction.atomic():
        locked = (
            MatchEvaluation.objects.select_for_update(of=("self",))
            .select_related("match__referral", "questionnaire")
            .get(pk=evaluation.pk)
        )
        if locked.answered_at is not None:
            raise Refused(_("This evaluation has already been answered."))
        scores = []
        for question in scale_questions(locked):
            value = answers.get(question.pk)
            if value in (None, ""):
                if question.required:
                    raise Refused(_("Please answer every required question."))
                continue
            if not isinstance(value, int) or not 1 <= value <= 5:
                raise Refused(_("Choose a number from 1 to 5."))
            scores.append(MatchEvaluationScore(question=question, scale=value))
        ended = locked.match.ended_at or now
        response = MatchEvaluationResponse.objects.create(
            programme_id=locked.match.referral.programme_id,
            side=locked.side,
            questionnaire_id=locked.questionnaire_id,
            month=_month(timezone.localdate(ended)),
        )
        for score in scores:
            score.response = response
        MatchEvaluationScore.objects.bulk_create(scores)
        locked.answered_at, locked.answered_via = now, via
        locked.save(update_fields=["answered_at", "answered_via"])
    return response
