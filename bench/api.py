"""API benchmark: list endpoints at 20,000 shifts, and a sign-up through the API against
one through the page.

    python -m config.devstack bench bench/api.py

Runs in a database of its own (`<name>_api_bench`, dropped at the end). Seeds one tenant as
bench/marketplace.py does (1,000 events, 5,000 tasks, 20,000 shifts; no sign-ups), makes a
site-wide write key, then prints median and p95 server time (Django's test client: the
whole middleware and view stack, no network) and the queries of each list: the first page,
a page deep in the cursor, a filtered list, and a 304 answer to If-None-Match. Then 100
sign-ups through `POST /api/v1/signups/` and 100 through the marketplace's button, each a
different person on a shift with room (Celery eager: the confirmation mail is rendered).
Target: p95 under 100 ms per list. The limiter is raised out of the way.
"""

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from _harness import run_in_own_database  # bench/ is the script's folder
from marketplace import seed_events, seed_shifts, seed_tasks, seed_users

WARM_UP, REQUESTS, SIGNUPS = 5, 50, 100
TARGET_MS = 100


def main() -> None:
    os.environ["RATELIMIT_API_KEY"] = "1000000/1m"
    run_in_own_database(run, suffix="_api_bench")


def run() -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from apps.accounts.models import User
    from apps.api.services import api_key_create
    from tenants.services import tenant_provision

    call_command("setup_platform", verbosity=0)
    tenant = tenant_provision(
        slug="bench", name="Bench Kommune", admin_email="admin@bench.dk", admin_name="Admin"
    ).tenant
    started = time.perf_counter()
    with tenant_context(tenant):
        with transaction.atomic():
            events = seed_events(timezone.now())
            tasks = seed_tasks(events)
            shifts = seed_shifts(tasks, events[len(events) // 2].pk)
            people = seed_users(2 * SIGNUPS, "api")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        admin = User.objects.get(email="admin@bench.dk")
        _key, token = api_key_create(actor=admin, name="bench", scope="write", organisation=None)
    print(
        f"seeded {len(events)} events, {len(tasks)} tasks, {len(shifts)} shifts "
        f"in {time.perf_counter() - started:.1f} s"
    )
    host = tenant.get_primary_domain().domain
    lists(tenant, host, token)
    sign_ups(tenant, host, token, [p.pk for p in people])


def lists(tenant: Any, host: str, token: str) -> None:
    from django.test import Client

    client = Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {token}")
    first = client.get("/api/v1/shifts/", {"page_size": 50})
    deep = first.json()["next"]
    for _ in range(100):  # 100 pages in: 5,000 shifts further on
        deep = client.get(deep).json()["next"]
    tag = client.get("/api/v1/shifts/")["ETag"]
    print(
        f"server time per list, {REQUESTS} requests after {WARM_UP} to warm up "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):"
    )
    cases: list[tuple[str, Callable[[], tuple[int, int]]]] = [
        ("shifts, first page of 50", lambda: get(client, "/api/v1/shifts/")),
        ("shifts, page 101 (cursor)", lambda: get(client, deep)),
        (
            "shifts, date + organisation",
            lambda: get(client, "/api/v1/shifts/?date_from=2020-01-01&organisation=3"),
        ),
        ("events, first page", lambda: get(client, "/api/v1/events/")),
        ("events, no key (public)", lambda: get(Client(HTTP_HOST=host), "/api/v1/events/")),
        ("shifts, 304 If-None-Match", lambda: get(client, "/api/v1/shifts/", etag=tag)),
    ]
    for label, fetch in cases:
        report(label, *timed(fetch))


def get(client: Any, path: str, etag: str = "") -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"If-None-Match": etag} if etag else {}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    assert response.status_code == (304 if etag else 200), (path, response.status_code)
    return len(captured), response.status_code


def timed(fetch: Callable[[], tuple[int, int]]) -> tuple[list[float], set[int]]:
    for _ in range(WARM_UP):
        fetch()
    times, queries = [], set()
    for _ in range(REQUESTS):
        started = time.perf_counter()
        count, _status = fetch()
        times.append((time.perf_counter() - started) * 1000)
        queries.add(count)
    return times, queries


def report(label: str, times: list[float], queries: set[int]) -> None:
    p95 = statistics.quantiles(times, n=20)[18]
    verdict = "ok" if p95 < TARGET_MS else f"MISSES the {TARGET_MS} ms target"
    print(
        f"  {label:<30} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
        f"queries {sorted(queries)}  {verdict}"
    )


def sign_ups(tenant: Any, host: str, token: str, people: list[int]) -> None:
    from django.test import Client
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from apps.accounts.models import User
    from apps.shifts.models import Event, Shift

    with tenant_context(tenant):
        open_shifts = list(
            Shift.objects.filter(
                starts_at__gt=timezone.now(),
                is_cancelled=False,
                task__event__status=Event.Status.PUBLISHED,
                task__event__visibility=Event.Visibility.PUBLIC,
                capacity__gte=5,
            )
            .order_by("starts_at")
            .values_list("pk", flat=True)[: 2 * SIGNUPS]
        )
        users = list(User.objects.filter(pk__in=people).order_by("pk"))
    api = Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {token}")
    api_times, page_times = [], []
    for n in range(SIGNUPS):
        started = time.perf_counter()
        made = api.post(
            "/api/v1/signups/",
            {"shift": open_shifts[n], "person": users[n].pk},
            content_type="application/json",
        )
        api_times.append((time.perf_counter() - started) * 1000)
        assert made.status_code == 201, made.content
    for n in range(SIGNUPS):
        browser = Client(HTTP_HOST=host)
        with tenant_context(tenant):
            browser.force_login(users[SIGNUPS + n])
        shift_id = open_shifts[SIGNUPS + n]
        started = time.perf_counter()
        made = browser.post(f"/vagter/{shift_id}/tilmeld/")
        page_times.append((time.perf_counter() - started) * 1000)
        assert made.status_code in (200, 302), made.status_code
    print(f"sign-up, {SIGNUPS} each (load average {os.getloadavg()[0]:.1f}):")
    for label, times in (("through the API", api_times), ("through the page", page_times)):
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"  {label:<30} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
