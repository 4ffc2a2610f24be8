"""One test per kind messaging declares (see kinds.py for what each checks): a
coordinator's info mail, the orientation mail, the reminder, the alert about an unfilled
shift and the digest of what a person follows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.messaging.models import Message
from apps.messaging.services import (
    message_create,
    message_send,
    orientation_save,
    orientations_due,
    reminders_due,
    unfilled_alerts_due,
)
from apps.messaging.services.digests import digest_send
from apps.organisations.services.following import follow_set
from apps.shifts.models import Event
from apps.shifts.services.signups import shift_sign_up
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


def _setup(nyborg, person, locale, switched_off) -> None:
    prepare(nyborg, locale=locale)
    if switched_off:
        switch_everything_off(person)


def soon(kiosk, **extra):
    """Starts tomorrow at 10:37 on the tenant's clock: reminders and alerts are due."""
    return make_shift(kiosk, start=in_days(1, 10).replace(minute=37), hours=1, **extra)


@cases
def test_info(nyborg, roklub, kiosk, frida, nanna_coordinates, locale, switched_off):
    _setup(nyborg, frida, locale, switched_off)
    shift = soon(kiosk)
    shift_sign_up(shift_id=shift.pk, user=frida)
    message = message_create(
        actor=nanna_coordinates,
        organisation=roklub,
        subject="Praktisk info",
        body_markdown="Mød op ved **Bådhuset**.",
        audience_kind=Message.Audience.SHIFT,
        audience_id=shift.pk,
    )
    twice(lambda: message_send(actor=nanna_coordinates, message_id=message.pk))
    assert_kind("info", tenant=nyborg, to=frida, switched_off=switched_off)


@cases
def test_orientation(nyborg, regatta, kiosk, frida, nanna_coordinates, locale, switched_off):
    _setup(nyborg, frida, locale, switched_off)
    shift_sign_up(shift_id=soon(kiosk).pk, user=frida)
    orientation_save(
        actor=nanna_coordinates,
        event=regatta,
        days_before=3,
        subject="Sådan finder du os",
        body_markdown="Parkér ved havnen.",
    )
    twice(orientations_due)
    assert_kind("orientation", tenant=nyborg, to=frida, switched_off=switched_off)


@cases
def test_reminder(nyborg, kiosk, frida, locale, switched_off):
    _setup(nyborg, frida, locale, switched_off)
    nyborg.reminder_hours = 48
    shift = soon(kiosk)
    shift_sign_up(shift_id=shift.pk, user=frida)
    twice(reminders_due)
    assert_kind(
        "reminder", tenant=nyborg, to=frida, switched_off=switched_off, moment=shift.starts_at
    )


@cases
def test_unfilled(nyborg, kiosk, nanna_coordinates, locale, switched_off):
    _setup(nyborg, nanna_coordinates, locale, switched_off)
    nyborg.unfilled_alert_hours = 48
    shift = soon(kiosk, capacity=3)
    twice(unfilled_alerts_due)
    assert_kind(
        "unfilled",
        tenant=nyborg,
        to=nanna_coordinates,
        switched_off=switched_off,
        moment=shift.starts_at,
    )


@cases
def test_digest(nyborg, roklub, frida, locale, switched_off):
    """The digest leaves out people who switched it off before anything is made."""
    _setup(nyborg, frida, locale, switched_off)
    follow_set(user=frida, on=True, organisation=roklub)
    start = in_days(5, 10).replace(minute=37)
    Event.objects.create(
        organisation=roklub,
        title="Kapsejlads",
        status="published",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        published_at=timezone.now(),
    )
    later = timezone.now() + timedelta(seconds=1)
    twice(lambda: digest_send(user_id=frida.pk, now=later))
    assert_kind("digest", tenant=nyborg, to=frida, switched_off=switched_off, moment=start)
