"""Provisioning benchmark: the median time to provision a tenant with 10, 100 and 1,000
tenants present (goal: under 1 s at 1,000).

    python -m config.devstack bench bench/provision.py [N] [COUNTS] [--clone]

N provisionings are timed at each count (default 5), through `tenant_provision`, as the
console's task runs it: the template script, the rows, the first admin and the legal pages,
one transaction, a fresh connection each time. COUNTS defaults to 10,100,1000.

The tenants in between are seeded fast, and empty (as most tenants of a big installation
are): the same template script, sent as one multi-statement query, with the tenant and
domain rows, one transaction per tenant (each makes ~600 relations; more per transaction
would need a bigger `max_locks_per_transaction`), without the first admin's rows, on two
connections at once. With
`--clone`, django-tenants' `clone_schema` is timed too at each count, for comparison (at
1,000 tenants it takes 14-40 s a tenant: slow).

Runs in a database of its own (`<name>_bench`, dropped at the end) on DATABASE_URL's server.
These machines are noisy: the load average is printed with each figure, and the CPU time
provisioning used (this process and its PostgreSQL backend): on an idle machine the wall
clock comes close to it; on a loaded one the wall clock also counts the wait for a core.
"""

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

from _harness import run_in_own_database  # bench/ is the script's folder

ARGS = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
N = int(ARGS[0]) if ARGS else 5
COUNTS = [int(c) for c in ARGS[1].split(",")] if len(ARGS) > 1 else [10, 100, 1000]
CLONE = "--clone" in sys.argv


def main() -> None:
    run_in_own_database(run)


def run() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("setup_platform", verbosity=0)
    print(f"setup_platform (migrate, render the template script): {_since(started)}")
    for count in COUNTS:
        seeded, seconds = seed_up_to(count - N)
        if seeded:
            print(
                f"  seeded {seeded} empty tenants in {seconds:.1f} s "
                f"({seconds / seeded:.2f} s each)"
            )
        times, cpu = provision_times(N, f"at{count}_")
        print(
            f"provision with {tenant_count()} tenants: median {statistics.median(times):.3f} s, "
            f"max {max(times):.3f} s; CPU (Python + backend) median "
            f"{statistics.median(cpu):.3f} s (n={N}; load {_load()})"
        )
        if CLONE:
            clones = clone_times(2, f"cl{count}_")
            print(
                f"  clone_schema alone at the same count: median "
                f"{statistics.median(clones):.3f} s (n=2; load {_load()})"
            )


def provision_times(count: int, prefix: str) -> tuple[list[float], list[float]]:
    """Wall-clock seconds of each provisioning, and the CPU seconds it cost (this process
    and its database backend, read from /proc when the server runs on this machine): on a
    machine shared with other work the wall clock measures the queue for the cores, the CPU
    time what provisioning itself needs."""
    from django.db import connection

    from tenants.services import tenant_provision

    times, cpu = [], []
    for _ in range(count):
        # A fresh connection each time, as the worker's task would have after a while: a
        # backend's catalogue caches grow with the schemas it touched.
        connection.close()
        connection.ensure_connection()
        backend = _backend_cpu_reader()
        slug = f"{prefix}{uuid.uuid4().hex[:8]}"
        email = f"a@{slug.replace('_', '')}.dk"
        started, started_cpu, started_backend = time.perf_counter(), time.process_time(), backend()
        tenant_provision(slug=slug, name=slug, admin_email=email, admin_name="Bench")
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu + backend() - started_backend)
    return times, cpu


def _backend_cpu_reader():
    """A function returning the CPU seconds the connection's backend has used so far (0.0
    when its process cannot be read: a server on another machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return 0.0
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    return read


def seed_up_to(total: int) -> tuple[int, float]:
    """Empty tenants until `total` exist: the template script and the two rows each, on
    SEEDERS connections at once."""
    from concurrent.futures import ThreadPoolExecutor

    missing = max(total - tenant_count(), 0)
    started = time.perf_counter()
    shares = [missing // SEEDERS + (1 if i < missing % SEEDERS else 0) for i in range(SEEDERS)]
    with ThreadPoolExecutor(SEEDERS) as pool:
        list(pool.map(_seed, shares))
    return missing, time.perf_counter() - started


SEEDERS = 2  # this machine's cores


def _seed(count: int) -> None:
    from django.db import connection, transaction

    from tenants import template_script
    from tenants.models import Domain, Tenant

    script = template_script.current_script()
    started = time.perf_counter()
    try:
        for i in range(count):
            slug = f"seed{uuid.uuid4().hex[:10]}"
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL check_function_bodies = false")
                cursor.execute(f'CREATE SCHEMA "{slug}"')
                cursor.execute(";\n".join(script.for_schema(slug)))
                tenant = Tenant(schema_name=slug, name=f"Kommune {slug}", status="active")
                tenant.save()  # the row only (Tenant.auto_create_schema is off)
                Domain.objects.create(tenant=tenant, domain=f"{slug}.localhost", is_primary=True)
            if (i + 1) % 100 == 0:
                connection.close()  # keep the backend's catalogue cache small
                print(
                    f"    {i + 1}/{count} seeded by one connection "
                    f"({time.perf_counter() - started:.0f} s, load {_load()})",
                    flush=True,
                )
    finally:
        connection.close()


def clone_times(count: int, prefix: str) -> list[float]:
    """django-tenants' clone_schema, as provisioning did before the template script (the
    schema alone: no rows, no admin), dropped again so that counts stay as they were."""
    from django.conf import settings
    from django.db import connection
    from django_tenants.clone import CloneSchema

    times = []
    for _ in range(count):
        connection.close()
        slug = f"{prefix}{uuid.uuid4().hex[:8]}"
        started = time.perf_counter()
        CloneSchema().clone_schema(settings.TENANT_BASE_SCHEMA, slug, "DATA")
        times.append(time.perf_counter() - started)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{slug}" CASCADE')
    return times


def tenant_count() -> int:
    from tenants.models import Tenant

    return Tenant.objects.exclude(schema_name="public").exclude(is_template=True).count()


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"


if __name__ == "__main__":
    main()
