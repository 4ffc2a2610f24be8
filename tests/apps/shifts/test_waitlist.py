from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from apps.shifts.models import Shift, SignUp
from apps.shifts.services._common import Refused
from apps.shifts.services.signups import shift_sign_up, signup_cancel
from apps.shifts.services.waitlist import offer_accept, offer_decline, offers_expire, waitlist_fill
from apps.shifts.tasks import fill_waitlist
from tests.personas import make_shift

pytestmark = pytest.mark.django_db


def sign_up(shift, user):
    return shift_sign_up(shift_id=shift.pk, user=user)


def status_of(signup) -> str:
    signup.refresh_from_db()
    return signup.status


def counts(shift) -> tuple[int, int, int]:
    shift.refresh_from_db()
    return shift.confirmed_count, shift.offered_count, shift.waitlist_count


def test_it_promotes_the_first_in_line_when_someone_cancels(
    morning, frida, bo, carl, dorthe, django_capture_on_commit_callbacks
):
    first, _, third, fourth = (sign_up(morning, p) for p in (frida, bo, carl, dorthe))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signup_cancel(signup_id=first.pk, actor=frida)
    assert (status_of(third), status_of(fourth)) == ("confirmed", "waitlisted")
    assert counts(morning) == (2, 0, 1)
    assert [m.to for m in mail.outbox] == [["carl@example.dk"]]
    assert "rykket op fra ventelisten" in mail.outbox[0].subject


def test_it_promotes_exactly_once_when_the_fill_task_is_delivered_twice(
    morning, frida, bo, carl, dorthe
):
    first, _, third, fourth = (sign_up(morning, p) for p in (frida, bo, carl, dorthe))
    signup_cancel(signup_id=first.pk, actor=frida)  # fill is queued on commit: not run here
    fill_waitlist.apply(args=(morning.pk,))
    fill_waitlist.apply(args=(morning.pk,))
    assert (status_of(third), status_of(fourth)) == ("confirmed", "waitlisted")
    assert counts(morning) == (2, 0, 1)


def test_it_offers_the_place_for_a_limited_time_and_moves_on_when_it_expires(
    kiosk, frida, bo, carl
):
    shift = make_shift(kiosk, capacity=1, waitlist_policy=Shift.Policy.OFFER, offer_hours=12)
    first, second, third = (sign_up(shift, p) for p in (frida, bo, carl))
    signup_cancel(signup_id=first.pk, actor=frida)
    waitlist_fill(shift_id=shift.pk)
    second.refresh_from_db()
    assert second.status == "offered" and counts(shift) == (0, 1, 1)
    with time_machine.travel(second.offer_expires_at - timedelta(minutes=1)):
        assert offers_expire() == 0
    with time_machine.travel(second.offer_expires_at + timedelta(minutes=1)):
        assert offers_expire() == 1
        assert offers_expire() == 0  # the beat may run twice
        waitlist_fill(shift_id=shift.pk)
    assert (status_of(second), status_of(third)) == ("expired", "offered")
    assert counts(shift) == (0, 1, 0)


def test_it_moves_on_when_an_offer_is_declined_and_confirms_an_accepted_one(kiosk, frida, bo, carl):
    shift = make_shift(kiosk, capacity=1, waitlist_policy=Shift.Policy.OFFER)
    first, second, third = (sign_up(shift, p) for p in (frida, bo, carl))
    signup_cancel(signup_id=first.pk, actor=frida)
    waitlist_fill(shift_id=shift.pk)
    offer_decline(signup_id=second.pk, user=bo)
    waitlist_fill(shift_id=shift.pk)
    assert status_of(third) == "offered"
    offer_accept(signup_id=third.pk, user=carl)
    assert (status_of(second), status_of(third)) == ("declined", "confirmed")
    assert counts(shift) == (1, 0, 0)


def test_it_refuses_an_offer_accepted_too_late(kiosk, frida, bo):
    shift = make_shift(kiosk, capacity=1, waitlist_policy=Shift.Policy.OFFER, offer_hours=2)
    first, second = sign_up(shift, frida), sign_up(shift, bo)
    signup_cancel(signup_id=first.pk, actor=frida)
    waitlist_fill(shift_id=shift.pk)
    second.refresh_from_db()
    with (
        time_machine.travel(second.offer_expires_at + timedelta(seconds=1)),
        pytest.raises(Refused),
    ):
        offer_accept(signup_id=second.pk, user=bo)


def test_it_stops_promoting_close_to_the_start_and_tells_the_coordinators(
    morning, frida, bo, carl, nanna, django_capture_on_commit_callbacks
):
    first, _, third = (sign_up(morning, p) for p in (frida, bo, carl))
    mail.outbox.clear()
    close_to_start = time_machine.travel(morning.starts_at - timedelta(hours=1))  # stops at 2 h
    with close_to_start, django_capture_on_commit_callbacks(execute=True):
        signup_cancel(signup_id=first.pk, actor=frida)
    assert status_of(third) == "waitlisted"
    assert [m.to for m in mail.outbox] == [[nanna.email]]
    assert "venteliste" in mail.outbox[0].subject


def test_it_passes_over_people_busy_elsewhere_but_keeps_their_place(
    kiosk, morning, frida, bo, carl, dorthe
):
    first, _, carl_waiting, dorthe_waiting = (
        sign_up(morning, p) for p in (frida, bo, carl, dorthe)
    )
    elsewhere = make_shift(kiosk, start=morning.starts_at, capacity=5)
    sign_up(elsewhere, carl)  # a confirmed place at the same time, taken while waiting
    signup_cancel(signup_id=first.pk, actor=frida)
    waitlist_fill(shift_id=morning.pk)
    assert (status_of(carl_waiting), status_of(dorthe_waiting)) == ("waitlisted", "confirmed")


def test_it_puts_newcomers_behind_the_line_even_when_a_place_is_free(
    morning, frida, bo, carl, dorthe
):
    first, _, third = (sign_up(morning, p) for p in (frida, bo, carl))
    signup_cancel(signup_id=first.pk, actor=frida)  # the fill has not run yet
    newcomer = sign_up(morning, dorthe)
    assert newcomer.status == "waitlisted"
    waitlist_fill(shift_id=morning.pk)
    assert (status_of(third), status_of(newcomer)) == ("confirmed", "waitlisted")


def test_it_keeps_counters_equal_to_the_rows(morning, frida, bo, carl, dorthe):
    signups = [sign_up(morning, p) for p in (frida, bo, carl, dorthe)]
    signup_cancel(signup_id=signups[0].pk, actor=frida)
    signup_cancel(signup_id=signups[3].pk, actor=dorthe)
    waitlist_fill(shift_id=morning.pk)
    by_status = {
        s: SignUp.objects.filter(shift=morning, status=s).count()
        for s in ("confirmed", "offered", "waitlisted")
    }
    assert counts(morning) == (
        by_status["confirmed"],
        by_status["offered"],
        by_status["waitlisted"],
    )
