"""Reads: who may do what, the results of evaluations, and the scores for the reports."""

import zoneinfo
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.evaluations.models import Answer, EvaluationRule, Question, Questionnaire, Response
from apps.organisations.models import Organisation
from apps.organisations.selectors import can_coordinate, organisations_coordinated_by
from apps.shifts.models import Event
from tenants.selectors import current_tenant

# Anonymous figures from fewer people than this are not shown: with one or two answers,
# knowing who came would be enough to know who said what.
MIN_ANONYMOUS_GROUP = 3


def may_edit_questionnaire(*, user: User, questionnaire: Questionnaire) -> bool:
    """The municipality's own questionnaires are kept by its admins; the rest by coordinators."""
    if questionnaire.organisation_id is None:
        return bool(user.is_authenticated and user.is_active and user.is_owner_admin)
    assert questionnaire.organisation is not None
    return can_coordinate(user=user, organisation=questionnaire.organisation)


def questionnaires_for(*, user: User) -> QuerySet[Questionnaire]:
    """What a coordinator may see and use: their organisations' and the municipality's."""
    if user.is_owner_admin:
        return Questionnaire.objects.select_related("organisation")
    organisations = organisations_coordinated_by(user=user)
    return Questionnaire.objects.filter(
        Q(organisation__isnull=True) | Q(organisation__in=organisations)
    ).select_related("organisation")


def questionnaires_usable_for(*, organisation: Organisation) -> QuerySet[Questionnaire]:
    return Questionnaire.objects.filter(
        Q(organisation__isnull=True) | Q(organisation=organisation), is_active=True
    )


def event_rules(*, event: Event) -> list[EvaluationRule]:
    return list(
        EvaluationRule.objects.filter(Q(event=event) | Q(task__event=event))
        .select_related("questionnaire", "task")
        .order_by("task_id", "id")
    )


# --- results ---------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: Question
    count: int = 0
    average: float | None = None
    # (label, count) for choices and for each step of a scale
    distribution: list[tuple[str, int]] = field(default_factory=list)
    # (text, name or "") for free text
    texts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class QuestionnaireResult:
    questionnaire: Questionnaire
    responses: int
    hidden: bool  # anonymous and too few answers to show
    questions: list[QuestionResult]


def results(*, scope: Q) -> list[QuestionnaireResult]:
    """Figures for the responses in `scope` (a filter on Response), in six queries whatever
    the number of questionnaires, questions or answers."""
    responses = Response.objects.filter(scope)
    counts = dict(
        responses.order_by()
        .values_list("questionnaire_id")
        .annotate(n=Count("id"))
        .values_list("questionnaire_id", "n")
    )
    if not counts:
        return []
    questionnaires = list(Questionnaire.objects.filter(pk__in=counts).prefetch_related("questions"))
    answers = Answer.objects.filter(response__in=responses).order_by()
    averages: dict[int, dict[str, Any]] = {
        row["question_id"]: row
        for row in answers.filter(scale__isnull=False)
        .values("question_id")
        .annotate(average=Avg("scale"), n=Count("id"))
    }
    spread: dict[int, dict[str, int]] = {}
    for row in (
        answers.filter(question__kind__in=(Question.Kind.SCALE, Question.Kind.CHOICE))
        .values("question_id", "scale", "choice")
        .annotate(n=Count("id"))
    ):
        label = str(row["scale"]) if row["scale"] is not None else row["choice"]
        if label:
            spread.setdefault(row["question_id"], {})[label] = row["n"]
    texts: dict[int, list[tuple[str, str]]] = {}
    for question_id, text, name in (
        answers.filter(question__kind=Question.Kind.TEXT)
        .exclude(text="")
        .values_list("question_id", "text", "response__invitation__user__full_name")
        .order_by("question_id", "text")
    ):
        texts.setdefault(question_id, []).append((text, name or ""))
    found = []
    for questionnaire in questionnaires:
        count = counts[questionnaire.pk]
        hidden = questionnaire.is_anonymous and count < MIN_ANONYMOUS_GROUP
        rows: list[QuestionResult] = []
        for question in questionnaire.questions.all():
            if hidden:
                break
            result = QuestionResult(question=question)
            steps = spread.get(question.pk, {})
            if question.kind == Question.Kind.SCALE:
                result.count = averages.get(question.pk, {}).get("n", 0)
                result.average = averages.get(question.pk, {}).get("average")
                result.distribution = [(str(i), steps.get(str(i), 0)) for i in range(1, 6)]
            elif question.kind == Question.Kind.CHOICE:
                result.distribution = [(label, steps.get(label, 0)) for label in question.choices]
                result.count = sum(steps.values())
            else:
                result.texts = texts.get(question.pk, [])
                result.count = len(result.texts)
            rows.append(result)
        found.append(QuestionnaireResult(questionnaire, count, hidden, rows))
    return found


# --- for the reports app -----------------------------------------------------------------


def evaluation_scores(
    *, start: date, end: date, organisation_id: int | None = None
) -> list[dict[str, object]]:
    """One row per event with responses from shifts that start between `start` and `end`
    (both included, the tenant's local dates): the number of responses and the mean of
    all their scale answers (None when none has a scale answer)."""
    with timezone.override(zoneinfo.ZoneInfo(current_tenant().timezone)):
        responses = Response.objects.filter(
            shift__starts_at__date__gte=start, shift__starts_at__date__lte=end
        )
        if organisation_id is not None:
            responses = responses.filter(organisation_id=organisation_id)
        rows = (
            responses.order_by()
            .values("event_id", "event__title", "organisation_id")
            .annotate(
                responses=Count("id", distinct=True),
                average=Avg("answers__scale"),
            )
            .order_by("event__starts_at", "event_id")
        )
        return [
            {
                "event_id": row["event_id"],
                "event_title": row["event__title"],
                "organisation_id": row["organisation_id"],
                "responses": row["responses"],
                "average": float(row["average"]) if row["average"] is not None else None,
            }
            for row in rows
        ]
