"""What a tenant's requests cost on one PostgreSQL and on Citus, in one tenant that exists.

    DATABASE_URL=postgres://…/db python bench/citus.py SCHEMA      (plain PostgreSQL)
    DATABASE_URL=postgres://…:5440/tovholder_test python bench/citus.py kommune03  (Citus)

Uses the database as it is (a Citus test database has its tenants from `make citus-test`;
a plain one from `make run` or the test suite's kept database) and removes its own rows at
the end. Prints the median of one sign-up (shift_sign_up, its own transaction, with its
query count), of one primary-key read of a tenant table and of `SELECT 1` (the difference
is the hop from the coordinator to the worker on Citus), and, on Citus, what each node
holds: the tenant's tables as shards on one worker, their empty definitions everywhere.
docs/scaling.md has the figures. These machines are noisy: compare within one run.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

# bench/billing.py would shadow the billing app: this folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Tasks go to REDIS_URL's broker as in production (nobody runs them here): a sign-up's cost
# is its own transaction, not the mail it schedules.
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ.setdefault("LOG_LEVEL", "WARNING")

PEOPLE, READS = 60, 300


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from apps.accounts.models import User
    from apps.audit.models import AuditEvent
    from apps.organisations.models import Organisation
    from apps.shifts.models import Event, Shift, SignUp, Task
    from apps.shifts.services.signups import shift_sign_up
    from tenants.models import Tenant

    tenant = Tenant.objects.get(schema_name=sys.argv[1])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_extension WHERE extname = 'citus'")
        citus = cursor.fetchone()[0] == 1
    print(
        f"{'Citus' if citus else 'plain PostgreSQL'}, tenant {tenant.schema_name}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    with tenant_context(tenant):
        start = timezone.now() + timedelta(days=4)
        club = Organisation.objects.create(name="Bench FC", is_approved=True)
        event = Event.objects.create(
            organisation=club,
            title="Bench",
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            status="published",
        )
        shift = Shift.objects.create(
            task=Task.objects.create(event=event, title="Bench"),
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=PEOPLE,
        )
        people = [User.objects.create_user(f"bench{i}@example.dk") for i in range(PEOPLE)]
        try:
            took, queries = [], []
            for person in people:
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    shift_sign_up(shift_id=shift.pk, user=person)
                    took.append(time.perf_counter() - began)
                queries.append(len(captured))
            line(f"sign-up ({statistics.median(queries)} queries)", took[5:])
            with connection.cursor() as cursor:
                read = timed(cursor, "SELECT id FROM shifts_shift WHERE id = %s", [shift.pk])
                local = timed(cursor, "SELECT 1", None)
            line("primary-key read of a tenant table", read)
            line("SELECT 1", local)
            print(
                f"  {'per-query hop (difference)':<44} "
                f"{(statistics.median(read) - statistics.median(local)) * 1000:7.2f} ms"
            )
            if citus:
                nodes(tenant.schema_name)
        finally:
            AuditEvent.objects.filter(target_type="shifts.SignUp").delete()
            SignUp.objects.filter(shift=shift).delete()
            event.delete()
            club.delete()
            User.objects.filter(email__startswith="bench").delete()


def timed(cursor, sql: str, params) -> list[float]:
    took = []
    for _ in range(READS):
        began = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        took.append(time.perf_counter() - began)
    return took[10:]


def line(label: str, seconds: list[float]) -> None:
    print(f"  {label:<44} {statistics.median(seconds) * 1000:7.2f} ms")


def nodes(schema: str) -> None:
    import psycopg
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nodename, nodeport FROM pg_dist_node WHERE isactive ORDER BY nodeport"
        )
        found = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM citus_schemas")
        tenants = cursor.fetchone()[0]
    db = connection.settings_dict
    print(f"  what each node holds ({tenants} distributed schemas):")
    for host, port in found:
        with psycopg.connect(host=host, port=port, user=db["USER"], dbname=db["NAME"]) as conn:
            conn.execute("SET citus.override_table_visibility = off")  # shards in pg_class
            row = conn.execute(
                """
                SELECT count(*) FILTER (WHERE c.relname !~ '_[0-9]+$'),
                       count(*) FILTER (WHERE c.relname ~ '_[0-9]+$'),
                       pg_database_size(current_database()),
                       (SELECT sum(pg_total_relation_size(oid)) FROM pg_class
                        WHERE relnamespace = 'pg_catalog'::regnamespace)
                FROM pg_class c WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r'
                """,
                [schema],
            ).fetchone()
        assert row is not None
        tables, shards, size, catalogue = row
        print(
            f"    {host}:{port}  {schema}: {tables} table definitions, {shards} shards; "
            f"database {size / 2**20:.0f} MB, catalogue {catalogue / 2**20:.0f} MB"
        )


if __name__ == "__main__":
    main()
