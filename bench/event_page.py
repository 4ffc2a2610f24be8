"""The event page of a big festival: 500 shifts (10 tasks, 5 days, 10 shifts a task a day).

    python -m config.devstack bench bench/event_page.py

Runs in a database of its own (`<name>_eventpage`, dropped at the end). Seeds one tenant
with that event (some shifts full with a line, some past their sign-up deadline, some with
a deadline ahead) and a volunteer with places on five of its shifts, then prints, for a
visitor and for that volunteer: median and p95 server time (Django's test client: the
whole middleware and view stack, no network), the page's size, its queries and the time
they took, and the CPU time of the Python process (view, template, middleware: what a busy
machine's wall clock blurs). Connections are kept
(DB_CONN_MAX_AGE=60), as in production. Goals: under 90 ms and under 200 KB.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from typing import Any

from _harness import run_in_own_database  # bench/ is the script's folder

# ... and only for that: a bench script must never stand in for one of the project's modules.
sys.path.remove(os.path.dirname(os.path.abspath(__file__)))

TASKS, DAYS, PER_DAY = 10, 5, 10
WARM_UP, REQUESTS = 5, 40
GOAL_MS, GOAL_KB = 90, 200
os.environ["DB_CONN_MAX_AGE"] = "60"  # as helm/tovholder/values.yaml sets for production


def main() -> None:
    run_in_own_database(run, suffix="_eventpage")


def run() -> None:
    from django.core.management import call_command
    from django.test import Client
    from django_tenants.utils import tenant_context

    from config.celery import app as celery_app
    from tenants.services import tenant_provision

    celery_app.conf.task_always_eager = False  # mails are a worker's job, not the page's
    celery_app.conf.broker_url = "memory://"
    call_command("setup_platform", verbosity=0)
    tenant = tenant_provision(
        slug="bench", name="Bench Kommune", admin_email="admin@bench.dk", admin_name="Admin"
    ).tenant
    with tenant_context(tenant):
        event_id, volunteer = seed()
    host = tenant.get_primary_domain().domain
    visitor, signed_in = Client(HTTP_HOST=host), Client(HTTP_HOST=host)
    with tenant_context(tenant):
        signed_in.force_login(volunteer)
    path = f"/arrangementer/{event_id}/"
    print(
        f"event page, {TASKS * DAYS * PER_DAY} shifts, {REQUESTS} requests after {WARM_UP} "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):"
    )
    for label, client in (("a visitor", visitor), ("a volunteer with 5 places", signed_in)):
        report(label, measure(client, path))


def seed() -> tuple[int, Any]:
    from django.db import connection
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.organisations.models import Organisation
    from apps.shifts.models import Event, Shift, Task
    from apps.shifts.services.signups import shift_sign_up

    now = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    start = now + timedelta(days=20)
    event = Event.objects.create(
        organisation=Organisation.objects.create(name="Festivalforeningen", is_approved=True),
        title="Festival",
        description="Fem dage med musik. " * 20,
        starts_at=start,
        ends_at=start + timedelta(days=DAYS),
        status=Event.Status.PUBLISHED,
        published_at=now,
        location_name="Festivalpladsen",
        address="Engen 1, 5800 Nyborg",
    )
    tasks = Task.objects.bulk_create(
        Task(event=event, title=f"Opgave {n}", meeting_point="Infoteltet", min_age=16)
        for n in range(TASKS)
    )
    shifts = []
    for k in range(TASKS * DAYS * PER_DAY):
        task, day, slot = tasks[k % TASKS], k // (TASKS * PER_DAY), (k // TASKS) % PER_DAY
        begins = start + timedelta(days=day, hours=8 + slot)
        shifts.append(
            Shift(
                task=task,
                starts_at=begins,
                ends_at=begins + timedelta(hours=2),
                capacity=2 + k % 7,
                # A few past their deadline, some closing the day before, most open.
                signup_deadline=(
                    now - timedelta(days=1)
                    if k % 23 == 0
                    else begins - timedelta(days=1)
                    if k % 5 == 0
                    else None
                ),
                # Some full, with people in line.
                confirmed_count=2 + k % 7 if k % 6 == 0 else k % 2,
                waitlist_count=k % 4 if k % 6 == 0 else 0,
            )
        )
    shifts = Shift.objects.bulk_create(shifts)
    volunteer = User.objects.create_user("v@bench.dk", full_name="Frivillig", birth_year=1990)
    for shift in shifts[1:300:60]:
        shift_sign_up(shift_id=shift.pk, user=volunteer)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return event.pk, volunteer


class Figures:
    def __init__(self) -> None:
        self.times: list[float] = []
        self.sql_ms: list[float] = []
        self.cpu_ms: list[float] = []
        self.size = 0
        self.queries = 0


def measure(client: Any, path: str) -> Figures:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    figures = Figures()
    for n in range(WARM_UP + REQUESTS):
        with CaptureQueriesContext(connection) as captured:
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu) * 1000
        assert response.status_code == 200, response.status_code
        if n >= WARM_UP:
            figures.times.append(elapsed)
            figures.cpu_ms.append(cpu)
            figures.sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        figures.size, figures.queries = len(response.content), len(captured)
    return figures


def report(label: str, figures: Figures) -> None:
    median = statistics.median(figures.times)
    p95 = statistics.quantiles(figures.times, n=20)[18]
    sql, cpu = statistics.median(figures.sql_ms), statistics.median(figures.cpu_ms)
    kb = figures.size / 1024
    verdict = (
        "ok"
        if median < GOAL_MS and kb < GOAL_KB
        else f"MISSES the goal ({GOAL_MS} ms, {GOAL_KB} KB)"
    )
    print(
        f"  {label:<26} median {median:6.1f} ms  p95 {p95:6.1f} ms  {kb:6.1f} KB  "
        f"{figures.queries} queries ({sql:.1f} ms in SQL)  {cpu:.1f} ms CPU in Python  {verdict}"
    )


if __name__ == "__main__":
    main()
