"""Each hooked service writes its event to the outbox, in its own transaction."""

from datetime import timedelta

import pytest

from apps.evaluations.models import Invitation
from apps.evaluations.services import answer_submit
from apps.members.services.memberships import membership_add
from apps.shifts.models import SignUp
from apps.shifts.services.changes import shift_reschedule
from apps.shifts.services.planning import shift_cancel
from apps.shifts.services.signups import signup_cancel
from apps.shifts.services.waitlist import waitlist_fill
from apps.webhooks.models import Delivery, Kind
from apps.webhooks.services import endpoint_create
from tests.apps.evaluations.conftest import came, olga, rule, survey, sweep  # noqa: F401
from tests.personas import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(rikke, roklub, allow_private):
    return endpoint_create(
        actor=rikke, url="http://127.0.0.1:9/never", kinds=list(Kind.values), organisation=roklub
    )


def data(kind: str) -> list[dict]:
    return [row.payload["data"] for row in Delivery.objects.filter(kind=kind).order_by("id")]


def test_a_cancellation_and_a_promotion(everything, morning, frida, bo, carl, nanna_coordinates):
    first = place(morning, frida)
    place(morning, bo)
    waiting = place(morning, carl, SignUp.Status.WAITLISTED)
    signup_cancel(signup_id=first.pk, actor=frida)
    waitlist_fill(shift_id=morning.pk)
    assert data("signup.cancelled")[0]["signup"] == first.pk
    [promoted] = data("waitlist.promoted")
    assert promoted["signup"] == waiting.pk and promoted["person"] == carl.pk


def test_a_moved_and_a_cancelled_shift(everything, morning, frida, nanna_coordinates):
    place(morning, frida)
    later = morning.starts_at + timedelta(hours=1)
    shift_reschedule(
        actor=nanna_coordinates,
        shift_id=morning.pk,
        starts_at=later,
        ends_at=morning.ends_at + timedelta(hours=1),
        signup_deadline=None,
    )
    [changed] = data("shift.changed")
    assert changed["shifts"][0]["shift"] == morning.pk
    assert changed["shifts"][0]["was_starts_at"] == morning.starts_at.isoformat()
    shift_cancel(actor=nanna_coordinates, shift_id=morning.pk, reason="Storm")
    [cancelled] = data("shift.cancelled")
    assert cancelled["reason"] == "Storm" and len(cancelled["signups_ended"]) == 1


def test_a_new_member(everything, roklub, frida, rikke):
    membership = membership_add(actor=rikke, organisation=roklub, user=frida)
    membership_add(actor=rikke, organisation=roklub, user=frida)  # twice: no second event
    assert data("member.created") == [{"membership": membership.pk, "person": frida.pk}]


def test_an_evaluation_answered(everything, came, rule):  # noqa: F811
    sweep(came, hours=3)
    invitation = Invitation.objects.order_by("user__email").first()
    scale, choice, text = invitation.questionnaire.questions.all()
    answer_submit(token=invitation.token, answers={scale.pk: 4, choice.pk: "Ja", text.pk: ""})
    [answered] = data("evaluation.answered")
    assert answered["person"] == invitation.user_id and answered["shift"] == came.pk
