"""Coordinators keep questionnaires, attach them to events and read the results; anyone
with the link in the mail answers. Everyone who may not coordinate the organisation gets
404 on its pages, as in planning."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from apps.evaluations.forms import AnswerForm, QuestionForm, QuestionnaireForm, RuleForm
from apps.evaluations.models import EvaluationRule, Invitation, Question, Questionnaire
from apps.evaluations.selectors import (
    event_rules as rules_of_event,
)
from apps.evaluations.selectors import (
    may_edit_questionnaire,
    questionnaires_for,
    questionnaires_usable_for,
    results,
)
from apps.evaluations.services import (
    answer_submit,
    question_add,
    question_remove,
    questionnaire_create,
    questionnaire_update,
    rule_create,
    rule_set_active,
)
from apps.organisations.models import Organisation
from apps.organisations.permissions import NotCoordinator, require_coordinator
from apps.organisations.selectors import organisations_coordinated_by
from apps.shifts.models import Event, Task
from kernel.forms import add_service_error
from kernel.http import AuthedHttpRequest


def _event(request: AuthedHttpRequest, event_id: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("organisation"), pk=event_id)
    require_coordinator(request.user, event.organisation)
    return event


def _questionnaire(request: AuthedHttpRequest, questionnaire_id: int) -> Questionnaire:
    questionnaire = get_object_or_404(
        Questionnaire.objects.select_related("organisation"), pk=questionnaire_id
    )
    if not may_edit_questionnaire(user=request.user, questionnaire=questionnaire):
        raise Http404
    return questionnaire


@login_required
def evaluations_home(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    organisations = organisations_coordinated_by(user=user)
    if not organisations and not user.is_owner_admin:
        raise NotCoordinator
    context = {
        "questionnaires": questionnaires_for(user=user),
        "organisations": organisations,
    }
    return render(request, "evaluations/home.html", context)


@login_required
def questionnaire_new(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    organisations = organisations_coordinated_by(user=user)
    if not organisations and not user.is_owner_admin:
        raise NotCoordinator
    queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
    posted = request.POST if request.method == "POST" else None
    form = QuestionnaireForm(posted, organisations=queryset, tenant_wide=user.is_owner_admin)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            questionnaire = questionnaire_create(
                actor=user,
                organisation_id=data["organisation"].pk if data["organisation"] else None,
                title=data["title"],
                intro=data["intro"],
                is_anonymous=data["is_anonymous"],
            )
            messages.success(request, _("The questionnaire is created. Now add the questions."))
            return redirect("evaluations-questionnaire", questionnaire.pk)
        status = 400
    else:
        status = 200
    return render(request, "evaluations/questionnaire_new.html", {"form": form}, status=status)


@login_required
def questionnaire_edit(request: AuthedHttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id)
    status = 200
    if request.method == "POST":
        form = QuestionnaireForm(request.POST)
        if form.is_valid():
            try:
                questionnaire_update(
                    actor=request.user, questionnaire_id=questionnaire.pk, **form.cleaned_data
                )
            except ValidationError as refusal:
                add_service_error(form, refusal)
            else:
                messages.success(request, _("The questionnaire is saved."))
                return redirect("evaluations-questionnaire", questionnaire.pk)
        status = 400
    else:
        form = QuestionnaireForm(
            initial={
                "title": questionnaire.title,
                "intro": questionnaire.intro,
                "is_anonymous": questionnaire.is_anonymous,
                "is_active": questionnaire.is_active,
            }
        )
    return _render_questionnaire(request, questionnaire, form, QuestionForm(), status)


def _render_questionnaire(
    request: HttpRequest,
    questionnaire: Questionnaire,
    form: QuestionnaireForm,
    question_form: QuestionForm,
    status: int,
) -> HttpResponse:
    context = {
        "questionnaire": questionnaire,
        "questions": questionnaire.questions.all(),
        "answered": questionnaire.responses.exists(),
        "form": form,
        "question_form": question_form,
    }
    return render(request, "evaluations/questionnaire.html", context, status=status)


@login_required
def question_new(request: AuthedHttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id)
    if request.method != "POST":
        return redirect("evaluations-questionnaire", questionnaire.pk)
    question_form = QuestionForm(request.POST)
    if question_form.is_valid():
        try:
            question_add(
                actor=request.user,
                questionnaire_id=questionnaire.pk,
                **question_form.cleaned_data,
            )
        except ValidationError as refusal:
            add_service_error(question_form, refusal)
        else:
            messages.success(request, _("The question is added."))
            return redirect("evaluations-questionnaire", questionnaire.pk)
    form = QuestionnaireForm(
        initial={
            "title": questionnaire.title,
            "intro": questionnaire.intro,
            "is_anonymous": questionnaire.is_anonymous,
            "is_active": questionnaire.is_active,
        }
    )
    return _render_questionnaire(request, questionnaire, form, question_form, 400)


@login_required
def question_delete(request: AuthedHttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.select_related("questionnaire__organisation"), pk=question_id
    )
    if not may_edit_questionnaire(user=request.user, questionnaire=question.questionnaire):
        raise Http404
    if request.method == "POST":
        try:
            question_remove(actor=request.user, question_id=question.pk)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, _("The question is removed."))
    return redirect("evaluations-questionnaire", question.questionnaire_id)


@login_required
def event_rules(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    tasks = Task.objects.filter(event=event)
    questionnaires = questionnaires_usable_for(organisation=event.organisation)
    posted = request.POST if request.method == "POST" else None
    form = RuleForm(posted, questionnaires=questionnaires, tasks=tasks)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                rule_create(
                    actor=request.user,
                    event_id=event.pk,
                    questionnaire_id=data["questionnaire"].pk,
                    task_id=data["task"].pk if data["task"] else None,
                    delay_hours=data["delay_hours"],
                )
            except ValidationError as refusal:
                add_service_error(form, refusal)
            else:
                messages.success(request, _("The evaluation will be sent after each shift."))
                return redirect("evaluations-event", event.pk)
        status = 400
    context = {"event": event, "rules": rules_of_event(event=event), "form": form, "tasks": tasks}
    return render(request, "evaluations/event_rules.html", context, status=status)


@login_required
def rule_toggle(request: AuthedHttpRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(
        EvaluationRule.objects.select_related("event__organisation", "task__event__organisation"),
        pk=rule_id,
    )
    event = rule.task.event if rule.task else rule.event
    assert event is not None
    require_coordinator(request.user, event.organisation)
    if request.method == "POST":
        rule_set_active(actor=request.user, rule_id=rule.pk, active=not rule.is_active)
    return redirect("evaluations-event", event.pk)


def _results_page(
    request: HttpRequest, scope: Q, heading: str, context: dict[str, object]
) -> HttpResponse:
    context = {**context, "heading": heading, "results": results(scope=scope)}
    return render(request, "evaluations/results.html", context)


@login_required
def event_results(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    return _results_page(request, Q(event=event), event.title, {"event": event})


@login_required
def task_results(request: AuthedHttpRequest, task_id: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("event__organisation"), pk=task_id)
    require_coordinator(request.user, task.event.organisation)
    heading = f"{task.event.title} · {task.title}"
    return _results_page(request, Q(task=task), heading, {"event": task.event, "task": task})


@login_required
def organisation_results(request: AuthedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    require_coordinator(request.user, organisation)
    return _results_page(
        request,
        Q(organisation=organisation),
        organisation.name,
        {"organisation": organisation},
    )


# --- answering, without signing in -----------------------------------------------------------


def _invitation(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("questionnaire", "shift__task__event")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation(token)
    if invitation.answered_at is not None:
        return render(request, "evaluations/answered.html", {"invitation": invitation}, status=410)
    questions = list(invitation.questionnaire.questions.all())
    if request.method == "POST":
        form = AnswerForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                answer_submit(token=token, answers=form.answers())
            except ValidationError as refusal:
                if refusal.code == "twice":
                    used = {"invitation": invitation}
                    return render(request, "evaluations/answered.html", used, status=410)
                add_service_error(form, refusal)
            else:
                return redirect("evaluation-thanks", token)
        status = 400
    else:
        form = AnswerForm(questions=questions)
        status = 200
    context = {"invitation": invitation, "questionnaire": invitation.questionnaire, "form": form}
    return render(request, "evaluations/answer.html", context, status=status)


def answer_thanks(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation(token)
    if invitation.answered_at is None:
        return redirect("evaluation-answer", token)
    return render(request, "evaluations/thanks.html", {"invitation": invitation})
