"""Ticks Nanna made in a sports hall without network, sent when it came back: each once,
the later change by Ole (another coordinator) wins and is reported; Kim (another
association) and Anders (another site) change nothing."""

import json
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from apps.attendance.models import Attendance, OfflineTick
from apps.attendance.offline import Tick, offline_ticks_apply, ticks_parse
from apps.attendance.selectors import day_roll_calls
from apps.attendance.services import roll_call_mark
from apps.audit.models import AuditEvent
from apps.organisations.models import OrganisationRole
from apps.shifts.services._common import Refused
from apps.shifts.services.signups import shift_sign_up
from tests.conftest import signed_in
from tests.personas import make_shift, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def frida_on(morning, frida):
    return shift_sign_up(shift_id=morning.pk, user=frida)


@pytest.fixture
def bo_on(morning, bo):
    return shift_sign_up(shift_id=morning.pk, user=bo)


@pytest.fixture
def ole(roklub):
    ole = person("Ole")
    OrganisationRole.objects.create(
        organisation=roklub, user=ole, role=OrganisationRole.Role.COORDINATOR
    )
    return ole


def tick(signup, status="present", *, ago=timedelta(minutes=5), client_id=None) -> Tick:
    return Tick(client_id or uuid.uuid4(), signup.pk, status, timezone.now() - ago)


def test_it_applies_each_tick_with_the_time_it_was_made(nanna, morning, frida_on, bo_on):
    ticks = [tick(frida_on), tick(bo_on, "late", ago=timedelta(minutes=2))]
    results = offline_ticks_apply(actor=nanna, shift_id=morning.pk, ticks=ticks)
    assert [r.outcome for r in results] == ["applied", "applied"]
    assert Attendance.objects.get(signup=frida_on).status == "present"
    assert Attendance.objects.get(signup=bo_on).status == "late"
    stored = OfflineTick.objects.get(client_id=ticks[0].client_id)
    assert stored.made_at == ticks[0].made_at and stored.made_by == nanna
    # Audited as a tap on the page is.
    assert AuditEvent.objects.filter(action="attendance.present", actor_id=str(nanna.pk)).exists()


def test_it_counts_a_tick_sent_twice_once(nanna, morning, frida_on):
    once = tick(frida_on)
    first = offline_ticks_apply(actor=nanna, shift_id=morning.pk, ticks=[once])
    again = offline_ticks_apply(actor=nanna, shift_id=morning.pk, ticks=[once])
    assert again == first
    assert OfflineTick.objects.count() == 1
    assert AuditEvent.objects.filter(action="attendance.present").count() == 1


def test_it_lets_a_later_correction_by_another_coordinator_win(nanna, ole, morning, frida_on):
    made = tick(frida_on, "no_show", ago=timedelta(minutes=10))  # Nanna, offline
    roll_call_mark(actor=ole, signup_id=frida_on.pk, status="present")  # Ole, online, after
    [result] = offline_ticks_apply(actor=nanna, shift_id=morning.pk, ticks=[made])
    assert result.outcome == "conflict" and result.status == "present"
    assert "Frida Hansen" in result.message and "Ole Hansen" in result.message
    assert Attendance.objects.get(signup=frida_on).status == "present"
    assert AuditEvent.objects.filter(action="attendance.offline_conflict").count() == 1


def test_it_keeps_the_later_change_after_a_tick_that_agreed(nanna, ole, morning, frida_on):
    no_show = tick(frida_on, "no_show", ago=timedelta(minutes=20))
    present = tick(frida_on, "present", ago=timedelta(minutes=10))
    roll_call_mark(actor=ole, signup_id=frida_on.pk, status="present")  # after both taps
    [agreed] = offline_ticks_apply(actor=nanna, shift_id=morning.pk, ticks=[present])
    assert agreed.outcome == "unchanged" and not agreed.message
    # Ole's change is still the last one, not the tick that agreed with it.
    [late] = offline_ticks_apply(actor=nanna, shift_id=morning.pk, ticks=[no_show])
    assert late.outcome == "conflict"
    assert Attendance.objects.get(signup=frida_on).status == "present"


def test_it_lets_a_tick_made_after_the_last_change_win(nanna, ole, morning, frida_on):
    roll_call_mark(actor=ole, signup_id=frida_on.pk, status="present")
    made = tick(frida_on, "no_show", ago=-timedelta(seconds=1))  # the device's clock runs ahead
    [result] = offline_ticks_apply(actor=nanna, shift_id=morning.pk, ticks=[made])
    assert result.outcome == "applied"
    assert Attendance.objects.get(signup=frida_on).status == "no_show"
    # Not in the future: the device's clock is not believed beyond the server's.
    assert OfflineTick.objects.get().made_at <= timezone.now()


def test_it_applies_a_devices_queue_in_the_order_made(nanna, morning, frida_on):
    first = tick(frida_on, "no_show", ago=timedelta(minutes=9))
    second = tick(frida_on, "late", ago=timedelta(minutes=3))
    results = offline_ticks_apply(actor=nanna, shift_id=morning.pk, ticks=[second, first])
    assert [r.outcome for r in results] == ["applied", "applied"]
    assert Attendance.objects.get(signup=frida_on).status == "late"


def test_it_refuses_a_person_from_another_shift(nanna, morning, kiosk, frida):
    other = make_shift(kiosk, start=morning.ends_at)
    elsewhere = shift_sign_up(shift_id=other.pk, user=frida)
    [result] = offline_ticks_apply(actor=nanna, shift_id=morning.pk, ticks=[tick(elsewhere)])
    assert result.outcome == "refused"
    assert not Attendance.objects.exists()


def test_it_refuses_someone_who_may_not_call_the_roll(kim, frida, morning, frida_on):
    for stranger in (kim, frida):
        with pytest.raises(PermissionDenied):
            offline_ticks_apply(actor=stranger, shift_id=morning.pk, ticks=[tick(frida_on)])
    assert not Attendance.objects.exists() and not OfflineTick.objects.exists()


def test_it_reads_only_a_well_formed_batch():
    good = {"client_id": str(uuid.uuid4()), "signup": 1, "status": "present"}
    for batch in ([], None, [{**good, "made_at": "yesterday"}], [{**good}], ["x"]):
        with pytest.raises(Refused):
            ticks_parse(batch)
    assert ticks_parse([{**good, "made_at": "2026-12-07T09:00:00.000Z"}])[0].signup_id == 1


# --- the address the page sends to ---------------------------------------------------


@pytest.fixture
def english(nyborg_client):
    nyborg_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return nyborg_client


def payload(*ticks: Tick) -> str:
    return json.dumps(
        {
            "ticks": [
                {
                    "client_id": str(t.client_id),
                    "signup": t.signup_id,
                    "status": t.status,
                    "made_at": t.made_at.isoformat(),
                }
                for t in ticks
            ]
        }
    )


def post(client, shift, body, **extra):
    url = reverse("attendance-offline-ticks", args=[shift.pk])
    return client.post(url, body, content_type="application/json", **extra)


def test_it_answers_a_batch_with_each_outcome(english, nyborg, nanna, morning, frida_on):
    signed_in(english, nanna, nyborg)
    made = tick(frida_on, "late")
    response = post(english, morning, payload(made, made))
    assert response.status_code == 200
    outcomes = [r["outcome"] for r in response.json()["results"]]
    assert outcomes == ["applied", "applied"]  # the second is the first's answer again
    assert OfflineTick.objects.count() == 1


def test_it_needs_the_csrf_token(nyborg, nanna, morning, frida_on):
    from django.test import Client

    strict = Client(HTTP_HOST="nyborg.localhost", enforce_csrf_checks=True)
    signed_in(strict, nanna, nyborg)
    assert post(strict, morning, payload(tick(frida_on))).status_code == 403
    assert not OfflineTick.objects.exists()


def test_it_is_404_for_strangers(english, nyborg, kim, morning, frida_on):
    signed_in(english, kim, nyborg)
    assert post(english, morning, payload(tick(frida_on))).status_code == 404
    assert not Attendance.objects.exists()


def test_it_answers_bad_input_clearly(english, nyborg, nanna, morning):
    signed_in(english, nanna, nyborg)
    response = post(english, morning, json.dumps({"ticks": []}))
    assert response.status_code == 400 and response.json()["error"] == "Nothing to save."


def test_it_shows_another_site_nothing(aarhus_client, aarhus, anders, nyborg, morning, frida_on):
    signed_in(aarhus_client, anders, aarhus)
    # The same shift id on Aarhus's site is not Nyborg's shift.
    response = post(aarhus_client, morning, payload(tick(frida_on)))
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_it_serves_the_service_worker_for_the_roll_call_scope(english):
    response = english.get(reverse("attendance-service-worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert reverse("attendance-service-worker") == "/fremmoede/sw.js"
    assert b"tovholder-roll-call" in response.content


def test_it_names_the_days_other_roll_calls_for_the_worker_to_keep(
    english, nyborg, nanna, ole, kim, morning, kiosk
):
    afternoon = make_shift(kiosk, start=morning.ends_at)
    make_shift(kiosk, start=morning.starts_at + timedelta(days=1))  # another day
    make_shift(kiosk, start=morning.ends_at, is_cancelled=True)
    signed_in(english, ole, nyborg)
    page = english.get(reverse("attendance-roll-call", args=[morning.pk])).content.decode()
    expected = reverse("attendance-roll-call", args=[afternoon.pk])
    assert f'data-day-urls="{expected}"' in page
    assert day_roll_calls(user=kim, shift=morning) == []  # not his association's
