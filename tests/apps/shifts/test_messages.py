"""One test per kind of message about shifts (see tests/apps/messaging/kinds.py for what
each checks), each driven through the service that sends it."""

from datetime import timedelta

import pytest

from apps.messaging.models import Delivery, Preference
from apps.shifts.models import Shift, SignUp
from apps.shifts.notifications import coordinators_tell_free_place, signup_notice_send
from apps.shifts.services.changes import shift_reschedule
from apps.shifts.services.planning import shift_cancel
from apps.shifts.services.signups import shift_sign_up, signup_cancel
from apps.shifts.services.waitlist import waitlist_fill
from tests.apps.messaging.kinds import (
    CASE_IDS,
    CASES,
    assert_kind,
    prepare,
    switch_everything_off,
    twice,
)
from tests.personas import in_days, make_shift

pytestmark = pytest.mark.django_db
cases = pytest.mark.parametrize("locale,switched_off", CASES, ids=CASE_IDS)


def odd_shift(kiosk, **extra) -> Shift:
    """At 10:37 in ten days: a minute no other clock shows by accident."""
    return make_shift(kiosk, start=in_days(10, 10).replace(minute=37), hours=1, **extra)


def _setup(nyborg, person, locale, switched_off) -> None:
    prepare(nyborg, locale=locale)
    if switched_off:
        switch_everything_off(person)


@cases
def test_signup_confirmed(nyborg, kiosk, frida, locale, switched_off):
    _setup(nyborg, frida, locale, switched_off)
    shift = odd_shift(kiosk)
    signup = None

    def trigger():
        nonlocal signup
        if signup is None:
            signup = shift_sign_up(shift_id=shift.pk, user=frida)
        else:  # a rerun of the notice finds the first message
            signup_notice_send(signup=signup, status="confirmed")

    twice(trigger)
    assert_kind(
        "signup_confirmed",
        tenant=nyborg,
        to=frida,
        switched_off=switched_off,
        moment=shift.starts_at,
    )


@cases
def test_signup_waitlisted(nyborg, kiosk, frida, bo, locale, switched_off):
    _setup(nyborg, bo, locale, switched_off)
    shift = odd_shift(kiosk, capacity=1)
    shift_sign_up(shift_id=shift.pk, user=frida)
    waiting = shift_sign_up(shift_id=shift.pk, user=bo)
    twice(lambda: signup_notice_send(signup=waiting, status="waitlisted"))
    assert_kind(
        "signup_waitlisted", tenant=nyborg, to=bo, switched_off=switched_off, moment=shift.starts_at
    )


def _free_a_place(kiosk, frida, bo, **extra) -> Shift:
    shift = odd_shift(kiosk, capacity=1, **extra)
    first = shift_sign_up(shift_id=shift.pk, user=frida)
    shift_sign_up(shift_id=shift.pk, user=bo)
    signup_cancel(signup_id=first.pk, actor=frida)
    return shift


@cases
def test_signup_promoted(nyborg, kiosk, frida, bo, locale, switched_off):
    _setup(nyborg, bo, locale, switched_off)
    shift = _free_a_place(kiosk, frida, bo)
    twice(lambda: waitlist_fill(shift_id=shift.pk))
    assert SignUp.objects.get(user=bo).status == SignUp.Status.CONFIRMED
    assert_kind(
        "signup_promoted", tenant=nyborg, to=bo, switched_off=switched_off, moment=shift.starts_at
    )


@cases
def test_signup_offered(nyborg, kiosk, frida, bo, locale, switched_off):
    _setup(nyborg, bo, locale, switched_off)
    shift = _free_a_place(kiosk, frida, bo, waitlist_policy=Shift.Policy.OFFER)
    twice(lambda: waitlist_fill(shift_id=shift.pk))
    assert SignUp.objects.get(user=bo).status == SignUp.Status.OFFERED
    assert_kind(
        "signup_offered", tenant=nyborg, to=bo, switched_off=switched_off, moment=shift.starts_at
    )


@pytest.mark.parametrize("switched_off", [False, True])
def test_offer(nyborg, kiosk, frida, bo, switched_off):
    """SMS only, opt-in: the switch is the SMS box (email never goes for this kind)."""
    prepare(nyborg, locale="da")
    nyborg.sms_enabled = True
    nyborg.save(update_fields=["sms_enabled"])
    bo.phone = "+4512345678"
    bo.save(update_fields=["phone"])
    Preference.objects.create(user=bo, kind="offer", email=True, sms=not switched_off)
    shift = _free_a_place(kiosk, frida, bo, waitlist_policy=Shift.Policy.OFFER)
    twice(lambda: waitlist_fill(shift_id=shift.pk))
    rows = Delivery.objects.filter(message__kind="offer", user=bo)
    assert [(d.channel, d.status) for d in rows] == ([] if switched_off else [("sms", "sent")])


@cases
def test_signup_removed(nyborg, kiosk, frida, nanna_coordinates, locale, switched_off):
    _setup(nyborg, frida, locale, switched_off)
    shift = odd_shift(kiosk)
    signup = shift_sign_up(shift_id=shift.pk, user=frida)
    twice(lambda: signup_cancel(signup_id=signup.pk, actor=nanna_coordinates, reason="Dobbelt"))
    assert_kind(
        "signup_removed", tenant=nyborg, to=frida, switched_off=switched_off, moment=shift.starts_at
    )


@cases
def test_signup_shift_cancelled(nyborg, kiosk, frida, nanna_coordinates, locale, switched_off):
    _setup(nyborg, frida, locale, switched_off)
    shift = odd_shift(kiosk)
    shift_sign_up(shift_id=shift.pk, user=frida)
    twice(lambda: shift_cancel(actor=nanna_coordinates, shift_id=shift.pk, reason="Storm"))
    assert_kind(
        "signup_shift_cancelled",
        tenant=nyborg,
        to=frida,
        switched_off=switched_off,
        moment=shift.starts_at,
    )


@cases
def test_free_place(nyborg, kiosk, frida, bo, nanna_coordinates, locale, switched_off):
    _setup(nyborg, nanna_coordinates, locale, switched_off)
    shift = odd_shift(kiosk, capacity=1)
    shift_sign_up(shift_id=shift.pk, user=frida)
    shift_sign_up(shift_id=shift.pk, user=bo)
    Shift.objects.filter(pk=shift.pk).update(capacity=2)
    twice(lambda: coordinators_tell_free_place(shift=Shift.objects.get(pk=shift.pk)))
    assert_kind(
        "free_place",
        tenant=nyborg,
        to=nanna_coordinates,
        switched_off=switched_off,
        moment=shift.starts_at,
    )


@cases
def test_changed(nyborg, kiosk, frida, nanna_coordinates, locale, switched_off):
    _setup(nyborg, frida, locale, switched_off)
    shift = odd_shift(kiosk)
    shift_sign_up(shift_id=shift.pk, user=frida)
    new_start = shift.starts_at + timedelta(minutes=10)

    def trigger():  # the second time nothing moves, so nothing more is sent
        shift_reschedule(
            actor=nanna_coordinates,
            shift_id=shift.pk,
            starts_at=new_start,
            ends_at=shift.ends_at + timedelta(minutes=10),
            signup_deadline=None,
        )

    twice(trigger)
    assert_kind("changed", tenant=nyborg, to=frida, switched_off=switched_off, moment=new_start)
