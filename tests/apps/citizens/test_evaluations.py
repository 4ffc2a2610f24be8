"""Ending an active match asks both sides for a short evaluation (apps.evaluations'
questionnaire and form): Frida on her page, Inger through Rasmus or a link without signing
in. The scores are stored without a name or a match, and counted per programme for the
funders. A volunteer who ends a match themself is not suggested again until she asks."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from apps.citizens.links import evaluation_for_token, evaluation_token
from apps.citizens.models import (
    CitizenMatch,
    MatchCapacity,
    MatchEvaluation,
    MatchEvaluationResponse,
    MatchEvaluationScore,
)
from apps.citizens.selectors import match_evaluation_scores
from apps.citizens.services._common import Refused
from apps.citizens.services.evaluations import evaluation_answer, scale_questions
from apps.citizens.services.matches import match_answer, match_end, match_propose
from apps.citizens.services.referrals import referral_create
from apps.citizens.suggestions import suggest
from apps.evaluations.models import Questionnaire
from tests.apps.citizens.conftest import REFERRAL
from tests.apps.citizens.test_followups import _active
from tests.apps.citizens.test_views import body, browser

# The first question, in whichever language was active when the questionnaire was made.
QUESTION_ONE = ("How has the match been for you", "Hvordan har matchet været for dig")

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")
ENDED = datetime(2027, 6, 15, 12, tzinfo=CPH)


def _answers(evaluation: MatchEvaluation, *values: int) -> dict[str, str]:
    questions = scale_questions(evaluation)
    return {f"q{q.pk}": str(v) for q, v in zip(questions, values, strict=True)}


def test_ending_an_active_match_asks_both_sides_and_mails_the_volunteer(
    nyborg, referral, rasmus, volunteers, django_capture_on_commit_callbacks
):
    frida = volunteers["frida"]
    match = _active(referral, rasmus, frida)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        match_end(actor=rasmus, match=match, reason="goal_reached", now=ENDED)
    asked = {e.side: e for e in MatchEvaluation.objects.filter(match=match)}
    assert set(asked) == {"volunteer", "citizen"}
    questionnaire = Questionnaire.objects.get()
    assert (
        questionnaire.is_anonymous and questionnaire.organisation == referral.programme.organisation
    )
    assert len(scale_questions(asked["volunteer"])) == 3
    assert [m.to for m in mail.outbox] == [[frida.email]]
    assert f"/borgere/mine/{match.pk}/evaluering/" in mail.outbox[0].body

    # Frida answers on her page; a wrong value is refused in words, nothing is stored.
    as_frida = browser(frida, nyborg)
    assert "Answer the evaluation" in body(as_frida.get(f"/borgere/mine/{match.pk}/"))
    page = f"/borgere/mine/{match.pk}/evaluering/"
    # The questionnaire is written in the language active when the first match ends.
    assert any(text in body(as_frida.get(page)) for text in QUESTION_ONE)
    wrong = as_frida.post(
        page,
        {**_answers(asked["volunteer"], 4, 5, 3), "dummy": "1"}
        | {f"q{scale_questions(asked['volunteer'])[0].pk}": "9"},
    )
    assert wrong.status_code == 400 and "Choose a number from 1 to 5." in wrong.content.decode()
    assert not MatchEvaluationResponse.objects.exists()
    thanks = as_frida.post(page, _answers(asked["volunteer"], 4, 5, 3))
    assert "Your answers are saved" in body(thanks)
    assert MatchEvaluationResponse.objects.filter(side="volunteer").count() == 1
    again = as_frida.post(page, _answers(asked["volunteer"], 1, 1, 1))
    assert "You have already answered" in body(again)
    assert MatchEvaluationResponse.objects.filter(side="volunteer").count() == 1

    # Rasmus fills in Inger's answers from the referral's page.
    as_rasmus = browser(rasmus, nyborg)
    detail = body(as_rasmus.get(f"/borgere/henvisninger/{referral.pk}/"))
    assert "Fill in the citizen's answers" in detail
    form = f"/borgere/match/{match.pk}/borgerens-evaluering/"
    missing = as_rasmus.post(form, {})
    assert missing.status_code == 400 and "Please answer this question." in missing.content.decode()
    done = as_rasmus.post(form, _answers(asked["citizen"], 5, 4, 5))
    assert done.status_code == 302
    assert "Fill in the citizen's answers" not in body(
        as_rasmus.get(f"/borgere/henvisninger/{referral.pk}/")
    )

    # Stored without a person or a match: the programme, the side and the month.
    response = MatchEvaluationResponse.objects.get(side="citizen")
    assert (response.programme, response.month) == (referral.programme, date(2027, 6, 1))
    assert {f.name for f in MatchEvaluationResponse._meta.concrete_fields} == {
        "id",
        "programme",
        "side",
        "questionnaire",
        "month",
    }
    scores = match_evaluation_scores(programme=referral.programme)
    assert scores["volunteer"].responses == 1 and scores["volunteer"].mean == 4.0
    assert scores["citizen"].distribution == {1: 0, 2: 0, 3: 0, 4: 1, 5: 2}
    assert [q.mean for q in scores["citizen"].questions] == [5.0, 4.0, 5.0]
    assert scores["citizen"].questions[0].question.startswith(QUESTION_ONE)


def test_the_citizen_answers_through_a_link_once(nyborg, referral, rasmus, volunteers):
    match = _active(referral, rasmus, volunteers["frida"])
    match_end(actor=rasmus, match=match, reason="moved", now=ENDED)
    evaluation = MatchEvaluation.objects.get(match=match, side="citizen")
    token = evaluation_token(evaluation=evaluation)
    anonymous = browser(volunteers["bo"], nyborg)
    anonymous.logout()
    page = body(anonymous.get(f"/borgere/evaluering/{token}/"))
    assert "Svarene er anonyme" in page and "Inger" not in page  # a citizen: in Danish
    assert (
        anonymous.post(f"/borgere/evaluering/{token}/", _answers(evaluation, 3, 3, 2)).status_code
        == 200
    )
    assert anonymous.get(f"/borgere/evaluering/{token}/").status_code == 404  # spent
    assert evaluation_for_token(token) is None
    assert evaluation_for_token("nonsense") is None
    with pytest.raises(Refused):
        evaluation_answer(evaluation=evaluation, answers={}, via="link")
    # The volunteer's token cannot be made: the link is for the citizen's side alone.
    own = MatchEvaluation.objects.get(match=match, side="volunteer")
    assert evaluation_for_token(evaluation_token(evaluation=own)) is None


def test_a_match_that_never_started_asks_for_no_evaluation(referral, rasmus, volunteers):
    frida = volunteers["frida"]
    match = match_propose(actor=rasmus, referral=referral, volunteer=frida)
    match_answer(actor=frida, match=match, accept=True)
    match_end(actor=rasmus, match=match, reason="other")
    assert not MatchEvaluation.objects.exists()


def test_the_scores_count_only_the_period_asked(referral, rasmus, volunteers):
    match = _active(referral, rasmus, volunteers["frida"])
    match_end(actor=rasmus, match=match, reason="moved", now=ENDED)
    evaluation = MatchEvaluation.objects.get(match=match, side="citizen")
    questions = scale_questions(evaluation)
    evaluation_answer(
        evaluation=evaluation,
        answers={q.pk: 2 for q in questions},
        via="coordinator",
        actor=rasmus,
    )
    programme = referral.programme
    inside = match_evaluation_scores(programme=programme, period=(date(2027, 6, 15), None))
    assert inside["citizen"].responses == 1 and inside["citizen"].answers == 3
    before = match_evaluation_scores(programme=programme, period=(None, date(2027, 5, 31)))
    assert before["citizen"].responses == 0 and before["citizen"].mean is None
    assert MatchEvaluationScore.objects.count() == 3


def test_a_volunteer_who_ends_a_match_rests_until_she_asks(
    nyborg, referral, programme, rasmus, sofie, volunteers
):
    frida = volunteers["frida"]
    match = _active(referral, rasmus, frida)
    match_end(actor=frida, match=match, reason="volunteer_stopped", now=ENDED)
    assert CitizenMatch.objects.get(pk=match.pk).ended_by == "volunteer"
    assert MatchCapacity.objects.get(user=frida).resting_since is not None
    another = referral_create(actor=sofie, programme=programme, data=dict(REFERRAL))
    assert frida.pk not in [s.candidate.user_id for s in suggest(another)]
    with pytest.raises(Refused):
        match_propose(actor=rasmus, referral=another, volunteer=frida)
    as_frida = browser(frida, nyborg)
    page = body(as_frida.get("/borgere/mine/"))
    assert "I am ready for a new citizen" in page
    assert as_frida.post("/borgere/mine/klar/").status_code == 302
    assert MatchCapacity.objects.get(user=frida).resting_since is None
    assert frida.pk in [s.candidate.user_id for s in suggest(another)]
    assert "I am ready for a new citizen" not in body(as_frida.get("/borgere/mine/"))


def test_a_match_the_coordinator_ends_lets_the_volunteer_be_suggested(
    referral, programme, rasmus, sofie, volunteers
):
    frida = volunteers["frida"]
    match = _active(referral, rasmus, frida)
    match_end(actor=rasmus, match=match, reason="goal_reached", now=ENDED)
    assert not MatchCapacity.objects.filter(user=frida, resting_since__isnull=False).exists()


def test_nobody_else_answers_for_a_side(nyborg, referral, rasmus, volunteers, kim):
    frida, bo = volunteers["frida"], volunteers["bo"]
    match = _active(referral, rasmus, frida)
    match_end(actor=rasmus, match=match, reason="moved", now=ENDED)
    assert browser(bo, nyborg).get(f"/borgere/mine/{match.pk}/evaluering/").status_code == 404
    assert browser(rasmus, nyborg).get(f"/borgere/mine/{match.pk}/evaluering/").status_code == 404
    as_kim = browser(kim, nyborg)
    assert as_kim.get(f"/borgere/match/{match.pk}/borgerens-evaluering/").status_code == 404
    as_frida = browser(frida, nyborg)
    assert as_frida.get(f"/borgere/match/{match.pk}/borgerens-evaluering/").status_code == 404
    assert not MatchEvaluationResponse.objects.exists()
