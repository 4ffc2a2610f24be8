"""Marketplace benchmark: page times on a big tenant, and a rush for the last free places.

    python -m config.devstack bench bench/marketplace.py

Runs in a database of its own (`<name>_bench`, dropped at the end) on DATABASE_URL's server.
Seeds one tenant with 1,000 events, 5,000 tasks, 20,000 shifts and 100,000 sign-ups, then
prints median and p95 server time (Django's test client: the whole middleware and view
stack, no network) for the marketplace, an event page with 100 shifts and "my shifts", and
the time for 200 sign-up attempts at once on a shift with 10 places (Celery runs eagerly,
so each attempt also renders and "sends" its mail, to the locmem backend).
Target: p95 under 100 ms for each page. These machines are noisy; compare within one run.
"""

import os
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from _harness import run_in_own_database  # bench/ is the script's folder

EVENTS, TASKS_PER_EVENT, SHIFTS, SIGNUPS = 1_000, 5, 20_000, 100_000
VOLUNTEERS = 5_000  # 20 sign-ups each on average, over a year and a bit
PAGE_EVENT_SHIFTS = 100
WARM_UP, REQUESTS = 5, 50
RUSH_PEOPLE, RUSH_PLACES = 200, 10
TARGET_MS = 100
BATCH = 5_000


def main() -> None:
    run_in_own_database(run)


def run() -> None:
    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    from tenants.services import tenant_provision

    call_command("setup_platform", verbosity=0)
    tenant = tenant_provision(
        slug="bench", name="Bench Kommune", admin_email="admin@bench.dk", admin_name="Admin"
    ).tenant
    started = time.perf_counter()
    with tenant_context(tenant):
        seeded = seed(timezone_now())
    print(f"seeded {describe_counts(tenant)} in {time.perf_counter() - started:.1f} s")
    host = tenant.get_primary_domain().domain
    time_pages(tenant, host, seeded)
    rush(tenant)


def timezone_now() -> datetime:
    from django.utils import timezone

    return timezone.now()


# --- seeding ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    """What the timings need from the seed: the big event and the busiest volunteer."""

    page_event_id: int
    volunteer_id: int


def seed(now: datetime) -> Seeded:
    from django.db import connection, transaction

    with transaction.atomic():
        users = seed_users(VOLUNTEERS, "v")
        events = seed_events(now)
        page_event = events[len(events) // 2]  # published, public, upcoming (see seed_events)
        tasks = seed_tasks(events)
        shifts = seed_shifts(tasks, page_event.pk)
        busiest = seed_signups(shifts, users, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have by the time real data is this big
    return Seeded(page_event.pk, busiest)


def seed_users(count: int, prefix: str) -> list[Any]:
    from apps.accounts.models import User

    people = [
        User(email=f"{prefix}{i}@bench.dk", full_name=f"Frivillig {prefix}{i}", password="!")
        for i in range(count)
    ]
    return User.objects.bulk_create(people, batch_size=BATCH)


def seed_events(now: datetime) -> list[Any]:
    from apps.organisations.models import Organisation
    from apps.shifts.models import Category, Event

    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Forening {i}", is_approved=True) for i in range(50)
    )
    categories = Category.objects.bulk_create(
        Category(name=f"Kategori {i}", slug=f"kategori-{i}") for i in range(10)
    )
    events = []
    for i in range(EVENTS):
        # From 50 days ago to 280 days ahead: most events are upcoming, some are history.
        start = now + timedelta(hours=8 * (i - 150))
        events.append(
            Event(
                organisation=organisations[i % len(organisations)],
                category=categories[i % len(categories)],
                title=f"Arrangement {i}",
                description="Kom og vær med. " * 20,
                location_name=f"Sted {i % 40}",
                address=f"Havnegade {i % 90 + 1}, 5800 Nyborg",
                postcode="5800",
                area="Nyborg",
                starts_at=start,
                ends_at=start + timedelta(days=3),
                **event_state(i, now),
            )
        )
    return Event.objects.bulk_create(events, batch_size=BATCH)


def event_state(i: int, now: datetime) -> dict[str, Any]:
    from apps.shifts.models import Event

    # Mostly published and public; a few drafts, members-only and cancelled events.
    if i % 20 == 1:
        return {"status": Event.Status.DRAFT}
    published = {"status": Event.Status.PUBLISHED, "published_at": now - timedelta(days=60)}
    if i % 20 == 3:
        return {**published, "visibility": Event.Visibility.MEMBERS}
    if i % 50 == 7:
        return {**published, "status": Event.Status.CANCELLED}
    return published


def seed_tasks(events: list[Any]) -> list[Any]:
    from apps.shifts.models import Task

    tasks = [
        Task(event=event, title=f"Opgave {n}", meeting_point="Ved indgangen")
        for event in events
        for n in range(TASKS_PER_EVENT)
    ]
    return Task.objects.bulk_create(tasks, batch_size=BATCH)


def seed_shifts(tasks: list[Any], page_event_id: int) -> list[Any]:
    """100 shifts on the page event's tasks; the rest spread evenly over the other tasks."""
    from apps.shifts.models import Event, Shift

    mine = [task for task in tasks if task.event_id == page_event_id]
    others = [task for task in tasks if task.event_id != page_event_id]
    per_task = PAGE_EVENT_SHIFTS // len(mine)
    placed = [(task, n) for task in mine for n in range(per_task)]
    rest = SHIFTS - len(placed)
    placed += [(others[k % len(others)], k // len(others)) for k in range(rest)]
    shifts = []
    for k, (task, n) in enumerate(placed):
        start = task.event.starts_at + timedelta(hours=3 * n, minutes=30 * (task.pk % 5))
        shifts.append(
            Shift(
                task=task,
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                capacity=2 + k % 9,
                waitlist_policy=Shift.Policy.OFFER if k % 4 == 0 else Shift.Policy.PROMOTE,
                is_cancelled=task.event.status == Event.Status.CANCELLED,
            )
        )
    return Shift.objects.bulk_create(shifts, batch_size=BATCH)


def demands(count: int, total: int) -> list[int]:
    """0 to 10 people per shift, `total` in all."""
    wanted = [(k * 7) % 11 for k in range(count)]
    k = 0
    while sum(wanted) < total:
        if wanted[k % count] < 10:
            wanted[k % count] += 1
        k += 1
    return wanted


def seed_signups(shifts: list[Any], users: list[Any], now: datetime) -> int:
    """The sign-ups, and each shift's counters to match; returns the busiest person's id."""
    from apps.shifts.models import Event, SignUp

    # Nobody can sign up for a draft, so the sign-ups go to the other events' shifts.
    open_shifts = [s for s in shifts if s.task.event.status != Event.Status.DRAFT]
    rows: list[Any] = []
    per_user: dict[int, int] = {}
    for k, (shift, wanted) in enumerate(
        zip(open_shifts, demands(len(open_shifts), SIGNUPS), strict=True)
    ):
        # Distinct people per shift: 101 and the number of volunteers have no common factor.
        people = [users[(k * 37 + j * 101) % len(users)] for j in range(wanted)]
        rows += shift_signups(shift, people, k, now)
        for person in people:
            per_user[person.pk] = per_user.get(person.pk, 0) + 1
    SignUp.objects.bulk_create(rows, batch_size=BATCH)
    recount_shifts()
    return max(per_user, key=lambda pk: per_user[pk])


def shift_signups(shift: Any, people: list[Any], k: int, now: datetime) -> list[Any]:
    """Rows for one shift as the services would have left them."""
    from apps.shifts.models import Shift, SignUp

    rows, taken, crowded = [], 0, len(people) > shift.capacity
    for j, person in enumerate(people):
        joined = now - timedelta(days=30) + timedelta(minutes=j)
        row = SignUp(shift=shift, user=person, status=SignUp.Status.CONFIRMED)
        if shift.is_cancelled or (k + j) % 10 == 9:  # called off, or one in ten cancelled
            row.status, row.confirmed_at, row.ended_at = SignUp.Status.CANCELLED, joined, now
        elif taken < shift.capacity:
            taken += 1
            if shift.waitlist_policy == Shift.Policy.OFFER and crowded and taken == shift.capacity:
                # The last place, freed by someone and now offered to the first in line.
                row.status, row.waitlisted_at = SignUp.Status.OFFERED, joined
                row.offer_expires_at = now + timedelta(hours=6)
            else:
                row.confirmed_at = joined
        else:
            row.status, row.waitlisted_at = SignUp.Status.WAITLISTED, joined
        rows.append(row)
    return rows


def recount_shifts() -> None:
    """Each shift's counters from its rows, in one statement, as the services keep them."""
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from apps.shifts.models import Shift, SignUp

    def count(status: str) -> Coalesce:
        rows = SignUp.objects.filter(shift=OuterRef("pk"), status=status).order_by()
        return Coalesce(Subquery(rows.values("shift").annotate(n=Count("pk")).values("n")), 0)

    Shift.objects.update(
        confirmed_count=count(SignUp.Status.CONFIRMED),
        offered_count=count(SignUp.Status.OFFERED),
        waitlist_count=count(SignUp.Status.WAITLISTED),
    )


def describe_counts(tenant: Any) -> str:
    from django_tenants.utils import tenant_context

    from apps.shifts.models import Event, Shift, SignUp, Task

    with tenant_context(tenant):
        counts = [m.objects.count() for m in (Event, Task, Shift, SignUp)]
    return "{:,} events, {:,} tasks, {:,} shifts, {:,} sign-ups".format(*counts)


# --- page timings ----------------------------------------------------------------------


def time_pages(tenant: Any, host: str, seeded: Seeded) -> None:
    from django.test import Client
    from django_tenants.utils import tenant_context

    from apps.accounts.models import User
    from apps.shifts.models import SignUp

    anonymous = Client(HTTP_HOST=host)
    volunteer = Client(HTTP_HOST=host)
    with tenant_context(tenant):
        person = User.objects.get(pk=seeded.volunteer_id)
        volunteer.force_login(person)
        theirs = SignUp.objects.filter(user=person).count()
    pages = [
        ("marketplace /", anonymous, "/"),
        (
            f"event page, {PAGE_EVENT_SHIFTS} shifts",
            volunteer,
            f"/arrangementer/{seeded.page_event_id}/",
        ),
        (f"my shifts ({theirs} sign-ups)", volunteer, "/mine-vagter/"),
    ]
    print(
        f"server time per page, {REQUESTS} requests after {WARM_UP} to warm up "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):"
    )
    for label, client, path in pages:
        report(label, *page_times(partial(get_ok, client, path)))


def get_ok(client: Any, path: str) -> int:
    """One request; returns the number of queries it ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def page_times(fetch: Callable[[], int]) -> tuple[list[float], int]:
    for _ in range(WARM_UP):
        fetch()
    times, queries = [], 0
    for _ in range(REQUESTS):
        started = time.perf_counter()
        queries = fetch()
        times.append((time.perf_counter() - started) * 1000)
    return times, queries


def report(label: str, times: list[float], queries: int) -> None:
    p95 = statistics.quantiles(times, n=20)[18]
    verdict = "ok" if p95 < TARGET_MS else f"MISSES the {TARGET_MS} ms target"
    print(
        f"  {label:<30} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
        f"{queries} queries  {verdict}"
    )


# --- the rush --------------------------------------------------------------------------


def rush(tenant: Any) -> None:
    """200 people press "sign up" at once for a shift with 10 places."""
    from django_tenants.utils import tenant_context

    from apps.shifts.models import SignUp

    with tenant_context(tenant):
        shift_id, people = rush_shift()
    workers = connection_budget()
    outcomes, seconds = sign_up_at_once(tenant, shift_id, people, workers)
    with tenant_context(tenant):
        rows = SignUp.objects.filter(shift_id=shift_id)
        confirmed = rows.filter(status=SignUp.Status.CONFIRMED).count()
        waitlisted = rows.filter(status=SignUp.Status.WAITLISTED).count()
        counters = shift_counters(shift_id)
    refused = {code: outcomes.count(code) for code in set(outcomes) if code != "ok"}
    print(
        f"{RUSH_PEOPLE} sign-ups at once for {RUSH_PLACES} places "
        f"({workers} connections at a time, mails sent in-process): {seconds:.2f} s, "
        f"{confirmed} confirmed, {waitlisted} waitlisted, refused {refused or 0}"
    )
    assert confirmed == RUSH_PLACES, confirmed
    assert confirmed + waitlisted == RUSH_PEOPLE, (confirmed, waitlisted)
    assert counters == (confirmed, 0, waitlisted), counters


def rush_shift() -> tuple[int, list[Any]]:
    from apps.organisations.models import Organisation
    from apps.shifts.models import Event, Shift, Task

    # Far ahead of every seeded shift, so nobody is refused for being busy elsewhere.
    start = timezone_now() + timedelta(days=500)
    event = Event.objects.create(
        organisation=Organisation.objects.create(name="Rush FC", is_approved=True),
        title="Rush",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        status=Event.Status.PUBLISHED,
    )
    task = Task.objects.create(event=event, title="Dør")
    shift = Shift.objects.create(
        task=task, starts_at=start, ends_at=start + timedelta(hours=2), capacity=RUSH_PLACES
    )
    return shift.pk, seed_users(RUSH_PEOPLE, "rush")


def shift_counters(shift_id: int) -> tuple[int, int, int]:
    from apps.shifts.models import Shift

    return Shift.objects.values_list("confirmed_count", "offered_count", "waitlist_count").get(
        pk=shift_id
    )


def connection_budget() -> int:
    """Threads that may hold a connection at once: the server's limit, less what is in use."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
            " - (SELECT count(*) FROM pg_stat_activity)"
        )
        (free,) = cursor.fetchone() or (0,)
    return max(1, min(RUSH_PEOPLE, free - 10))  # leave room for other users of the server


def sign_up_at_once(
    tenant: Any, shift_id: int, people: list[Any], workers: int
) -> tuple[list[str], float]:
    from django.db import connection, connections

    from apps.shifts.services._common import Refused
    from apps.shifts.services.signups import shift_sign_up

    # Every thread is started and waiting before the first one goes; at most `workers` hold
    # a connection at a time, because the server allows only so many.
    went: list[float] = []
    ready = threading.Barrier(len(people), action=lambda: went.append(time.perf_counter()))
    gate = threading.BoundedSemaphore(workers)

    def attempt(person: Any) -> str:
        ready.wait()
        with gate:
            connection.set_tenant(tenant)  # type: ignore[attr-defined]  # the thread's own
            try:
                shift_sign_up(shift_id=shift_id, user=person)
                return "ok"
            except Refused as refusal:
                return refusal.code or "refused"
            finally:
                connections.close_all()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        outcomes = list(pool.map(attempt, people))
    return outcomes, time.perf_counter() - went[0]


if __name__ == "__main__":
    main()
