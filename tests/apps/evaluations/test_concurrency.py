"""Sweeps running at the same moment, and a double tap on "send", on a real PostgreSQL with
one connection per thread. Rows are committed here, so this module cleans up after itself."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.models import User
from apps.attendance.models import Attendance
from apps.audit.models import AuditEvent
from apps.evaluations.models import EvaluationRule, Invitation, Question, Questionnaire, Response
from apps.evaluations.services import answer_submit, evaluations_due
from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, SignUp, Task
from tests.threads import crowd

pytestmark = pytest.mark.django_db
PEOPLE = 12
TITLE = "Samtidig regatta"


@pytest.fixture
def ended_shift(nyborg) -> Iterator[Shift]:
    def create() -> Shift:
        organisation = Organisation.objects.create(name="Samtidig FC", is_approved=True)
        start = timezone.now() - timedelta(hours=6)
        event = Event.objects.create(
            organisation=organisation,
            title=TITLE,
            starts_at=start,
            ends_at=start + timedelta(hours=4),
        )
        task = Task.objects.create(event=event, title="Bro")
        shift = Shift.objects.create(
            task=task, starts_at=start, ends_at=start + timedelta(hours=3), capacity=PEOPLE
        )
        for i in range(PEOPLE):
            user = User.objects.create_user(f"samtidig{i}@example.dk", full_name=f"Samtidig {i}")
            signup = SignUp.objects.create(shift=shift, user=user, status="confirmed")
            Attendance.objects.create(signup=signup, status="present")
        # Rows written past shift_sign_up (committed, for the threads): the counter as the
        # product keeps it.
        Shift.objects.filter(pk=shift.pk).update(confirmed_count=PEOPLE)
        questionnaire = Questionnaire.objects.create(organisation=organisation, title="Hurtigt")
        Question.objects.create(questionnaire=questionnaire, kind="scale", text="Hvordan?")
        EvaluationRule.objects.create(questionnaire=questionnaire, event=event, delay_hours=1)
        EvaluationRule.objects.create(questionnaire=questionnaire, task=task, delay_hours=2)
        return shift

    def remove() -> None:
        AuditEvent.objects.filter(action="evaluation.invitation_sent").delete()
        Response.objects.filter(event__title=TITLE).delete()
        Invitation.objects.filter(shift__task__event__title=TITLE).delete()
        EvaluationRule.objects.filter(questionnaire__title="Hurtigt").delete()
        Questionnaire.objects.filter(title="Hurtigt").delete()
        Event.objects.filter(title=TITLE).delete()
        Organisation.objects.filter(name="Samtidig FC").delete()
        User.objects.filter(email__startswith="samtidig").delete()

    shift = crowd(nyborg, [create])[0]
    assert isinstance(shift, Shift)
    try:
        yield shift
    finally:
        crowd(nyborg, [remove])


def test_sweeps_at_the_same_moment_send_each_person_one_mail(nyborg, ended_shift):
    results = crowd(nyborg, [evaluations_due] * 6)
    assert sum(result["sent"] for result in results) == PEOPLE
    assert len(mail.outbox) == PEOPLE
    assert len({message.to[0] for message in mail.outbox}) == PEOPLE

    def count() -> int:
        return Invitation.objects.filter(shift=ended_shift).count()

    assert crowd(nyborg, [count]) == [PEOPLE]


def test_a_double_tap_stores_one_response(nyborg, ended_shift):
    crowd(nyborg, [evaluations_due])

    def first_token() -> tuple[str, int]:
        invitation = Invitation.objects.filter(shift=ended_shift).select_related("questionnaire")
        found = invitation.first()
        assert found is not None
        return found.token, found.questionnaire.questions.get().pk

    found = crowd(nyborg, [first_token])[0]
    assert isinstance(found, tuple)
    token: str = found[0]
    question_id: int = found[1]

    def submit() -> object:
        return answer_submit(token=token, answers={question_id: 4})

    outcomes = crowd(nyborg, [submit] * 5)
    assert sum(isinstance(outcome, Response) for outcome in outcomes) == 1
    assert outcomes.count("twice") == 4

    def stored() -> int:
        return Response.objects.filter(shift=ended_shift).count()

    assert crowd(nyborg, [stored]) == [1]
