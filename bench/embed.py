"""Embedding benchmark: the embed page, its JSON feed and oEmbed on a big tenant.

    python -m config.devstack bench bench/embed.py

Runs in a database of its own (`<name>_embedbench`, dropped at the end). Seeds one tenant
as bench/marketplace.py does (1,000 events, 5,000 tasks, 20,000 shifts; no sign-ups, which
the list does not read beyond the shifts' counters), lists two sites for embedding, and
prints median and p95 server time (Django's test client: the whole middleware and view
stack) and the queries per request, all opportunities and one organisation's. Target: p95
under 100 ms. These machines are noisy; compare within one run.
"""

import os
import time

from _harness import run_in_own_database  # bench/ is the script's folder
from marketplace import (  # the same seed as the marketplace's benchmark
    REQUESTS,
    WARM_UP,
    get_ok,
    page_times,
    report,
    seed_events,
    seed_shifts,
    seed_tasks,
    timezone_now,
)


def main() -> None:
    run_in_own_database(run, suffix="_embedbench")


def run() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import tenant_context

    from tenants.models import Tenant
    from tenants.services import tenant_provision

    call_command("setup_platform", verbosity=0)
    tenant = tenant_provision(
        slug="bench", name="Bench Kommune", admin_email="admin@bench.dk", admin_name="Admin"
    ).tenant
    Tenant.objects.filter(pk=tenant.pk).update(
        embed_origins=["https://www.bench.dk", "https://*.bench.dk"]
    )
    started = time.perf_counter()
    with tenant_context(tenant):
        events = seed_events(timezone_now())
        seed_shifts(seed_tasks(events), events[len(events) // 2].pk)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"seeded {len(events)} events, 20,000 shifts in {time.perf_counter() - started:.1f} s")
    host = tenant.get_primary_domain().domain
    club = events[0].organisation_id
    browser = Client(HTTP_HOST=host, HTTP_ORIGIN="https://intra.bench.dk")
    embed = f"http://{host}/indlejret/"
    pages = [
        ("embed page /indlejret/", "/indlejret/"),
        ("embed page, one organisation", f"/indlejret/?organisation={club}"),
        ("feed.json (20 events)", "/indlejret/feed.json"),
        ("feed.json, limit=50", "/indlejret/feed.json?limit=50"),
        ("oembed", f"/oembed?url={embed}&format=json"),
    ]
    print(
        f"server time per request, {REQUESTS} requests after {WARM_UP} to warm up "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):"
    )
    for label, path in pages:
        report(label, *page_times(lambda path=path: get_ok(browser, path)))


if __name__ == "__main__":
    main()
