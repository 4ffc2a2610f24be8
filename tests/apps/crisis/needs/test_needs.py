"""The needs board's services: a need becomes a shift, invitations go once through the
outbox, helpers answer from the link and never more than the need wants are accepted."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.crisis.models import Crisis, Invite, Need
from apps.crisis.needs import Answer, NeedRefused, invite_answer, invite_send, need_close
from apps.crisis.needs_selectors import filled, needs_board
from apps.members.models import Membership
from apps.messaging import sms
from apps.messaging.models import Delivery
from apps.organisations.permissions import NotCoordinator
from apps.shifts.models import Event, Shift, SignUp
from apps.shifts.services.signups import shift_sign_up
from tests.apps.crisis.needs.conftest import helper, next_weekday, post_need

pytestmark = pytest.mark.django_db


def test_it_posts_needs_as_shifts_of_one_members_only_crisis_event(crisis, rasmus):
    first = post_need(crisis, rasmus)
    start = next_weekday(1, 18)  # a Tuesday evening
    second = post_need(
        crisis, rasmus, title="Varm mad", starts_at=start, ends_at=start + timedelta(hours=3)
    )
    assert first.shift and second.shift
    assert first.shift.task_id != second.shift.task_id
    event = first.shift.task.event
    assert second.shift.task.event_id == event.pk
    assert Event.objects.filter(organisation=crisis.organisation).count() == 1
    event.refresh_from_db()
    assert event.visibility == Event.Visibility.MEMBERS
    assert event.status == Event.Status.PUBLISHED
    assert event.starts_at <= min(first.starts_at, second.starts_at)
    assert event.ends_at >= max(first.ends_at, second.ends_at)
    assert (first.shift.capacity, first.shift.starts_at) == (2, first.starts_at)
    assert "First aid" in first.shift.task.skills or "Førstehjælp" in first.shift.task.skills
    assert AuditEvent.objects.filter(action="crisis.need_posted").count() == 2


def test_it_refuses_a_need_from_someone_who_does_not_coordinate_the_crisis(crisis, kim, frida):
    for outsider in (kim, frida):
        with pytest.raises(NotCoordinator):
            post_need(crisis, outsider)
    assert not Need.objects.exists()


def test_it_refuses_a_need_after_the_crisis_ended(crisis, rasmus):
    crisis.ended_at = timezone.now()
    crisis.save()
    with pytest.raises(NeedRefused):
        post_need(crisis, rasmus)


def test_it_lets_a_member_sign_up_to_a_need_through_the_shift_services(
    crisis, need, frida_member, helpers
):
    signup = shift_sign_up(shift_id=need.shift_id, user=frida_member)
    assert signup.status == SignUp.Status.CONFIRMED
    (row,) = needs_board(crisis=crisis)
    assert (filled(row), row.wanted) == (1, 2)


def test_it_closes_a_need_and_cancels_its_shift(crisis, need, rasmus):
    need_close(need=need, by=rasmus)
    need_close(need=need, by=rasmus)  # twice: no harm
    assert list(needs_board(crisis=crisis)) == []
    assert Shift.objects.get(pk=need.shift_id).is_cancelled
    assert AuditEvent.objects.filter(action="crisis.need_closed").count() == 1


def test_it_invites_once_however_often_the_coordinator_clicks(
    need, rasmus, helpers, django_capture_on_commit_callbacks
):
    ids = [helpers["hanne"].pk, helpers["ib"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        made = invite_send(need=need, helper_ids=ids, by=rasmus)
        again = invite_send(need=need, helper_ids=ids, by=rasmus)
    assert len(made) == 2 and again == []
    assert Invite.objects.filter(need=need).count() == 2
    rows = sorted(Delivery.objects.values_list("channel", "address", "status"))
    assert rows == [
        ("email", "hanne@example.dk", "sent"),
        ("sms", "+4520000001", "sent"),
        ("sms", "+4520000002", "sent"),
    ]
    assert AuditEvent.objects.filter(action="crisis.invited").count() == 2


def test_it_sends_the_invitation_with_the_helpers_own_answer_link(
    need, rasmus, helpers, django_capture_on_commit_callbacks
):
    hanne = helpers["hanne"]
    with django_capture_on_commit_callbacks(execute=True):
        invite_send(need=need, helper_ids=[hanne.pk], by=rasmus)
    token = Invite.objects.get(helper=hanne).token
    link = f"/krise/svar/{token}/"
    (sent,) = mail.outbox
    assert sent.to == ["hanne@example.dk"] and link in sent.body
    assert need.title in sent.subject
    (text,) = [s for s in sms.outbox if s.to == "+4520000001"]
    assert link in text.text


def test_it_invites_only_the_crisis_own_helpers(need, rasmus, roklub):
    earlier = Crisis.objects.create(
        organisation=roklub, title="Storm", started_at=timezone.now(), ended_at=timezone.now()
    )
    stranger = helper(earlier, "Ole Anden", email="ole@example.dk", postcode="5800")
    assert invite_send(need=need, helper_ids=[stranger.pk], by=rasmus) == []
    assert not Invite.objects.exists()


def test_it_refuses_invitations_from_a_coordinator_of_another_club(need, kim, helpers):
    with pytest.raises(NotCoordinator):
        invite_send(need=need, helper_ids=[helpers["hanne"].pk], by=kim)
    assert not Invite.objects.exists()


def _invited(need, rasmus, helpers, *names):
    invite_send(need=need, helper_ids=[helpers[n].pk for n in names], by=rasmus)
    return {n: Invite.objects.get(need=need, helper=helpers[n]) for n in names}


def test_it_accepts_until_the_need_is_full_and_then_says_so(need, rasmus, helpers):
    invites = _invited(need, rasmus, helpers, "hanne", "ib", "jens")
    assert invite_answer(token=invites["hanne"].token, accept=True)[1] == Answer.ACCEPTED
    assert invite_answer(token=invites["ib"].token, accept=True)[1] == Answer.ACCEPTED
    late, outcome = invite_answer(token=invites["jens"].token, accept=True)
    assert outcome == Answer.FULL and late.status == Invite.Status.DECLINED
    shift = Shift.objects.get(pk=need.shift_id)
    assert shift.capacity == 0  # the helpers hold the shift's places
    assert AuditEvent.objects.filter(action="crisis.invite_declined", data__full=True).exists()


def test_it_answers_the_same_way_only_once(need, rasmus, helpers):
    token = _invited(need, rasmus, helpers, "hanne")["hanne"].token
    assert invite_answer(token=token, accept=True)[1] == Answer.ACCEPTED
    assert invite_answer(token=token, accept=True)[1] == Answer.UNCHANGED
    assert AuditEvent.objects.filter(action="crisis.invite_accepted").count() == 1
    # Changing one's mind frees the place again.
    assert invite_answer(token=token, accept=False)[1] == Answer.DECLINED
    assert Shift.objects.get(pk=need.shift_id).capacity == 2


def test_it_counts_members_signed_up_against_the_places(need, rasmus, helpers, frida_member, bo):
    Membership.objects.create(
        user=bo, organisation=need.crisis.organisation, started_on=date(2024, 1, 1)
    )
    invites = _invited(need, rasmus, helpers, "hanne", "ib")
    shift_sign_up(shift_id=need.shift_id, user=frida_member)
    assert invite_answer(token=invites["hanne"].token, accept=True)[1] == Answer.ACCEPTED
    assert invite_answer(token=invites["ib"].token, accept=True)[1] == Answer.FULL
    # And a member after the helpers filled it waits in line: never over `wanted`.
    assert shift_sign_up(shift_id=need.shift_id, user=bo).status == SignUp.Status.WAITLISTED


def test_it_expires_answers_when_the_need_is_closed_or_over(need, rasmus, helpers):
    invites = _invited(need, rasmus, helpers, "hanne", "ib")
    need_close(need=need, by=rasmus)
    assert invite_answer(token=invites["hanne"].token, accept=True)[1] == Answer.EXPIRED
    Need.objects.filter(pk=need.pk).update(
        closed_at=None,
        starts_at=timezone.now() - timedelta(hours=5),
        ends_at=timezone.now() - timedelta(hours=1),
    )
    assert invite_answer(token=invites["ib"].token, accept=True)[1] == Answer.EXPIRED
    assert not Invite.objects.filter(status=Invite.Status.ACCEPTED).exists()


def test_it_refuses_invitations_to_a_closed_need(need, rasmus, helpers):
    need_close(need=need, by=rasmus)
    with pytest.raises(NeedRefused):
        invite_send(need=need, helper_ids=[helpers["hanne"].pk], by=rasmus)
