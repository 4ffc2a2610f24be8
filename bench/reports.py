"""Reports benchmark: a yearly report over 1,000,000 attendance records in one tenant.

    python -m config.devstack bench bench/reports.py

Runs in a database of its own (`<name>_reports_bench`, dropped at the end) on DATABASE_URL's
server. Seeds one tenant in SQL (INSERT ... SELECT generate_series, not row by row) with
20,000 volunteers, 50 organisations, 3,000 events, 9,000 tasks, 200,000 shifts over three
years (2023-2025) and 1,000,000 sign-ups, each with its attendance (present 80 %, late 8 %,
no-show 12 %); each year's volunteers are a pool of 15,000 that moves on by 2,500 a year.

Prints the median of a few runs for the 2025 report's figures (the whole tenant and one
organisation; about a third of the records fall in the year, and new and lapsed volunteers
look at the years before), for the figures over all three years (every record), for the
XLSX and PDF exports of the yearly report (from the figures, and with them), and what the
reporting fact table's triggers add to writes (an attendance corrected, an event moved to
another organisation with its ~330 attendances).

Then what one attendance recorded costs with good statistics and with those a vacuum leaves
after a mass delete or a rolled-back import (reltuples 0 with pages: the planner takes every
table for one row), by migration 0002's join, by 0004's primary-key look-ups
(schema-qualified from TG_TABLE_SCHEMA through EXECUTE format) and by 0005's row
triggers (the same look-ups, one function per table, no transition table: they run on a
Citus worker), at 1,000,000 sign-ups and in tenants of 1,000, 10,000 and 100,000; and a bulk
insert of 100,000 attendances by each (0004 keeps the join above 200 rows, 0005 goes row by
row). The seed inserts its million attendances with the triggers off and fills the facts in
one statement, as an import would.
`bench/reports.py statistics` runs only these, without the million.
Target: figures under 1 s. These machines are noisy; compare within one run.
"""

import importlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _harness import run_in_own_database  # bench/ is the script's folder

# bench/billing.py is named as the billing app: from here on, look for modules elsewhere.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

VOLUNTEERS, ORGANISATIONS, CATEGORIES = 20_000, 50, 10
EVENTS, TASKS_PER_EVENT, SHIFTS, PER_SHIFT = 3_000, 3, 200_000, 5
RUNS = 5
TARGET_S = 1.0


def main() -> None:
    run_in_own_database(
        only_statistics if "statistics" in sys.argv[1:] else run, suffix="_reports_bench"
    )


def run() -> None:
    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    call_command("setup_platform", verbosity=0)
    tenant = provision("bench")
    with tenant_context(tenant):
        started = time.perf_counter()
        seed()
        print(f"seeded {describe()} in {time.perf_counter() - started:.1f} s")
        measure(tenant)
        single_insert_by_statistics("1,000,000 sign-ups")
    measure_statistics()


def only_statistics() -> None:
    """Only the fact triggers under wrong statistics (`bench/reports.py statistics`)."""
    from django.core.management import call_command

    call_command("setup_platform", verbosity=0)
    measure_statistics()


def provision(slug: str) -> Any:
    from tenants.services import tenant_provision

    return tenant_provision(
        slug=slug, name=f"{slug.title()} Kommune", admin_email=f"admin@{slug}.dk", admin_name="A"
    ).tenant


def seed(scale: int = 1) -> None:
    """The tenant's data; `scale` divides volunteers, events and shifts (1,000: 1,000 sign-ups)."""
    from django.db import connection, transaction

    volunteers, events, shifts = VOLUNTEERS // scale, EVENTS // scale or 1, SHIFTS // scale
    tasks = events * TASKS_PER_EVENT
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO accounts_user (password, email, full_name, is_active, is_superuser,
                is_staff, is_owner_admin, date_joined, phone, calendar_token, sign_in_links)
            SELECT '!', 'v' || n || '@bench.dk', 'Frivillig ' || n, true, false, false, false,
                   now(), '', gen_random_uuid(), 0
            FROM generate_series(1, %s) n
            """,
            [volunteers],
        )
        cursor.execute(
            """
            INSERT INTO organisations_organisation (name, kind, description, is_approved,
                contact_email, created_at)
            SELECT 'Forening ' || n, 'association', '', true, '', now()
            FROM generate_series(1, %s) n
            """,
            [ORGANISATIONS],
        )
        cursor.execute(
            "INSERT INTO shifts_category (name, slug) "
            "SELECT 'Kategori ' || n, 'kategori-' || n FROM generate_series(1, %s) n",
            [CATEGORIES],
        )
        # Ids from one INSERT follow each other, so the n-th row is the first id + n - 1:
        # joins on arithmetic instead of on row numbers, which the planner loops over.
        first = first_ids(cursor)
        # Event n runs through its slice of the three years; organisations and categories
        # take turns.
        cursor.execute(
            """
            INSERT INTO shifts_event (organisation_id, title, description, image, image_alt,
                category_id, location_name, address, postcode, area, starts_at, ends_at, visibility,
                secret_token, status, suitable_without_experience, contact_name,
                contact_email, contact_phone, created_at)
            SELECT %(org)s + n %% %(orgs)s, 'Arrangement ' || n, '', '', '',
                   %(category)s + n %% %(categories)s, '', '', '5800', 'Nyborg',
                   timestamptz '2023-01-01 08:00+01' + (n - 1) * interval '1095 days' / %(events)s,
                   timestamptz '2023-01-01 08:00+01' + n * interval '1095 days' / %(events)s,
                   'public', gen_random_uuid(), 'published', true, '', '', '', now()
            FROM generate_series(1, %(events)s) n
            """,
            {
                "events": events,
                "orgs": ORGANISATIONS,
                "categories": CATEGORIES,
                "org": first["organisations_organisation"],
                "category": first["shifts_category"],
            },
        )
        cursor.execute(
            """
            INSERT INTO shifts_task (event_id, title, description, meeting_point, skills,
                needs_child_check)
            SELECT e.id, 'Opgave ' || t, '', '', '', false
            FROM shifts_event e, generate_series(1, %s) t
            ORDER BY e.starts_at, t
            """,
            [TASKS_PER_EVENT],
        )
        # Shift n belongs to task n * tasks / shifts (in time order); one in fifty is cancelled.
        cursor.execute(
            """
            INSERT INTO shifts_shift (task_id, starts_at, ends_at, capacity, waitlist_policy,
                offer_hours, is_cancelled, confirmed_count, offered_count, waitlist_count)
            SELECT t.id, s.starts_at, s.starts_at + interval '3 hours', %(per)s + 1, 'promote',
                   12, s.n %% 50 = 0, %(per)s, 0, 0
            FROM (
                SELECT n, %(task)s + ((n - 1) * %(tasks)s) / %(shifts)s AS task_id,
                       timestamptz '2023-01-01 06:00+01'
                          + (n - 1) * interval '1095 days' / %(shifts)s
                          + (n %% 12) * interval '1 hour' AS starts_at
                FROM generate_series(1, %(shifts)s) n
            ) s
            JOIN shifts_task t ON t.id = s.task_id
            """,
            {
                "per": PER_SHIFT,
                "shifts": shifts,
                "tasks": tasks,
                "task": first_ids(cursor)["shifts_task"],
            },
        )
        # Five different people per shift, from a pool of three quarters of the volunteers
        # that moves on by an eighth each year: some stop, some start (lapsed and new).
        cursor.execute(
            """
            INSERT INTO shifts_signup (shift_id, user_id, status, created_at, confirmed_at,
                reason, is_late, over_workload)
            SELECT sh.id,
                   %(user)s + (sh.id * 37 + j * 101) %% %(pool)s
                   + (extract(year FROM sh.starts_at)::int - 2023) * %(step)s, 'confirmed',
                   sh.starts_at - interval '10 days', sh.starts_at - interval '10 days', '',
                   false, false
            FROM shifts_shift sh
            CROSS JOIN generate_series(0, %(per)s - 1) j
            """,
            {
                "per": PER_SHIFT,
                "pool": volunteers * 3 // 4,
                "step": volunteers // 8,
                "user": first["accounts_user"],
            },
        )
        # As an import would: the fact triggers off (since 0005 they work row by row), then
        # the facts in one statement, as migration 0002 filled them.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            """
            INSERT INTO attendance_attendance (signup_id, status, checked_in_at, checked_out_at,
                hours, correction_reason, updated_at)
            SELECT su.id, st.status, sh.starts_at, sh.ends_at,
                   CASE WHEN st.status = 'no_show' THEN 0 ELSE 1.5 + (su.id % 5) END,
                   '', sh.ends_at
            FROM shifts_signup su
            JOIN shifts_shift sh ON sh.id = su.shift_id
            CROSS JOIN LATERAL (
                SELECT CASE WHEN su.id % 100 < 80 THEN 'present'
                            WHEN su.id % 100 < 88 THEN 'late'
                            ELSE 'no_show' END AS status
            ) st
            """
        )
        cursor.execute("RESET session_replication_role")
        cursor.execute(
            """
            INSERT INTO reports_attendance_fact
            SELECT a.id, su.user_id, sh.starts_at, e.id, e.organisation_id, e.category_id,
                   a.status IN ('present', 'late'), (a.hours * 100)::integer
            FROM attendance_attendance a
            JOIN shifts_signup su ON su.id = a.signup_id
            JOIN shifts_shift sh ON sh.id = su.shift_id
            JOIN shifts_task t ON t.id = sh.task_id
            JOIN shifts_event e ON e.id = t.event_id
            ON CONFLICT DO NOTHING
            """
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have by the time data is this big


def first_ids(cursor: Any) -> dict[str, int]:
    """The first id of each seeded table (the bench's rows come after the tenant's own)."""
    first = {}
    for table, where in (
        ("accounts_user", "WHERE email LIKE 'v%@bench.dk'"),
        ("organisations_organisation", "WHERE name LIKE 'Forening %'"),
        ("shifts_category", "WHERE slug LIKE 'kategori-%'"),
        ("shifts_task", ""),
    ):
        cursor.execute(f"SELECT coalesce(min(id), 0) FROM {table} {where}")
        first[table] = cursor.fetchone()[0]
    return first


def describe() -> str:
    from apps.attendance.models import Attendance
    from apps.shifts.models import Event, Shift, SignUp

    counts = [m.objects.count() for m in (Event, Shift, SignUp, Attendance)]
    return "{:,} events, {:,} shifts, {:,} sign-ups, {:,} attendances".format(*counts)


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    run()  # warm the caches once, as a busy server would have them
    times, result = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(tenant: Any) -> None:
    from apps.organisations.models import Organisation
    from apps.reports.exports import report_xlsx
    from apps.reports.figures import Period
    from apps.reports.pdf import report_pdf
    from apps.reports.selectors import report

    year = Period.year(2025)
    everything = Period(Period.year(2023).start, year.end)
    organisation = Organisation.objects.order_by("pk").first()
    assert organisation is not None
    print(
        f"median of {RUNS} runs after one to warm up "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):"
    )
    seconds, figures = timed(lambda: report(period=year, organisation_id=None))
    totals = figures["totals"]
    line("figures, 2025, whole tenant", seconds, target=True)
    print(
        f"    {totals['attended']:,} attended shifts, {totals['hours']:,} hours, "
        f"{totals['active']:,} active / {totals['new']:,} new / {totals['lapsed']:,} lapsed, "
        f"{len(figures['events']):,} events, {len(figures['volunteers']):,} volunteers"
    )
    seconds, _ = timed(lambda: report(period=year, organisation_id=organisation.pk))
    line("figures, 2025, one organisation", seconds, target=True)
    seconds, figures_all = timed(lambda: report(period=everything, organisation_id=None))
    line(f"figures, 2023-2025 ({figures_all['totals']['attended']:,} attended)", seconds)
    seconds, _ = timed(lambda: report_xlsx(figures))
    line("XLSX export (from the figures)", seconds)
    seconds, body = timed(lambda: report_xlsx(report(period=year, organisation_id=None)))
    line(f"XLSX export with figures ({len(body) // 1024:,} kB)", seconds)
    seconds, body = timed(
        lambda: report_pdf(
            report(period=year, organisation_id=None),
            tenant=tenant,
            scope_name="Alle organisationer",
        )
    )
    line(f"PDF report with figures ({len(body) // 1024:,} kB)", seconds)
    measure_writes()


def measure_writes() -> None:
    """What the fact table's triggers cost a write, against the same write without them."""
    from django.db import connection, transaction

    from apps.attendance.models import Attendance
    from apps.organisations.models import Organisation
    from apps.shifts.models import Event

    attendance = Attendance.objects.order_by("pk").first()
    event = Event.objects.order_by("pk").first()
    assert attendance is not None and event is not None
    other = Organisation.objects.exclude(pk=event.organisation_id).values_list("pk", flat=True)[0]

    def correct() -> None:
        with transaction.atomic():
            Attendance.objects.filter(pk=attendance.pk).update(status="late")
            transaction.set_rollback(True)

    def move() -> None:
        with transaction.atomic():
            Event.objects.filter(pk=event.pk).update(organisation_id=other)
            transaction.set_rollback(True)

    for label, write in (("attendance corrected", correct), ("event moved", move)):
        with_triggers, _ = timed(write)
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")  # triggers off
        try:
            without, _ = timed(write)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
        print(
            f"  {'fact triggers: ' + label:<48} {with_triggers * 1000:8.1f} ms  "
            f"({without * 1000:.1f} ms without)"
        )


# What a vacuum after a mass delete or a rolled-back import leaves: no rows, but pages.
FORGET_STATISTICS = """
UPDATE pg_class SET reltuples = 0,
    relpages = greatest(pg_relation_size(oid) / current_setting('block_size')::int, 1)
WHERE oid = ANY(%(tables)s::regclass[])
   OR oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = ANY(%(tables)s::regclass[]))
"""
FACT_TABLES = [
    "shifts_event",
    "shifts_task",
    "shifts_shift",
    "shifts_signup",
    "attendance_attendance",
    "reports_attendance_fact",
]
GIVE_UP_S = 10


def measure_statistics() -> None:
    """One attendance recorded, with good statistics and with those a vacuum leaves after a
    mass delete, by 0002's join, 0004's schema-qualified look-ups and 0005's row triggers
    (EXECUTE format); and a bulk insert by each."""
    from django_tenants.utils import tenant_context

    print(
        "fact trigger, one attendance recorded: 0002 join / 0004 EXECUTE / 0005 row trigger "
        f"(median of {RUNS}; load average {os.getloadavg()[0]:.1f}):"
    )
    for scale in (1000, 100, 10):
        with tenant_context(provision(f"stat{scale}")):
            seed(scale)
            single_insert_by_statistics(f"{1_000_000 // scale:,} sign-ups")
            if scale == 10:
                bulk_insert()


def single_insert_by_statistics(size: str) -> None:
    for state in ("good", "bad"):
        old = one_insert(version="0002", bad=state == "bad")
        before = one_insert(version="0004", bad=state == "bad")
        new = one_insert(version="0005", bad=state == "bad")
        assert new is not None and before is not None, "the look-ups gave up"
        shown = f"> {GIVE_UP_S} s (cancelled)" if old is None else f"{old * 1000:8.2f} ms"
        ratio = f"{GIVE_UP_S / new:,.0f}+" if old is None else f"{old / new:,.1f}"
        print(
            f"  {size + ', ' + state + ' statistics':<40} {shown} / {before * 1000:6.2f} ms"
            f" / {new * 1000:6.2f} ms  (0002/0005 x{ratio}, 0005/0004 x{new / before:,.1f})"
        )


# Each migration's REVERSE puts the one before it back; applied in order, newest first.
UNDO = [
    "apps.reports.migrations.0005_fact_row_triggers_per_table",
    "apps.reports.migrations.0004_fact_triggers_by_trigger_schema",
    "apps.reports.migrations.0003_fact_triggers_by_primary_key",
]


def old_functions(version: str = "0002") -> str:
    """The triggers and functions of an earlier migration (0002, 0003, 0004), as reversing
    the later ones puts them back; "" for the current ones (0005)."""
    steps = {"0005": 0, "0004": 1, "0003": 2, "0002": 3}[version]
    return "".join(importlib.import_module(module).REVERSE for module in UNDO[:steps])


def one_insert(*, version: str, bad: bool) -> float | None:
    """The median time of one attendance INSERT (with its trigger), each in a transaction
    rolled back; the trigger's plans are made by one insert before the one timed."""
    from django.db import connection, transaction
    from django.db.utils import OperationalError

    times = []
    for run in range(RUNS):
        with transaction.atomic(), connection.cursor() as cursor:
            if old_functions(version):
                cursor.execute(old_functions(version))
            cursor.execute(
                "SELECT signup_id FROM attendance_attendance ORDER BY id LIMIT 2 OFFSET %s",
                [run * 2],
            )
            warm, timed_one = (row[0] for row in cursor.fetchall())
            cursor.execute(
                "DELETE FROM attendance_attendance WHERE signup_id IN (%s, %s)", [warm, timed_one]
            )
            if bad:
                cursor.execute(FORGET_STATISTICS, {"tables": FACT_TABLES})
            cursor.execute(f"SET LOCAL statement_timeout = '{GIVE_UP_S}s'")
            insert = (
                "INSERT INTO attendance_attendance (signup_id, status, hours, correction_reason,"
                " updated_at) VALUES (%s, 'present', 2.5, '', now())"
            )
            try:
                cursor.execute(insert, [warm])
                started = time.perf_counter()
                cursor.execute(insert, [timed_one])
                times.append(time.perf_counter() - started)
            except OperationalError:  # the statement timeout
                return None
            finally:
                transaction.set_rollback(True)
    return statistics.median(times)


def bulk_insert() -> None:
    """All attendances again in one statement, by 0002's join, 0004's (the join above 200
    rows) and 0005's row triggers."""
    from django.db import connection, transaction

    for label, version in (("0002 join", "0002"), ("0004", "0004"), ("0005 rows", "0005")):
        times = []
        for _ in range(3):
            with transaction.atomic(), connection.cursor() as cursor:
                if old_functions(version):
                    cursor.execute(old_functions(version))
                cursor.execute(
                    "CREATE TEMPORARY TABLE kept ON COMMIT DROP AS "
                    "SELECT * FROM attendance_attendance"
                )
                cursor.execute("TRUNCATE attendance_attendance")
                started = time.perf_counter()
                cursor.execute("INSERT INTO attendance_attendance SELECT * FROM kept")
                rows = cursor.rowcount
                times.append(time.perf_counter() - started)
                transaction.set_rollback(True)
        print(
            f"  {f'bulk insert of {rows:,} attendances, {label}':<48} "
            f"{statistics.median(times) * 1000:8.0f} ms"
        )


def line(label: str, seconds: float, *, target: bool = False) -> None:
    verdict = ""
    if target:
        verdict = "ok" if seconds < TARGET_S else f"MISSES the {TARGET_S:.0f} s target"
    print(f"  {label:<48} {seconds * 1000:8.0f} ms  {verdict}")


if __name__ == "__main__":
    main()
