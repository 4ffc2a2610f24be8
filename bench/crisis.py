"""Crisis mode's public form under a crowd: 5,000 registrations through gunicorn, with a
real HTTP load generator (locust, headless), while someone else uses the site.

    python -m config.devstack bench bench/crisis.py [--registrations 5000] [--users 20]
        [--workers N] [--rate PER_SECOND] [--think SECONDS] [--seed 18]

Runs in a database of its own (`<name>_crisis`, dropped at the end). Seeds one tenant
(`bench`, reached as bench.localhost by its Host header) with an organisation, a published
event of 100 shifts and an active crisis (`crisis_start`), then starts gunicorn with the
image's config (deploy/gunicorn.conf.py: its worker count for this machine's CPUs unless
--workers; no DEBUG; DB_CONN_MAX_AGE=60 and TRUSTED_PROXY_COUNT=1 as the Helm chart sets;
http, as there is no TLS here). Tasks sent after commit go to an in-memory broker: a
worker's job, not the request's. Then:

1. the other pages (the marketplace home and the event page) idle: 20 requests each;
2. locust (bench/_crisis_locust.py): --users people registering one after another (flat
   out, or paced all together to --rate registrations a second), each
   GET /krise/ (form and CSRF token), POST /krise/ (must answer 303 to /krise/tak/;
   redirects not followed, anything else is an error), GET /krise/tak/ (the browser's
   follow-up, counted apart); ~5 % are a second registration of an earlier phone number
   (the merge path). One more locust user opens the other pages in turn, once a second,
   throughout;
3. the database afterwards: one helper per distinct person, every registration counted.

Prints requests/s, p50/p95/p99 and errors per request (locust's CSV), the wall time of all
the registrations against the 10-minute goal, the other pages' latency idle and under the
load, and the load average at start and end (other processes share these CPUs: compare
within one run). Exits non-zero when a registration failed or the rows do not add up.
"""

import argparse
import csv
import json
import os
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from _gunicorn import GUNICORN_CONF, gunicorn, sample, warm_up  # bench/ is the script's folder
from _harness import run_in_own_database

# ... and only for that: a bench script must never stand in for one of the project's modules.
sys.path.remove(os.path.dirname(os.path.abspath(__file__)))

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LOCUSTFILE = BENCH / "_crisis_locust.py"
GOAL_SECONDS = 600
IDLE_SAMPLES = 20
PROFILED_PHONE = "+4599887766"  # outside the numbers locust sends (20000000-61999999)
os.environ["DB_CONN_MAX_AGE"] = "60"  # as helm/tovholder/values.yaml sets for production


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=5_000)
    parser.add_argument("--users", type=int, default=20, help="people registering at once")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config's)")
    parser.add_argument("--think", type=float, default=0.0, help="max seconds form to submit")
    parser.add_argument(
        "--rate", type=float, default=0.0, help="registrations/s to pace to (default: flat out)"
    )
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument(
        "--tenant",
        help="use DATABASE_URL's database as it is (set up already) and this tenant in it, "
        "instead of a fresh database (the smoke test's quick path)",
    )
    args = parser.parse_args()
    failed: list[str] = []
    if args.tenant:
        in_existing_database(lambda: failed.extend(run(args)))
    else:
        run_in_own_database(lambda: failed.extend(run(args)), suffix="_crisis")
    if failed:
        print("FAILED: " + "; ".join(failed))
        sys.exit(1)


def in_existing_database(run: Callable[[], None]) -> None:
    """The harness's settings (tasks in-process, mail in memory) without its database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    run()


def run(args: argparse.Namespace) -> list[str]:
    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    from tenants.models import Tenant
    from tenants.services import tenant_provision

    started = time.perf_counter()
    if args.tenant:
        tenant = Tenant.objects.get(schema_name=args.tenant)
    else:
        call_command("setup_platform", verbosity=0)
        tenant = tenant_provision(
            slug="bench", name="Bench Kommune", admin_email="admin@bench.dk", admin_name="Admin"
        ).tenant
    with tenant_context(tenant):
        crisis_id, event_id = seed()
    host = tenant.get_primary_domain().domain
    pages = ["/", f"/arrangementer/{event_id}/"]
    print(f"seeded in {time.perf_counter() - started:.0f} s; tenant {host}")

    workers = args.workers or runpy.run_path(str(GUNICORN_CONF))["workers"]
    with (
        tempfile.TemporaryDirectory(prefix="crisisbench-") as folder,
        gunicorn(workers, Path(folder) / "gunicorn.log") as address,
    ):
        print(f"gunicorn answering after {time.perf_counter() - started:.0f} s", flush=True)
        warm_up(address, host, pages, workers)
        idle = {path: sample(address, host, path, IDLE_SAMPLES) for path in pages}
        load_start = os.getloadavg()
        print(
            f"crisis registrations: {args.registrations} by {args.users} locust users "
            f"({f'paced to {args.rate:g}/s' if args.rate else 'flat out'}) against "
            f"gunicorn, {workers} workers (load average at start "
            f"{load_start[0]:.1f} {load_start[1]:.1f} {load_start[2]:.1f} on "
            f"{os.cpu_count()} CPUs)",
            flush=True,
        )
        summary, rows, seconds = locust(args, address, host, pages, Path(folder))
        load_end = os.getloadavg()
    with tenant_context(tenant):
        helpers, registrations = stored(crisis_id)
    failed = report(args, summary, rows, seconds, idle, pages, load_end, helpers, registrations)
    one_registration(host)
    with tenant_context(tenant):  # the two it made: the rows stay those the load made
        from apps.crisis.models import Helper

        Helper.objects.filter(crisis_id=crisis_id, phone=PROFILED_PHONE).delete()
    return failed


# --- seeding ---------------------------------------------------------------------------


def seed() -> tuple[int, int]:
    """An organisation, its published event of 100 shifts (the page sampled during the
    load) and an active crisis, started by the tenant's admin."""
    from django.db import connection
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.organisations.models import Organisation
    from apps.shifts.models import Event, Shift, Task

    now = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    start = now + timedelta(days=3)
    organisation = Organisation.objects.create(name="Beredskabet Fyn", is_approved=True)
    event = Event.objects.create(
        organisation=organisation,
        title="Modtagelse på Odense Banegård",
        description="Vi tager imod, giver mad og tæpper og viser vej. " * 10,
        starts_at=start,
        ends_at=start + timedelta(days=5),
        status=Event.Status.PUBLISHED,
        published_at=now,
        location_name="Odense Banegård",
        address="Østre Stationsvej 27, 5000 Odense C",
    )
    tasks = Task.objects.bulk_create(
        Task(event=event, title=f"Opgave {n}", meeting_point="Indgang A") for n in range(5)
    )
    Shift.objects.bulk_create(
        Shift(
            task=tasks[k % 5],
            starts_at=start + timedelta(days=k // 20, hours=8 + k % 20 // 5 * 3),
            ends_at=start + timedelta(days=k // 20, hours=11 + k % 20 // 5 * 3),
            capacity=4 + k % 5,
            confirmed_count=k % 3,
        )
        for k in range(100)
    )
    admin = User.objects.filter(is_active=True, is_owner_admin=True).order_by("pk").first()
    crisis = start_crisis(organisation, admin)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return crisis, event.pk


def start_crisis(organisation: Any, admin: Any) -> int:
    from apps.crisis import services

    crisis = services.crisis_start(
        organisation=organisation,
        title="Flygtninge ankommer til Odense",
        public_text="Vi mangler hænder på banegården de næste dage.",
        by=admin,
    )
    return int(crisis.pk)


def stored(crisis_id: int) -> tuple[int, int]:
    from django.db.models import Count, Sum

    from apps.crisis.models import Helper

    totals = Helper.objects.filter(crisis_id=crisis_id).aggregate(
        helpers=Count("id"), registrations=Sum("registrations")
    )
    return totals["helpers"], totals["registrations"] or 0


def one_registration(host: str) -> None:
    """What one registration costs in-process, after the load (on its full table): the
    POST through Django's test client, a new helper and then a merge, with its queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=host)
    for label, phone in (("a new helper", "99 88 77 66"), ("a merge (same phone)", "+4599887766")):
        fields = {
            "name": "Profil Person",
            "phone": phone,
            "email": "",
            "postcode": "5000",
            "skills": ["practical", "cooking"],
            "availability": ["now"],
            "consent": "on",
        }
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.post("/krise/", fields)
            took = (time.perf_counter() - began) * 1000
        sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
        print(
            f"one POST /krise/, {label}, in-process: {response.status_code}, {took:.0f} ms, "
            f"{len(captured)} queries ({sql_ms:.0f} ms)"
        )
        for query in captured.captured_queries:
            print(f"    {' '.join(query['sql'].split())[:110]}")


# --- locust ------------------------------------------------------------------------------


def locust(
    args: argparse.Namespace, address: str, host: str, pages: list[str], folder: Path
) -> tuple[dict[str, Any], dict[str, dict[str, str]], float]:
    """Run the locustfile headless until every registration is answered (or 20 minutes
    pass); its summary, its CSV rows by request name, and the run's wall time."""
    summary_path, stats_path = folder / "summary.json", folder / "stats.csv"
    env = {
        **os.environ,
        "CRISIS_BENCH_COUNT": str(args.registrations),
        "CRISIS_BENCH_HOST": host,
        "CRISIS_BENCH_PAGES": ",".join(pages),
        "CRISIS_BENCH_SUMMARY": str(summary_path),
        "CRISIS_BENCH_STATS": str(stats_path),
        "CRISIS_BENCH_SEED": str(args.seed),
        "CRISIS_BENCH_THINK": str(args.think),
        "CRISIS_BENCH_RATE": str(args.rate),
        "CRISIS_BENCH_USERS": str(args.users),
    }
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--only-summary",
        "--users",
        str(args.users + 1),  # and the one visitor
        "--spawn-rate",
        str(args.users + 1),
        "--run-time",
        "20m",
        "--stop-timeout",
        "30",
        "--host",
        address,
        "--loglevel",
        "WARNING",
        "--skip-log-setup",
        "Registrant",
        "Visitor",
    ]
    began = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if not summary_path.exists():
        raise RuntimeError(
            f"locust ended ({done.returncode}) before every registration was answered:\n"
            + (done.stdout + done.stderr)[-4000:]
        )
    summary = json.loads(summary_path.read_text())
    with stats_path.open(newline="") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    with (folder / "stats_failures.csv").open(newline="") as failures:
        for row in csv.DictReader(failures):
            print(f"locust: {row['Occurrences']} x {row['Method']} {row['Name']}: {row['Error']}")
    return summary, rows, seconds


# --- the figures -------------------------------------------------------------------------


def report(
    args: argparse.Namespace,
    summary: dict[str, Any],
    rows: dict[str, dict[str, str]],
    locust_seconds: float,
    idle: dict[str, list[float]],
    pages: list[str],
    load_end: tuple[float, float, float],
    helpers: int,
    registrations: int,
) -> list[str]:
    failed = []
    wall = summary["wall_seconds"] or locust_seconds
    print(
        f"{'request':<28} {'count':>6} {'errors':>6} {'req/s':>7} {'p50':>6} {'p95':>6} "
        f"{'p99':>6} {'max':>6}  (ms)"
    )
    for name, row in rows.items():
        print(
            f"{name:<28} {row['Request Count']:>6} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6} "
            f"{float(row['Max Response Time']):6.0f}"
        )
    print(
        f"registrations: {summary['ok']} of {summary['count']} answered 303 -> /krise/tak/, "
        f"{sum(summary['errors'].values())} errors {summary['errors'] or ''}".rstrip()
    )
    rate = summary["count"] / wall if wall else 0.0
    requests = sum(int(row["Request Count"]) for name, row in rows.items() if "/krise/" in name)
    verdict = "ok" if wall < GOAL_SECONDS else f"MISSES the {GOAL_SECONDS // 60}-minute goal"
    print(
        f"wall time for the {summary['count']}: {wall:.1f} s ({rate:.1f} registrations/s, "
        f"{requests / wall if wall else 0.0:.1f} requests/s; goal under {GOAL_SECONDS} s)  "
        f"{verdict}"
    )
    for path in pages:
        other = rows.get(f"other: {path}")
        times = idle[path]
        under = (
            f"under load p50 {other['50%']} p95 {other['95%']} max "
            f"{float(other['Max Response Time']):.0f} ms ({other['Request Count']} requests, "
            f"{other['Failure Count']} errors)"
            if other
            else "under load: not sampled"
        )
        print(
            f"other page {path}: idle p50 {statistics.median(times):.0f} "
            f"p95 {statistics.quantiles(times, n=20)[18]:.0f} ms; {under}"
        )
        if other and int(other["Failure Count"]):
            failed.append(f"{path} failed {other['Failure Count']} times under the load")
    expected = summary["ok_distinct"]
    same = helpers == expected and registrations == summary["ok"]
    print(
        f"in the database: {helpers} helpers (expected {expected}: {summary['ok_duplicates']} "
        f"of the {summary['ok']} were a second registration), {registrations} registrations "
        f"counted  {'ok' if same else 'MISMATCH'}"
    )
    print(
        f"load average at end {load_end[0]:.1f} {load_end[1]:.1f} {load_end[2]:.1f}; "
        f"locust ran {locust_seconds:.1f} s"
    )
    if summary["errors"]:
        failed.append(f"{sum(summary['errors'].values())} registrations failed")
    if not same:
        failed.append("the rows in the database do not add up")
    if wall >= GOAL_SECONDS and args.registrations >= 5_000:
        failed.append("over the 10-minute goal")
    return failed


if __name__ == "__main__":
    main()
