"""Billing benchmark: a month's metering over 200 tenants with realistic data, and invoices.

    python -m config.devstack bench bench/billing_fleet.py [TENANTS]

Runs in a database of its own (`<name>_billing_bench`, dropped at the end) on DATABASE_URL's
server. One tenant is provisioned and seeded in SQL like bench/reports.py's at 1/40 of its
size (500 volunteers, 75 events, 5,000 shifts and 25,000 sign-ups with attendance over
2023-2025, about 700 a month), plus 600 memberships (a third ended over the years) and
12,000 SMS deliveries spread over the three years.

The other tenants are copies of it, made fast: provisioning 200 tenants one by one through
`clone_schema` takes tens of minutes here (its cost grows with the catalogue). Instead the
seeded schema's DDL (`pg_dump --schema-only`, renamed) is run for each copy, its rows are
copied table by table with INSERT ... SELECT, the sequences are set, and the public rows
(tenant, domain, subscription) are bulk-inserted.

Prints, for June 2025: the monthly metering per tenant (median, p95, total over every
tenant, as Celery's per-tenant tasks run it), the same rerun (it must change nothing), one
tenant's figures against the test suite's slow reference; then per invoice the issuing
(lines, gapless number), the Peppol document, and its validation (UBL XSD + the official
Schematron rules). Compare within one run; these machines are noisy.
"""

import os
import re
import statistics
import sys
import time
from datetime import date
from typing import Any

from _harness import run_in_own_database  # bench/ is the script's folder
from reports import seed  # the same shape of tenant as the reports benchmark

TENANTS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
SCALE = 40
MONTH = date(2025, 6, 1)
SEED = "billseed"
INVOICES = 50  # invoices issued, built and validated one by one


def main() -> None:
    run_in_own_database(run, suffix="_billing_bench")


def run() -> None:
    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    from tenants.services import tenant_provision

    call_command("setup_platform", verbosity=0)
    first = tenant_provision(
        slug=SEED, name="Billseed Kommune", admin_email="admin@billseed.dk", admin_name="A"
    ).tenant
    started = time.perf_counter()
    with tenant_context(first):
        seed(SCALE)
        seed_members_and_sms()
    print(f"seeded one tenant in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    tenants = [first, *copies(first, TENANTS - 1)]
    spent = time.perf_counter() - started
    print(f"copied it {TENANTS - 1} times in {spent:.1f} s ({spent / (TENANTS - 1):.2f} s each)")
    subscribe(tenants)
    meter(tenants)
    invoices(tenants[:INVOICES])


def seed_members_and_sms() -> None:
    """Memberships (some ended) and sent SMS with 1-3 segments, over the seeded years."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO members_membership (user_id, organisation_id, status, started_on,
                ended_on, contact_person_id)
            SELECT u.id, o.id, CASE WHEN n % 3 = 0 THEN 'ended' ELSE 'active' END,
                   date '2023-01-01' + (n * 7) % 1000,
                   CASE WHEN n % 3 = 0 THEN date '2023-01-01' + (n * 7) % 1000 + 200 END, NULL
            FROM generate_series(1, 600) n
            JOIN LATERAL (SELECT id FROM accounts_user ORDER BY id OFFSET n % 500 LIMIT 1) u
              ON true
            JOIN LATERAL (SELECT id FROM organisations_organisation ORDER BY id
                          OFFSET n % 50 LIMIT 1) o ON true
            ON CONFLICT DO NOTHING
            """
        )
        # One reminder a month for three years, each by SMS to 333 people (one a person).
        cursor.execute(
            """
            INSERT INTO messaging_message (kind, organisation_id, params, subject, body_markdown,
                audience_kind, audience_id, status, created_at)
            SELECT 'info', o.first, '{}', 'Husk vagten ' || m, 'Husk vagten', 'organisation',
                   o.first, 'sent', now()
            FROM generate_series(0, 35) m, (SELECT min(id) AS first
                                            FROM organisations_organisation) o
            """
        )
        cursor.execute(
            """
            INSERT INTO messaging_delivery (message_id, user_id, channel, address, status,
                attempts, last_error, sent_at, provider_id, segments)
            SELECT msg.id, u.first + p, 'sms', '+4512345678', 'sent', 1, '',
                   timestamptz '2023-01-01 09:00+01'
                   + (msg.id - msg.first) * interval '1 month' + p * interval '2 hours', '',
                   1 + p % 3
            FROM (SELECT id, min(id) OVER () AS first FROM messaging_message) msg,
                 (SELECT min(id) AS first FROM accounts_user WHERE email LIKE 'v%%') u,
                 generate_series(0, 332) p
            """
        )
        cursor.execute("ANALYZE")


def copies(source: Any, count: int) -> list[Any]:
    """`count` tenants with the source's schema and rows, made without clone_schema."""
    from django.db import connection

    from tenants import pgtools
    from tenants.models import Domain, Tenant

    ddl = pgtools.run([str(pgtools.tool("pg_dump")), "--schema-only", "--no-owner", "-n", SEED])
    # Not psql's meta-commands, nor the dump's empty search_path (the connection goes on).
    ddl = "\n".join(
        line
        for line in ddl.splitlines()
        if not line.startswith("\\") and "set_config('search_path'" not in line
    )
    tables = table_order(source.schema_name)
    made, ddl_seconds = [], []
    for i in range(1, count + 1):
        name = f"bill{i:04d}"
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(re.sub(rf"\b{SEED}\b", name, ddl))
            ddl_seconds.append(time.perf_counter() - started)
            cursor.execute("SET session_replication_role = replica")  # no FK checks, triggers
            for table in tables:
                cursor.execute(f'INSERT INTO {name}."{table}" SELECT * FROM {SEED}."{table}"')
            cursor.execute("SET session_replication_role = DEFAULT")
            set_sequences(cursor, name)
        made.append(Tenant(schema_name=name, name=f"Kommune {i}", status="active"))
    Tenant.objects.bulk_create(made)  # bulk_create never calls save(): no schema created
    Domain.objects.bulk_create(
        Domain(tenant=t, domain=f"{t.schema_name}.localhost", is_primary=True) for t in made
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  of which the schema's DDL: median {statistics.median(ddl_seconds):.2f} s")
    return made


def table_order(schema: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema]
        )
        return [row[0] for row in cursor.fetchall()]


def set_sequences(cursor: Any, schema: str) -> None:
    """Each copied identity/serial column's sequence continues after the copied rows."""
    cursor.execute(
        """
        SELECT c.relname, a.attname, pg_get_serial_sequence(quote_ident(n.nspname) || '.' ||
               quote_ident(c.relname), a.attname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = %s AND c.relkind = 'r'
          AND pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname),
                                     a.attname) IS NOT NULL
        """,
        [schema],
    )
    for table, column, sequence in cursor.fetchall():
        cursor.execute(
            f'SELECT setval(%s, coalesce((SELECT max("{column}") FROM {schema}."{table}"), 0)'
            " + 1, false)",
            [sequence],
        )


def subscribe(tenants: list[Any]) -> None:
    """Every tenant on one monthly plan, paying by EAN, from the start of 2025."""
    from billing.models import Plan, Subscription

    plan = Plan.objects.create(
        name="Kommune",
        kind="municipality",
        period="monthly",
        base_price=1_500_000,
        included_volunteers=100,
        block_size=50,
        block_price=50_000,
        sms_segment_price=35,
    )
    Subscription.objects.bulk_create(
        Subscription(
            tenant=tenant,
            plan=plan,
            status="active",
            current_period_start=date(2025, 1, 1),
            current_period_end=date(2025, 1, 31),
            next_invoice_on=date(2025, 7, 1),
            payment_method="ean",
            ean="5798000000001",
            order_reference="PO-1",
            contact_person="Økonomi",
        )
        for tenant in tenants
    )


def meter(tenants: list[Any]) -> None:
    from django_tenants.utils import tenant_context

    from billing.models import UsageMonth
    from billing.services import usage_record

    def once() -> list[float]:
        times = []
        for tenant in tenants:
            with tenant_context(tenant):  # as the per-tenant task runs: in its schema
                started = time.perf_counter()
                usage_record(tenant=tenant, month=MONTH)
                times.append(time.perf_counter() - started)
        return times

    first = once()
    figures = sorted(UsageMonth.objects.values_list("tenant_id", "active_volunteers"))
    again = once()
    unchanged = figures == sorted(UsageMonth.objects.values_list("tenant_id", "active_volunteers"))
    rows = UsageMonth.objects.filter(month=MONTH).count()
    row = UsageMonth.objects.get(tenant=tenants[-1], month=MONTH)
    print(
        f"metering {MONTH:%B %Y} over {len(tenants)} tenants "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):"
    )
    for label, times in (("first run", first), ("rerun", again)):
        print(
            f"  {label}: median {statistics.median(times) * 1000:.1f} ms per tenant, "
            f"p95 {quantile(times, 0.95) * 1000:.1f} ms, total {sum(times):.1f} s"
        )
    print(
        f"  {rows} rows for {len(tenants)} tenants; rerun changed nothing: {unchanged}; "
        f"one tenant: {row.active_volunteers} active volunteers, {row.sms_segments} segments"
    )
    compare_with_reference(tenants[-1], row)


def compare_with_reference(tenant: Any, row: Any) -> None:
    """The test suite's slow reference (every row read into Python) on one tenant."""
    try:
        from tests.billing.test_usage import reference
    except ImportError:  # bench run outside a checkout with its tests
        return
    started = time.perf_counter()
    expected = reference(tenant, MONTH)
    spent = time.perf_counter() - started
    same = expected == (row.active_volunteers, row.sms_segments)
    print(f"  slow reference: {expected}, same: {same}, took {spent:.1f} s")
    if not same:
        raise SystemExit("metering disagrees with the reference")


def invoices(tenants: list[Any]) -> None:
    from billing import validation
    from billing.einvoice import invoice_document
    from billing.peppol import invoice_xml
    from billing.services import invoice_issue

    started = time.perf_counter()
    validation.warm_up()
    print(f"Peppol rules compiled in {time.perf_counter() - started:.2f} s")
    issue, build, check = [], [], []
    for tenant in tenants:
        started = time.perf_counter()
        invoice = invoice_issue(tenant=tenant, month=MONTH)
        issue.append(time.perf_counter() - started)
        started = time.perf_counter()
        xml = invoice_xml(invoice_document(invoice))
        build.append(time.perf_counter() - started)
        started = time.perf_counter()
        failures = validation.fatal(validation.validate(xml))
        check.append(time.perf_counter() - started)
        if failures:
            raise SystemExit(f"invoice {invoice.number} is invalid: {failures[:3]}")
    print(f"{len(tenants)} invoices (median, p95 per invoice):")
    for label, times in (
        ("issue (usage, lines, number)", issue),
        ("Peppol UBL document", build),
        ("validation (XSD + Schematron)", check),
    ):
        print(
            f"  {label}: {statistics.median(times) * 1000:.1f} ms, "
            f"p95 {quantile(times, 0.95) * 1000:.1f} ms"
        )
    print(f"  gross of the last: {invoice.gross_total / 100:,.2f} DKK, every one valid")


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


if __name__ == "__main__":
    main()
