"""Frida checks in by the code in a sports hall without network; her phone sends the
check-in when the network returns: it counts once, at the moment she scanned, with the
code judged at that moment; Nanna's later tick stands; a check-in half a day old is
refused; Anders on Aarhus's site changes nothing in Nyborg."""

import json
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from apps.attendance.models import Attendance, OfflineTick
from apps.attendance.offline_check_in import (
    QueuedCheckIn,
    check_ins_parse,
    offline_check_ins_apply,
)
from apps.attendance.services import roll_call_mark, shift_token
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
def english(nyborg_client):
    nyborg_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return nyborg_client


@pytest.fixture
def today(kiosk):
    """The shift in the hall began half an hour ago."""
    return make_shift(kiosk, start=timezone.now().replace(microsecond=0) - timedelta(minutes=30))


@pytest.fixture
def frida_on(today, frida):
    return SignUp.objects.create(shift=today, user=frida, status=SignUp.Status.CONFIRMED)


def scanned(shift, *, ago=timedelta(minutes=10), token_ago=None, client_id=None):
    made_at = timezone.now() - ago
    token = shift_token(shift.pk, at=timezone.now() - (token_ago or ago))
    return QueuedCheckIn(client_id or uuid.uuid4(), shift.pk, token, made_at)


def test_it_checks_in_at_the_moment_of_the_scan(frida, today, frida_on):
    # The code she scanned ten minutes ago has rotated since; at the scan it was valid.
    item = scanned(today)
    [result] = offline_check_ins_apply(user=frida, items=[item])
    assert result.outcome == "applied", result.message
    attendance = Attendance.objects.get(signup=frida_on)
    assert attendance.checked_in_at == item.made_at
    assert attendance.status == "late"  # after the start, at the scan
    stored = OfflineTick.objects.get(client_id=item.client_id)
    assert stored.made_at == item.made_at and stored.made_by == frida
    assert AuditEvent.objects.filter(action="attendance.check_in").count() == 1


def test_it_counts_a_check_in_sent_twice_once(frida, today, frida_on):
    item = scanned(today)
    first = offline_check_ins_apply(user=frida, items=[item])
    again = offline_check_ins_apply(user=frida, items=[item])
    assert again == first
    assert OfflineTick.objects.count() == 1
    assert AuditEvent.objects.filter(action="attendance.check_in").count() == 1


def test_it_judges_the_code_at_the_scan_not_at_the_arrival(frida, today, frida_on):
    # A photo of a code ten minutes older than the scan: expired already at the scan.
    item = scanned(today, ago=timedelta(minutes=5), token_ago=timedelta(minutes=15))
    [result] = offline_check_ins_apply(user=frida, items=[item])
    assert result.outcome == "refused" and "expired" in result.message
    assert not Attendance.objects.exists()


def test_it_judges_the_code_when_the_page_showed_it_shortly_before(frida, today, frida_on):
    # The page opened online with a fresh code; the network went; she pressed 8 minutes on.
    seen = timezone.now() - timedelta(minutes=10)
    token = shift_token(today.pk, at=seen)
    made_at = seen + timedelta(minutes=8)
    item = QueuedCheckIn(uuid.uuid4(), today.pk, token, made_at, seen_at=seen)
    [result] = offline_check_ins_apply(user=frida, items=[item])
    assert result.outcome == "applied" and result.checked_in_at == made_at
    # Seen longer before the tap than a scan is kept: judged at the tap, expired.
    long_seen = timezone.now() - timedelta(minutes=25)
    old_token = shift_token(today.pk, at=long_seen)
    tap = long_seen + timedelta(minutes=20)
    late = QueuedCheckIn(uuid.uuid4(), today.pk, old_token, tap, seen_at=long_seen)
    Attendance.objects.all().delete()
    [result] = offline_check_ins_apply(user=frida, items=[late])
    assert result.outcome == "refused" and "expired" in result.message


def test_it_refuses_a_check_in_half_a_day_old(frida, kiosk):
    long_ago = make_shift(kiosk, start=timezone.now() - timedelta(hours=14), hours=4)
    SignUp.objects.create(shift=long_ago, user=frida, status=SignUp.Status.CONFIRMED)
    item = scanned(long_ago, ago=timedelta(hours=13))
    [result] = offline_check_ins_apply(user=frida, items=[item])
    assert result.outcome == "refused" and "12 hours" in result.message
    assert not Attendance.objects.exists()


def test_it_lets_the_coordinators_later_tick_stand(nanna, frida, today, frida_on):
    item = scanned(today)  # Frida, offline, ten minutes ago
    roll_call_mark(actor=nanna, signup_id=frida_on.pk, status="no_show")  # Nanna, now
    [result] = offline_check_ins_apply(user=frida, items=[item])
    assert result.outcome == "conflict" and "no-show" in result.message
    assert Attendance.objects.get(signup=frida_on).status == "no_show"


def test_it_leaves_a_later_present_tick_as_it_is(nanna, frida, today, frida_on):
    item = scanned(today)
    roll_call_mark(actor=nanna, signup_id=frida_on.pk, status="present")
    [result] = offline_check_ins_apply(user=frida, items=[item])
    assert result.outcome == "unchanged"
    attendance = Attendance.objects.get(signup=frida_on)
    assert attendance.status == "present" and attendance.marked_by == nanna


def test_it_checks_in_over_an_earlier_tick(nanna, frida, today, frida_on):
    roll_call_mark(actor=nanna, signup_id=frida_on.pk, status="no_show")
    item = scanned(today, ago=timedelta(seconds=0))  # scanned after Nanna's tick
    [result] = offline_check_ins_apply(user=frida, items=[item])
    assert result.outcome == "applied"
    assert Attendance.objects.get(signup=frida_on).status == "late"


def test_it_refuses_someone_not_on_the_shift_and_another_persons_id(bo, frida, today, frida_on):
    item = scanned(today)
    [result] = offline_check_ins_apply(user=bo, items=[item])
    assert result.outcome == "refused"
    offline_check_ins_apply(user=frida, items=[item])
    # Bo sending Frida's id learns nothing of hers.
    [result] = offline_check_ins_apply(user=bo, items=[item])
    assert result.outcome == "refused" and result.checked_in_at is None


def test_it_reads_only_a_well_formed_queue():
    with pytest.raises(Refused):
        check_ins_parse([])
    with pytest.raises(Refused):
        check_ins_parse([{"client_id": "x", "shift": 1, "token": "t", "made_at": "now"}])
    with pytest.raises(Refused):  # a time without its zone
        naive = "2026-01-01T10:00"
        check_ins_parse(
            [{"client_id": str(uuid.uuid4()), "shift": 1, "token": "t", "made_at": naive}]
        )


def post(client, *items, **extra):
    body = json.dumps(
        {
            "check_ins": [
                {
                    "client_id": str(i.client_id),
                    "shift": i.shift_id,
                    "token": i.token,
                    "made_at": i.made_at.isoformat(),
                }
                for i in items
            ]
        }
    )
    url = reverse("attendance-offline-check-ins")
    return client.post(url, body, content_type="application/json", **extra)


def test_it_answers_the_phone_with_each_outcome(english, nyborg, frida, today, frida_on):
    signed_in(english, frida, nyborg)
    item = scanned(today)
    response = post(english, item, item)
    assert response.status_code == 200
    assert [r["outcome"] for r in response.json()["results"]] == ["applied", "applied"]
    assert OfflineTick.objects.count() == 1


def test_it_needs_the_csrf_token(nyborg, frida, today, frida_on):
    from django.test import Client

    strict = Client(HTTP_HOST="nyborg.localhost", enforce_csrf_checks=True)
    signed_in(strict, frida, nyborg)
    assert post(strict, scanned(today)).status_code == 403
    assert not Attendance.objects.exists()


def test_it_shows_another_site_nothing(aarhus_client, aarhus, anders, nyborg, today, frida_on):
    signed_in(aarhus_client, anders, aarhus)
    response = post(aarhus_client, scanned(today))
    # On Aarhus's site the shift id is not Nyborg's shift, nor Anders's sign-up.
    assert response.status_code == 200
    assert response.json()["results"][0]["outcome"] == "refused"
    assert not Attendance.objects.exists()


def test_it_serves_the_check_in_page_for_the_worker_to_keep_to_the_signed_in(
    english, nyborg, frida
):
    url = reverse("attendance-check-in-offline")
    assert english.get(url).status_code == 302  # to sign in: the page holds her CSRF token
    signed_in(english, frida, nyborg)
    response = english.get(url)
    assert response.status_code == 200
    assert (
        b'class="check-in-form"' in response.content and b"check-in-offline.js" in response.content
    )
    worker = english.get(reverse("attendance-service-worker")).content
    assert url.encode() in worker  # the worker opens it for a scan without network
