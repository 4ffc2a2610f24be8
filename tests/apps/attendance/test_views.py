"""The pages: Nanna calls the roll and shows the code; Frida scans it; Kim finds nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.attendance.models import Attendance
from apps.attendance.services import shift_token
from apps.shifts.services.signups import shift_sign_up
from tests.conftest import signed_in
from tests.personas import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(nyborg_client):
    nyborg_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return nyborg_client


@pytest.fixture
def frida_on(morning, frida):
    return shift_sign_up(shift_id=morning.pk, user=frida)


def scan_url(shift, token=None) -> str:
    return reverse("attendance-scan", args=[shift.pk, token or shift_token(shift.pk)])


def test_roll_call_is_for_the_coordinator_only(english, nyborg, morning, kim, frida, frida_on):
    url = reverse("attendance-roll-call", args=[morning.pk])
    for outsider in (kim, frida):
        signed_in(english, outsider, nyborg)
        assert english.get(url).status_code == 404
        assert english.get(reverse("attendance-code", args=[morning.pk])).status_code == 404
        mark = reverse("attendance-mark", args=[frida_on.pk])
        assert english.post(mark, {"status": "no_show"}).status_code == 404
    assert not Attendance.objects.exists()


def test_one_tap_marks_a_person(english, nyborg, nanna, morning, frida_on):
    signed_in(english, nanna, nyborg)
    mark = reverse("attendance-mark", args=[frida_on.pk])
    response = english.post(mark, {"status": "no_show"})
    assert response.status_code == 302
    assert Attendance.objects.get(signup=frida_on).status == Attendance.Status.NO_SHOW
    page = english.get(reverse("attendance-roll-call", args=[morning.pk]))
    assert "No-show" in page.content.decode()


def test_roll_call_queries_do_not_grow_with_people(english, nyborg, nanna, morning, frida_on):
    signed_in(english, nanna, nyborg)
    url = reverse("attendance-roll-call", args=[morning.pk])
    english.get(url)
    with CaptureQueriesContext(connection) as few:
        english.get(url)
    morning.capacity = 10
    morning.save()
    for name in ("Ulla", "Villy", "Xenia"):
        signup = shift_sign_up(shift_id=morning.pk, user=person(name))
        Attendance.objects.create(signup=signup, status=Attendance.Status.PRESENT)
    with CaptureQueriesContext(connection) as many:
        page = english.get(url)
    assert "Xenia Hansen" in page.content.decode()
    assert len(many) == len(few)


def test_the_code_page_shows_a_qr_of_the_scan_address(english, nyborg, nanna, morning):
    signed_in(english, nanna, nyborg)
    page = english.get(reverse("attendance-code", args=[morning.pk])).content.decode()
    # The person menu has an icon of its own: the QR is the svg in the figure.
    figure = page.split('<figure class="check-in-code">', 1)[1].split("</figure>", 1)[0]
    assert figure.lstrip().startswith("<svg") and figure.count("<path") >= 1, figure[:200]
    assert scan_url(morning) in page


def test_the_code_page_fetches_the_new_code_in_place(english, nyborg, nanna, morning):
    url = reverse("attendance-code", args=[morning.pk])
    with time_machine.travel(morning.starts_at - timedelta(minutes=30), tick=False):
        signed_in(english, nanna, nyborg)  # staff: signed in when the screen goes up
        page = english.get(url).content.decode()
        assert 'hx-trigger="every 30s"' in page and "htmx.min.js" in page
    with time_machine.travel(morning.starts_at - timedelta(minutes=26), tick=False):
        fragment = english.get(url, headers={"HX-Request": "true"}).content.decode()
        assert fragment.startswith('<div id="check-in-code"') and "<html" not in fragment
        assert scan_url(morning) in fragment and scan_url(morning) not in page
    # After check-out has closed, the screen stops asking (and keeping the session alive).
    with time_machine.travel(morning.ends_at + timedelta(hours=3, minutes=1), tick=False):
        signed_in(english, nanna, nyborg)
        assert "hx-trigger" not in english.get(url).content.decode()


def test_a_photo_of_the_code_is_refused_minutes_later(english, nyborg, morning, frida, frida_on):
    signed_in(english, frida, nyborg)
    with time_machine.travel(morning.starts_at - timedelta(minutes=30), tick=False):
        photo = scan_url(morning)
    with time_machine.travel(morning.starts_at - timedelta(minutes=20), tick=False):
        assert english.get(photo).status_code == 400
        refused = english.post(photo, {"action": "in"})
    assert refused.status_code == 400
    assert "This code has expired" in refused.content.decode()
    assert not Attendance.objects.exists()


def test_a_scan_survives_signing_in_while_the_code_rotates(
    english, nyborg, morning, frida, frida_on
):
    with time_machine.travel(morning.starts_at - timedelta(minutes=10), tick=False):
        scanned = scan_url(morning)
        assert english.get(scanned).status_code == 302  # to sign in, the scan remembered
    signed_in(english, frida, nyborg)  # minutes later, the code on the screen is another
    with time_machine.travel(morning.starts_at - timedelta(minutes=2), tick=False):
        done = english.post(scanned, {"action": "in"})
    assert done.status_code == 200, done.content.decode()[-2000:]
    assert Attendance.objects.get().checked_in_at is not None
    with time_machine.travel(morning.starts_at + timedelta(minutes=20), tick=False):
        late = english.post(scanned, {"action": "out"})  # remembered 15 minutes, no longer
    assert late.status_code == 400


def test_corrections_need_a_reason(english, nyborg, nanna, morning, frida_on):
    signed_in(english, nanna, nyborg)
    url = reverse("attendance-correct", args=[frida_on.pk])
    assert english.post(url, {"hours": "2", "reason": ""}).status_code == 400
    assert english.post(url, {"hours": "2", "reason": "Left early"}).status_code == 302
    attendance = Attendance.objects.get(signup=frida_on)
    assert (attendance.hours, attendance.corrected_by) == (2, nanna)


def test_scanning_asks_for_a_sign_in_and_comes_back(english, morning):
    response = english.get(scan_url(morning))
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_scan_checks_in_and_a_second_scan_says_when(english, nyborg, morning, frida, frida_on):
    signed_in(english, frida, nyborg)
    with time_machine.travel(morning.starts_at - timedelta(minutes=10), tick=False):
        done = english.post(scan_url(morning), {"action": "in"})
        assert done.status_code == 200
        assert "You are checked in at 09:50." in done.content.decode()
        again = english.get(scan_url(morning)).content.decode()
        assert "You are already checked in at 09:50." in again
        twice = english.post(scan_url(morning), {"action": "in"})
        assert twice.status_code == 200
        assert "already checked in at 09:50" in twice.content.decode()


def test_scan_refuses_too_early_and_a_foreign_code(english, nyborg, morning, frida, frida_on):
    signed_in(english, frida, nyborg)
    with time_machine.travel(morning.starts_at - timedelta(hours=2), tick=False):
        early = english.post(scan_url(morning), {"action": "in"})
    assert early.status_code == 400
    assert "Too early" in early.content.decode()
    foreign = english.post(scan_url(morning, token="not-ours"), {"action": "in"})
    assert foreign.status_code == 400
    assert "This code belongs to another shift." in foreign.content.decode()
    assert "another shift" in english.get(scan_url(morning, token="not-ours")).content.decode()
    assert not Attendance.objects.exists()


def test_no_shows_page_counts_per_volunteer(english, nyborg, nanna, kim, morning, frida_on):
    Attendance.objects.create(signup=frida_on, status=Attendance.Status.NO_SHOW)
    signed_in(english, nanna, nyborg)
    page = english.get(reverse("attendance-no-shows")).content.decode()
    assert "Frida Hansen" in page
    signed_in(english, kim, nyborg)
    assert "Frida Hansen" not in english.get(reverse("attendance-no-shows")).content.decode()
