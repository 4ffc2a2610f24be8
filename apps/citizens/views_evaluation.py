"""The short evaluation of an ended match (services/evaluations.py): the volunteer on their
page, the citizen through the coordinator or a signed link without signing in. The form
is apps.evaluations' AnswerForm with the questionnaire's scale questions. Thin, as
views.py; 404 for whoever may not see it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.citizens.links import evaluation_for_token
from apps.citizens.models import MatchEvaluation
from apps.citizens.services.evaluations import evaluation_answer, scale_questions
from apps.citizens.services.referrals import ready_for_new_match
from apps.evaluations.forms import AnswerForm
from apps.organisations.permissions import require_coordinator
from kernel.http import AuthedHttpRequest

Side = MatchEvaluation.Side


def _answer(
    request: HttpRequest,
    evaluation: MatchEvaluation,
    *,
    via: str,
    actor: object = None,
    extra: dict[str, object] | None = None,
) -> HttpResponse | None:
    """The form, or None once the answers are stored (the caller redirects)."""
    questions = scale_questions(evaluation)
    posted = request.POST if request.method == "POST" else None  # an empty POST is checked too
    form = AnswerForm(posted, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_answer(
                evaluation=evaluation,
                answers=form.answers(),
                via=via,
                actor=actor,  # type: ignore[arg-type]
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            return None
    context = {
        "evaluation": evaluation,
        "programme": evaluation.match.referral.programme,
        "questionnaire": evaluation.questionnaire,
        "form": form,
        "own": False,
        "for_citizen": False,
        **(extra or {}),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "citizens/evaluation.html", context, status=status)


@login_required
def own(request: AuthedHttpRequest, match_id: int) -> HttpResponse:
    evaluation = get_object_or_404(
        MatchEvaluation.objects.select_related(
            "match__referral__programme__organisation", "questionnaire"
        ),
        match_id=match_id,
        match__volunteer=request.user,
        side=Side.VOLUNTEER,
    )
    if evaluation.answered_at is not None:
        return render(request, "citizens/evaluation_thanks.html", {"answered": True})
    page = _answer(request, evaluation, via="own", actor=request.user, extra={"own": True})
    if page is not None:
        return page
    return render(request, "citizens/evaluation_thanks.html")


@login_required
def for_citizen(request: AuthedHttpRequest, match_id: int) -> HttpResponse:
    """The coordinator fills in the citizen's answers (by phone, on a visit)."""
    evaluation = get_object_or_404(
        MatchEvaluation.objects.select_related(
            "match__referral__programme__organisation", "questionnaire"
        ),
        match_id=match_id,
        side=Side.CITIZEN,
    )
    referral = evaluation.match.referral
    require_coordinator(request.user, referral.programme.organisation)
    if evaluation.answered_at is not None:
        messages.info(request, _("The citizen's evaluation has already been answered."))
        return redirect("citizens-referral", referral.pk)
    page = _answer(
        request, evaluation, via="coordinator", actor=request.user, extra={"for_citizen": True}
    )
    if page is not None:
        return page
    messages.success(request, _("The citizen's answers are saved, anonymously."))
    return redirect("citizens-referral", referral.pk)


def by_link(request: HttpRequest, token: str) -> HttpResponse:
    evaluation = evaluation_for_token(token)
    if evaluation is None:
        return render(request, "citizens/evaluation_thanks.html", {"spent": True}, status=404)
    page = _answer(request, evaluation, via="link")
    if page is not None:
        return page
    return render(request, "citizens/evaluation_thanks.html")


@login_required
def ready(request: AuthedHttpRequest) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    ready_for_new_match(actor=request.user)
    messages.success(request, _("Thank you. Your coordinator may now ask you about a new citizen."))
    return redirect("citizens-mine")
