"""Frida checks out by the code in the hall without network; her phone sends the check-out
when the network returns: it counts once, at the moment she pressed, so her hours run to
that moment; a check-in and a check-out queued together apply in the order made; Nanna's
later no-show stands; Bo cannot check Frida out; Anders on Aarhus changes nothing."""

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from apps.attendance.models import Attendance, OfflineTick
from apps.attendance.offline_check_in import (
    QueuedCheckIn,
    check_ins_parse,
    offline_check_ins_apply,
)
from apps.attendance.services import check_in, roll_call_mark, shift_token
from apps.audit.models import AuditEvent
from apps.shifts.models import SignUp
from apps.shifts.services._common import Refused
from tests.conftest import signed_in
from tests.personas import make_shift

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def today(kiosk):
    """The three-hour shift in the hall began two hours ago."""
    return make_shift(kiosk, start=timezone.now().replace(microsecond=0) - timedelta(hours=2))


@pytest.fixture
def frida_on(today, frida):
    return SignUp.objects.create(shift=today, user=frida, status=SignUp.Status.CONFIRMED)


def queued(shift, action, *, ago, client_id=None):
    made_at = timezone.now().replace(microsecond=0) - ago
    token = shift_token(shift.pk, at=made_at)
    return QueuedCheckIn(client_id or uuid.uuid4(), shift.pk, token, made_at, None, action)


@pytest.fixture
def frida_in(frida, today, frida_on):
    """Frida checked in online at the start."""
    at = today.starts_at
    return check_in(user=frida, shift_id=today.pk, token=shift_token(today.pk, at=at), now=at)


def test_it_checks_out_at_the_moment_she_pressed(frida, today, frida_in):
    item = queued(today, "out", ago=timedelta(minutes=30))
    [result] = offline_check_ins_apply(user=frida, items=[item])
    assert result.outcome == "applied", result.message
    attendance = Attendance.objects.get(pk=frida_in.pk)
    assert attendance.checked_out_at == item.made_at
    assert attendance.hours == Decimal("1.50")  # start to the tap, not to the arrival
    assert result.as_json()["checked_out_at"] == item.made_at.isoformat()
    assert result.as_json()["action"] == "out"
    assert OfflineTick.objects.get(client_id=item.client_id).made_at == item.made_at
    assert AuditEvent.objects.filter(action="attendance.check_out").count() == 1


def test_it_counts_a_check_out_sent_twice_once(frida, today, frida_in):
    item = queued(today, "out", ago=timedelta(minutes=30))
    first = offline_check_ins_apply(user=frida, items=[item])
    again = offline_check_ins_apply(user=frida, items=[item])
    assert again == first and OfflineTick.objects.count() == 1
    assert AuditEvent.objects.filter(action="attendance.check_out").count() == 1


def test_it_applies_a_queued_check_in_and_out_in_the_order_made(frida, today, frida_on):
    out = queued(today, "out", ago=timedelta(minutes=10))
    came = queued(today, "in", ago=timedelta(minutes=100))
    results = offline_check_ins_apply(user=frida, items=[out, came])
    assert [r.outcome for r in results] == ["applied", "applied"]
    attendance = Attendance.objects.get(signup=frida_on)
    assert (attendance.checked_in_at, attendance.checked_out_at) == (came.made_at, out.made_at)


def test_it_leaves_an_earlier_check_out_as_it_is(frida, today, frida_in):
    first = queued(today, "out", ago=timedelta(minutes=30))
    second = queued(today, "out", ago=timedelta(minutes=5))
    results = offline_check_ins_apply(user=frida, items=[second, first])
    assert [r.outcome for r in results] == ["applied", "unchanged"]
    assert Attendance.objects.get(pk=frida_in.pk).checked_out_at == first.made_at


def test_it_refuses_a_check_out_without_a_check_in(frida, today, frida_on):
    [result] = offline_check_ins_apply(
        user=frida, items=[queued(today, "out", ago=timedelta(minutes=5))]
    )
    assert result.outcome == "refused" and result.message
    assert not Attendance.objects.exists()


def test_it_lets_the_coordinators_later_no_show_stand(nanna, frida, today, frida_in):
    item = queued(today, "out", ago=timedelta(minutes=30))
    roll_call_mark(actor=nanna, signup_id=frida_in.signup_id, status="no_show")
    [result] = offline_check_ins_apply(user=frida, items=[item])
    assert result.outcome == "conflict" and result.message
    assert Attendance.objects.get(pk=frida_in.pk).checked_out_at is None


def test_it_refuses_bo_checking_frida_out(bo, frida, today, frida_in):
    [result] = offline_check_ins_apply(
        user=bo, items=[queued(today, "out", ago=timedelta(minutes=5))]
    )
    assert result.outcome == "refused"
    assert Attendance.objects.get(pk=frida_in.pk).checked_out_at is None


def test_it_reads_only_in_or_out():
    item = {"client_id": str(uuid.uuid4()), "shift": 1, "token": "t"}
    item["made_at"] = "2026-01-01T10:00:00+00:00"
    assert check_ins_parse([item])[0].action == "in"  # queues made before check-out
    assert check_ins_parse([{**item, "action": "out"}])[0].action == "out"
    with pytest.raises(Refused):
        check_ins_parse([{**item, "action": "sideways"}])


def _post(client, item):
    body = {
        "check_ins": [
            {
                "client_id": str(item.client_id),
                "shift": item.shift_id,
                "token": item.token,
                "made_at": item.made_at.isoformat(),
                "action": item.action,
            }
        ]
    }
    url = reverse("attendance-offline-check-ins")
    return client.post(url, json.dumps(body), content_type="application/json")


def test_it_answers_the_phone_and_shows_aarhus_nothing(
    nyborg, nyborg_client, aarhus, aarhus_client, anders, frida, today, frida_in
):
    item = queued(today, "out", ago=timedelta(minutes=20))
    stranger = _post(signed_in(aarhus_client, anders, aarhus), item)
    assert stranger.status_code == 200
    assert [r["outcome"] for r in stranger.json()["results"]] == ["refused"]
    answer = _post(signed_in(nyborg_client, frida, nyborg), item).json()["results"]
    assert [(r["outcome"], r["action"]) for r in answer] == [("applied", "out")]
    assert Attendance.objects.get(pk=frida_in.pk).checked_out_at == item.made_at
