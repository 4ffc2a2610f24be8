"""The compose page says exactly whom a message goes to: the shift by task, event, day and
time in the tenant's zone, and how many people (and how many of them get no info mails)."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.messaging.models import Kind, Preference
from apps.shifts.models import Shift
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def to_line(browser, path: str) -> str:
    response = browser.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    return page.split('class="message-audience">', 1)[1].split("</p>", 1)[0]


def test_it_names_the_shift_and_counts_the_people_signed_up(crew, nanna, nyborg, nyborg_client):
    # 16:30 UTC on a winter day is 17:30 in Copenhagen.
    start = datetime(2027, 1, 6, 16, 30, tzinfo=UTC)
    Shift.objects.filter(pk=crew.pk).update(starts_at=start, ends_at=start + timedelta(hours=3))
    line = to_line(signed_in(nyborg_client, nanna, nyborg), f"/beskeder/ny/shift/{crew.pk}/")
    assert "Alle tilmeldt en vagt" in line
    assert "Kiosk · Nyborg Regatta · 6. januar 2027 17:30–20:30" in line
    assert "2 personer" in line and "info" not in line  # Frida and Bo; Carl waits in line


def test_it_counts_the_waitlist_and_says_who_switched_info_mails_off(
    crew, bo, nanna, nyborg, nyborg_client
):
    Preference.objects.create(user=bo, kind=Kind.INFO, email=False)
    browser = signed_in(nyborg_client, nanna, nyborg)
    line = to_line(browser, f"/beskeder/ny/shift/{crew.pk}/")
    assert "2 personer (1 af dem får ikke infomails)" in line
    waitlist = to_line(browser, f"/beskeder/ny/waitlist/{crew.pk}/")
    assert "Kiosk · Nyborg Regatta" in waitlist and "1 person" in waitlist


def test_it_names_the_event_and_the_task(crew, regatta, nanna, nyborg, nyborg_client):
    browser = signed_in(nyborg_client, nanna, nyborg)
    event_line = to_line(browser, f"/beskeder/ny/event/{regatta.pk}/")
    assert "Nyborg Regatta · " in event_line and "2 personer" in event_line
    task_line = to_line(browser, f"/beskeder/ny/task/{crew.task_id}/")
    assert "Kiosk · Nyborg Regatta" in task_line and "2 personer" in task_line
