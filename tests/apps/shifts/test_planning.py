from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.shifts.models import Event, Shift
from apps.shifts.services.planning import (
    event_cancel,
    event_copy,
    event_publish,
    recurring_starts,
    shift_cancel,
    shifts_create,
    task_create,
)
from apps.shifts.services.signups import shift_sign_up
from tests.personas import make_shift

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


def test_it_keeps_the_local_hour_of_a_weekly_series_across_summer_time():
    first = datetime(2027, 3, 20, 10, 0, tzinfo=CPH)  # summer time starts 28 March
    starts = recurring_starts(
        first=first, until=first + timedelta(weeks=2), every=timedelta(weeks=1)
    )
    assert [timezone.localtime(s).hour for s in starts] == [10, 10, 10]
    utc = [s.astimezone(ZoneInfo("UTC")) for s in starts]
    assert utc[2] - utc[1] == timedelta(weeks=1) - timedelta(hours=1)  # one hour less in UTC


def test_it_gives_each_shift_of_a_series_its_own_deadline(kiosk, nanna):
    first = timezone.now().replace(microsecond=0) + timedelta(days=3)
    shifts = shifts_create(
        actor=nanna,
        task=kiosk,
        starts=[first, first + timedelta(days=7)],
        duration=timedelta(hours=2),
        capacity=3,
        signup_closes_before=timedelta(hours=24),
    )
    assert [s.starts_at - s.signup_deadline for s in shifts] == [timedelta(hours=24)] * 2


def test_it_copies_an_event_keeping_local_times_across_summer_time(regatta, kiosk, nanna):
    with time_machine.travel(datetime(2027, 3, 1, 12, tzinfo=CPH)):
        Event.objects.filter(pk=regatta.pk).update(
            starts_at=datetime(2027, 3, 20, 8, tzinfo=CPH),
            ends_at=datetime(2027, 3, 20, 20, tzinfo=CPH),
        )
        regatta.refresh_from_db()
        make_shift(kiosk, start=datetime(2027, 3, 20, 10, tzinfo=CPH))
        copy = event_copy(actor=nanna, event=regatta, starts_at=datetime(2027, 4, 3, 8, tzinfo=CPH))
    shift = Shift.objects.get(task__event=copy)
    assert timezone.localtime(shift.starts_at).hour == 10 and copy.status == "draft"
    assert timezone.localtime(copy.starts_at).hour == 8


def test_it_keeps_the_first_publication_time(regatta, morning, nanna):
    first = regatta.published_at
    again = event_publish(actor=nanna, event=regatta)
    assert again.published_at == first


def test_it_refuses_new_tasks_and_shifts_on_a_cancelled_event(regatta, kiosk, nanna):
    event_cancel(actor=nanna, event=regatta)
    with pytest.raises(ValidationError):
        task_create(actor=nanna, event=regatta, title="Parkering")
    with pytest.raises(ValidationError):
        shifts_create(
            actor=nanna,
            task=kiosk,
            starts=[timezone.now() + timedelta(days=1)],
            duration=timedelta(hours=1),
            capacity=1,
        )


def test_it_returns_a_cancelled_shift_as_it_is_now(morning, frida, nanna):
    shift_sign_up(shift_id=morning.pk, user=frida)
    shift = shift_cancel(actor=nanna, shift_id=morning.pk, reason="Storm")
    assert shift.is_cancelled and shift.confirmed_count == 0


def test_it_lets_a_coordinator_add_a_walk_in_while_the_shift_runs(morning, frida, nanna):
    with time_machine.travel(morning.starts_at + timedelta(minutes=30)):
        assert shift_sign_up(shift_id=morning.pk, user=frida, added_by=nanna).status == "confirmed"
    with time_machine.travel(morning.ends_at + timedelta(minutes=1)), pytest.raises(Exception):
        shift_sign_up(shift_id=morning.pk, user=frida, added_by=nanna)
