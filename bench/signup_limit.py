"""A sign-up against the physical limit: the service, the view, and the same transaction in
raw SQL, in one run on one kept database connection.

    python -m config.devstack bench bench/signup_limit.py

Runs in a database of its own (`<name>_signup`, dropped at the end). Seeds one tenant with
2,000 volunteers (each with a workload limit in their profile, so that rule's query runs),
one event with 600 shifts and 6,000 earlier sign-ups, then times, each on a fresh
(person, shift) pair:

- `shift_sign_up`, the service, called directly;
- POST to the sign-up view through Django's test client (middleware, session, messages,
  redirect: everything but the network), signed in;
- the same transaction in raw SQL through psycopg on the same connection: the same row
  locks, checks folded into one query, the same rows written (sign-up, shift counter,
  audit row, outbox message and its delivery), the same triggers firing.

Connections are kept as production keeps them (DB_CONN_MAX_AGE=60, health checks on): the
run checks that every request used the same PostgreSQL backend and says so. Tasks sent
after commit (the mail's delivery) go to an in-memory broker: a worker's job, not the
request's. Goal: the service within 5x the raw SQL. These machines are noisy; compare
within one run.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from _harness import run_in_own_database  # bench/ is the script's folder

# ... and only for that: a bench script must never stand in for one of the project's modules.
sys.path.remove(os.path.dirname(os.path.abspath(__file__)))

PEOPLE, SHIFTS, EARLIER = 2_000, 600, 6_000
WARM_UP, TIMED = 20, 150
GOAL = 5.0
os.environ["DB_CONN_MAX_AGE"] = "60"  # as helm/tovholder/values.yaml sets for production


def main() -> None:
    run_in_own_database(run, suffix="_signup")


def run() -> None:
    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    from config.celery import app as celery_app
    from tenants.services import tenant_provision

    celery_app.conf.task_always_eager = False  # the harness runs tasks in-process; not here
    celery_app.conf.broker_url = "memory://"
    call_command("setup_platform", verbosity=0)
    tenant = tenant_provision(
        slug="bench", name="Bench Kommune", admin_email="admin@bench.dk", admin_name="Admin"
    ).tenant
    with tenant_context(tenant):
        people, shifts = seed()
    host = tenant.get_primary_domain().domain
    pairs = iter(zip(people, shifts, strict=False))
    load = os.getloadavg()[0]
    with tenant_context(tenant):
        service = timed(lambda: sign_up_service(*next(pairs)))
        raw = timed(lambda: sign_up_raw(*next(pairs)))
        raw_no_triggers = without_user_triggers(lambda: timed(lambda: sign_up_raw(*next(pairs))))
    raw.queries = raw_no_triggers.queries = len(RAW) + 2  # with BEGIN and COMMIT
    view = timed_view(host, tenant, pairs)
    kept = connection_report()
    print(
        f"sign-up, {TIMED} each after {WARM_UP} to warm up "
        f"(load average {load:.1f} on {os.cpu_count()} CPUs; {kept}):"
    )
    report("service shift_sign_up", service)
    report("view: POST, signed in", view)
    report("raw SQL, one transaction", raw)
    report("  the same, user triggers off", raw_no_triggers)
    ratio = statistics.median(service.times) / statistics.median(raw.times)
    verdict = "ok" if ratio <= GOAL else f"MISSES the {GOAL:.0f}x goal"
    print(f"service / raw SQL: {ratio:.1f}x  {verdict}")
    print("the service's statements, one sign-up:")
    for sql in service.statements:
        print(f"  {sql[:110]}")


# --- seeding ---------------------------------------------------------------------------


def seed() -> tuple[list[Any], list[int]]:
    """People who have not signed up for the timed shifts, and those shifts, in pairs."""
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.members.models import Profile
    from apps.organisations.models import Organisation
    from apps.shifts.models import Event, Shift, SignUp, Task

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(email=f"v{i}@bench.dk", full_name=f"Frivillig {i}", password="!")
            for i in range(PEOPLE)
        )
        Profile.objects.bulk_create(Profile(user=u, max_shifts_per_month=40) for u in users)
        organisation = Organisation.objects.create(name="Bench FC", is_approved=True)
        start = now + timedelta(days=30)
        event = Event.objects.create(
            organisation=organisation,
            title="Festival",
            starts_at=start,
            ends_at=start + timedelta(days=6),
            status=Event.Status.PUBLISHED,
            published_at=now,
        )
        tasks = Task.objects.bulk_create(Task(event=event, title=f"Opgave {n}") for n in range(10))
        shifts = Shift.objects.bulk_create(
            Shift(
                task=tasks[k % 10],
                starts_at=start + timedelta(hours=2 * (k // 10)),
                ends_at=start + timedelta(hours=2 * (k // 10) + 2),
                capacity=20,
            )
            for k in range(SHIFTS)
        )
        earlier = [
            SignUp(
                shift=shifts[(k * 7) % (SHIFTS // 2)],
                user=users[k % PEOPLE],
                status=SignUp.Status.CONFIRMED,
                confirmed_at=now,
            )
            for k in range(EARLIER)
        ]
        SignUp.objects.bulk_create(earlier, ignore_conflicts=True)
        Shift.objects.filter(pk__in=[s.pk for s in shifts[: SHIFTS // 2]]).update(
            confirmed_count=10
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # The timed pairs: shifts in the event's second half (nobody on them yet), one person
    # each, so no pair is a duplicate or a clash and every attempt writes a sign-up.
    free = [s.pk for s in shifts[SHIFTS // 2 :]]
    needed = 4 * (WARM_UP + TIMED + 1)
    return users[:needed], (free * 4)[:needed]


# --- the three ways ----------------------------------------------------------------------


class Figures:
    def __init__(self) -> None:
        self.times: list[float] = []
        self.queries = 0
        self.statements: list[str] = []


def timed(attempt: Callable[[], None]) -> Figures:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    figures = Figures()
    for _ in range(WARM_UP):
        attempt()
    for _ in range(TIMED):
        started = time.perf_counter()
        attempt()
        figures.times.append((time.perf_counter() - started) * 1000)
        _backends.add(backend_pid())
    with CaptureQueriesContext(connection) as captured:  # one more, to count its queries
        attempt()
    figures.queries = len(captured)
    figures.statements = [q["sql"] for q in captured.captured_queries]
    return figures


def sign_up_service(user: Any, shift_id: int) -> None:
    from apps.shifts.services.signups import shift_sign_up

    shift_sign_up(shift_id=shift_id, user=user)


RAW = [
    # The shift and its event, the shift's row locked (the lock every sign-up queues on).
    """SELECT s.starts_at, s.ends_at, s.capacity, s.confirmed_count, s.offered_count,
              s.waitlist_count, s.signup_deadline, s.is_cancelled, e.status, e.visibility,
              e.organisation_id, t.min_age, t.needs_child_check
       FROM shifts_shift s JOIN shifts_task t ON t.id = s.task_id
       JOIN shifts_event e ON e.id = t.event_id WHERE s.id = %(shift)s FOR UPDATE OF s""",
    # The person, locked, with their workload limits.
    """SELECT u.id, p.max_shifts_per_month FROM accounts_user u
       LEFT JOIN members_profile p ON p.user_id = u.id WHERE u.id = %(user)s FOR UPDATE OF u""",
    # Already there, a clash, and this month's count, in one query.
    """SELECT EXISTS (SELECT 1 FROM shifts_signup WHERE shift_id = %(shift)s
                      AND user_id = %(user)s AND status IN ('confirmed', 'waitlisted', 'offered')),
              (SELECT su.id FROM shifts_signup su JOIN shifts_shift o ON o.id = su.shift_id
               WHERE su.user_id = %(user)s AND su.status IN ('confirmed', 'offered')
               AND o.starts_at < %(ends)s AND o.ends_at > %(starts)s AND NOT o.is_cancelled
               AND su.shift_id <> %(shift)s LIMIT 1),
              (SELECT count(*) FROM shifts_signup su JOIN shifts_shift o ON o.id = su.shift_id
               WHERE su.user_id = %(user)s AND su.status IN ('confirmed', 'offered')
               AND o.starts_at >= %(month)s AND o.starts_at < %(month)s + interval '1 month')""",
    """INSERT INTO shifts_signup (shift_id, user_id, status, created_at, confirmed_at, reason,
                                 is_late, over_workload)
       VALUES (%(shift)s, %(user)s, 'confirmed', now(), now(), '', false, false) RETURNING id""",
    """UPDATE shifts_shift SET confirmed_count = confirmed_count + 1 WHERE id = %(shift)s""",
    """INSERT INTO audit_auditevent (actor, actor_id, action, target_type, target_id, data,
                                    created_at)
       VALUES ('raw', %(user)s, 'signup.confirmed', 'shifts.SignUp', %(signup)s::text, '{}',
               now())""",
    """INSERT INTO messaging_message (kind, dedupe_key, organisation_id, params, shift_id,
              subject, body_markdown, audience_kind, audience_id, status, created_at)
       VALUES ('signup_confirmed', 'raw:' || %(signup)s, %(organisation)s,
               jsonb_build_object('signup_id', %(signup)s), %(shift)s, '', '', 'people', 0,
               'sending', now()) RETURNING id""",
    """INSERT INTO messaging_delivery (user_id, address, message_id, channel, status, attempts,
                                      last_error, provider_id)
       SELECT id, email, %(message)s, 'email', 'pending', 0, '', '' FROM accounts_user
       WHERE id = %(user)s AND is_active AND email <> ''
       ON CONFLICT DO NOTHING""",
]


def sign_up_raw(user: Any, shift_id: int) -> None:
    """The sign-up's transaction as a hand-written client would send it: 8 statements."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection  # Django's own psycopg connection: the kept one
    with raw.transaction(), raw.cursor() as cursor:
        args: dict[str, Any] = {"shift": shift_id, "user": user.pk}
        cursor.execute(RAW[0], args)
        row = cursor.fetchone()
        assert row is not None
        args.update(starts=row[0], ends=row[1], organisation=row[10], month=month_of(row[0]))
        cursor.execute(RAW[1], args)
        cursor.execute(RAW[2], args)
        duplicate, clash, _month = cursor.fetchone() or (True, None, 0)
        assert not duplicate and clash is None, (duplicate, clash)
        cursor.execute(RAW[3], args)
        args["signup"] = (cursor.fetchone() or (0,))[0]
        cursor.execute(RAW[4], args)
        cursor.execute(RAW[5], args)
        cursor.execute(RAW[6], args)
        args["message"] = (cursor.fetchone() or (0,))[0]
        cursor.execute(RAW[7], args)


def month_of(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def without_user_triggers(measure: Callable[[], Figures]) -> Figures:
    """The same, with the tables' own triggers (reports' fact triggers) switched off:
    what they cost a sign-up. Foreign keys stay checked (those are system triggers)."""
    from django.db import connection

    tables = ("shifts_signup", "shifts_shift", "audit_auditevent", "messaging_delivery")
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        return measure()
    finally:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def timed_view(host: str, tenant: Any, pairs: Any) -> Figures:
    """POSTs through the test client, each by a person signed in beforehand."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import tenant_context

    def clients(count: int) -> list[tuple[Client, int]]:
        made = []
        with tenant_context(tenant):
            for _ in range(count):
                user, shift_id = next(pairs)
                client = Client(HTTP_HOST=host)
                client.force_login(user)
                made.append((client, shift_id))
        return made

    def post(client: Client, shift_id: int) -> None:
        response = client.post(f"/vagter/{shift_id}/tilmeld/")
        assert response.status_code == 302, response.status_code

    figures = Figures()
    for client, shift_id in clients(WARM_UP):
        post(client, shift_id)
    for client, shift_id in clients(TIMED):
        started = time.perf_counter()
        post(client, shift_id)
        figures.times.append((time.perf_counter() - started) * 1000)
        _backends.add(backend_pid())
    [(client, shift_id)] = clients(1)
    with CaptureQueriesContext(connection) as captured:
        post(client, shift_id)
    figures.queries = len(captured)
    return figures


_backends: set[int] = set()


def backend_pid() -> int:
    from django.db import connection

    return connection.connection.info.backend_pid if connection.connection else 0


def connection_report() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    same = "one backend for every request" if len(_backends) == 1 else f"{len(_backends)} backends"
    return (
        f"CONN_MAX_AGE={db['CONN_MAX_AGE']}, CONN_HEALTH_CHECKS={db['CONN_HEALTH_CHECKS']}: {same}"
    )


def report(label: str, figures: Figures) -> None:
    times = figures.times
    p95 = statistics.quantiles(times, n=20)[18]
    print(
        f"  {label:<30} median {statistics.median(times):6.2f} ms  p95 {p95:6.2f} ms  "
        f"{figures.queries} statements"
    )


if __name__ == "__main__":
    main()
