"""A festival's event page: 500 shifts stay under 200 KB, every one of them reachable, the
days folded into <details> (a visitor's own days open), and a sign-up's fixed cost."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.shifts.models import Shift, Task
from apps.shifts.services.signups import shift_sign_up
from tests.conftest import signed_in
from tests.personas import in_days

pytestmark = pytest.mark.django_db

TASKS, DAYS, PER_DAY = 10, 5, 10  # 500 shifts, as bench/event_page.py
LIMIT = 200 * 1024


def festival(regatta) -> list[Shift]:
    """10 tasks on the regatta, each with 10 shifts a day over 5 days, in two statements."""
    tasks = Task.objects.bulk_create(
        Task(event=regatta, title=f"Opgave {n}", meeting_point="Infoteltet") for n in range(TASKS)
    )
    first = in_days(10, 8)
    return Shift.objects.bulk_create(
        Shift(
            task=task,
            starts_at=first + timedelta(days=day, hours=slot),
            ends_at=first + timedelta(days=day, hours=slot + 2),
            capacity=4,
            signup_deadline=first + timedelta(days=day - 1) if slot % 3 == 0 else None,
        )
        for task in tasks
        for day in range(DAYS)
        for slot in range(PER_DAY)
    )


def test_it_keeps_500_shifts_under_200_kb_each_with_its_sign_up_button(regatta, nyborg_client):
    shifts = festival(regatta)
    response = nyborg_client.get(f"/arrangementer/{regatta.pk}/")
    assert response.status_code == 200
    assert len(response.content) < LIMIT, len(response.content)
    body = response.content.decode()
    for shift in shifts:
        # Reachable without JavaScript: the row, its button posting to the sign-up address
        # (the form around the list carries the one CSRF token), its calendar file.
        row = re.search(rf'<li class="shift" id="vagt-{shift.pk}">(.*?)</li>', body, re.S)
        assert row, shift.pk
        assert f'formaction="/vagter/{shift.pk}/tilmeld/"' in row[1], shift.pk
        assert f'aria-describedby="task-{shift.task_id} t{shift.pk}"' in row[1], shift.pk
        assert f'href="/kalender/vagter/{shift.pk}.ics"' in row[1], shift.pk
    event = body.split('<article class="event">', 1)[1].split("</article>", 1)[0]
    assert event.count("<form") == 2  # following the organiser, and one for every shift
    assert event.count('name="csrfmiddlewaretoken"') == 2


def test_it_folds_each_task_by_day_with_the_first_day_open(regatta, nyborg_client):
    festival(regatta)
    body = nyborg_client.get(f"/arrangementer/{regatta.pk}/").content.decode()
    days = re.findall(r'<details class="day"( open)?><summary>(.*?)</summary>', body)
    assert len(days) == TASKS * DAYS
    assert sum(1 for is_open, _ in days if is_open) == TASKS  # each task's first day
    # A folded day says what it holds: 10 shifts of 4 places (the msgid until the lead's
    # catalogue has the Danish of "%(n)s shifts").
    assert re.search(r"10 (vagter|shifts) · 40 ledige pladser", days[1][1]), days[1][1]


def test_it_opens_the_days_of_the_visitors_own_shifts(regatta, frida, nyborg, nyborg_client):
    shifts = festival(regatta)
    last_day = shifts[DAYS * PER_DAY - 1]  # the first task's last shift, on the last day
    shift_sign_up(shift_id=last_day.pk, user=frida)
    body = signed_in(nyborg_client, frida, nyborg).get(f"/arrangementer/{regatta.pk}/")
    text = body.content.decode()
    opened = re.findall(r'<details class="day" open>.*?</details>', text, re.S)
    assert any(f'id="vagt-{last_day.pk}"' in day for day in opened)
    assert len(opened) == TASKS + 1
    assert "Du er tilmeldt" in text


def test_it_opens_every_day_of_a_small_event(regatta, kiosk, nyborg_client):
    for day in range(3):
        Shift.objects.create(
            task=kiosk, starts_at=in_days(10 + day), ends_at=in_days(10 + day, 13), capacity=2
        )
    body = nyborg_client.get(f"/arrangementer/{regatta.pk}/").content.decode()
    assert body.count('<details class="day" open>') == 3


def test_it_shows_nothing_of_the_festival_in_another_tenant(regatta, aarhus_client):
    festival(regatta)
    assert aarhus_client.get(f"/arrangementer/{regatta.pk}/").status_code == 404


def test_it_signs_up_in_a_fixed_number_of_statements(regatta, kiosk, frida, bo):
    """Shift and event locked and read in one, the person locked with their limits in one,
    their other sign-ups read once for every rule, then the rows written (sign-up, counter,
    audit, outbox message and delivery): bench/signup_limit.py prints the same list."""
    shifts = [
        Shift.objects.create(
            task=kiosk, starts_at=in_days(10, h), ends_at=in_days(10, h + 1), capacity=5
        )
        for h in (8, 10)
    ]
    shift_sign_up(shift_id=shifts[0].pk, user=bo)
    with CaptureQueriesContext(connection) as captured:
        shift_sign_up(shift_id=shifts[1].pk, user=frida)
    statements = [q["sql"].split(" ", 1)[0] for q in captured.captured_queries]
    # In the test's own transaction each atomic block is a savepoint.
    assert statements.count("SELECT") == 4, statements  # shift, person, standing, outbox key
    assert statements.count("INSERT") == 4, statements  # sign-up, audit, message, delivery
    assert statements.count("UPDATE") == 1, statements  # the shift's counter
    assert len(captured) == 14, statements
