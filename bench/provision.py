"""Provisioning benchmark: clone vs migrate, and migrate_schemas over many tenants.

    make bench                      # or: python bench/provision.py [N] [TENANTS]

Runs in a database of its own (`<name>_bench`, dropped at the end) on DATABASE_URL's server.
Prints medians and ratios; these machines are noisy, so compare within one run.
"""

import os
import statistics
import sys
import time
import uuid

from _harness import run_in_own_database  # bench/ is the script's folder

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5
TENANTS = int(sys.argv[2]) if len(sys.argv) > 2 else 100


def provision_times(count: int, prefix: str) -> list[float]:
    from django.db import connection

    from tenants.services import tenant_provision

    times = []
    for i in range(count):
        # A fresh connection each time, as a console request has (CONN_MAX_AGE=0): a backend
        # that has itself created many schemas carries big catalogue caches and clones slower.
        connection.close()
        slug = f"{prefix}{i}_{uuid.uuid4().hex[:6]}"
        started = time.perf_counter()
        tenant_provision(
            slug=slug,
            name=slug,
            admin_email=f"a@{slug.replace('_', '')}.dk",
            admin_name="Bench Admin",
        )
        times.append(time.perf_counter() - started)
    return times


def migrate_seconds(executor: str) -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0, executor=executor)
    return time.perf_counter() - started


def main() -> None:
    run_in_own_database(run)


def run() -> None:
    from django.conf import settings
    from django.core.management import call_command

    call_command("setup_platform", verbosity=0)
    clone = provision_times(N, "clone")
    settings.TENANT_CREATION_FAKES_MIGRATIONS = False  # django-tenants' migrate path
    migrate = provision_times(N, "migr")
    settings.TENANT_CREATION_FAKES_MIGRATIONS = True
    print(f"provision by clone:    median {statistics.median(clone):.3f} s  (n={N})")
    print(f"provision by migrate:  median {statistics.median(migrate):.3f} s  (n={N})")
    print(f"migrate / clone ratio: {statistics.median(migrate) / statistics.median(clone):.2f}")
    existing = 2 * N + 1  # the tenants above and the template
    provision_times(max(0, TENANTS - existing - N), "many")
    crowded = provision_times(N, "late")
    print(
        f"provision by clone with {max(TENANTS, existing)} tenants present: "
        f"median {statistics.median(crowded):.3f} s  (n={N})"
    )
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.runctx(
            "provision_times(1, 'prof')",
            globals(),
            {"provision_times": provision_times},
            sort="cumulative",
        )
    for executor in ("standard", "multiprocessing"):
        seconds = migrate_seconds(executor)
        print(
            f"migrate_schemas ({executor}), nothing to apply, {max(TENANTS, existing)} "
            f"schemas: {seconds:.1f} s, {seconds / max(TENANTS, existing):.3f} s per tenant"
        )


if __name__ == "__main__":
    main()
