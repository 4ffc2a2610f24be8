"""A tenant moves to the other worker (`citus_schema_move`) while its people sign up and its
report is read: nobody sees an error, every committed sign-up and attendance is there after
the move, on the new node, and the report's facts still equal their source.

The move copies the schema by logical replication and blocks writes only for the switch-over
at the end; the writers and readers here are threads with connections of their own, the move
runs on another one (it cannot run inside the test's transaction).
"""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.accounts.models import User
from apps.attendance.models import Attendance
from apps.organisations.models import Organisation
from apps.reports.figures import Period, report_figures
from apps.shifts.models import Event, Shift, SignUp, Task
from apps.shifts.services.signups import shift_sign_up
from tenants.models import Tenant
from tests.citus import requires_citus
from tests.threads import in_tenant

pytestmark = [requires_citus, pytest.mark.django_db]
TENANT = "kommune07"


def coordinator() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
    )


def node_of(schema: str) -> int:
    with coordinator() as conn:
        ports = conn.execute(
            "SELECT DISTINCT nodeport FROM citus_shards "
            "WHERE table_name::text LIKE %s AND citus_table_type = 'schema'",
            [f"{schema}.%"],
        ).fetchall()
    assert len(ports) == 1, ports
    return ports[0][0]


def facts_match_source() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, su.user_id, sh.starts_at, e.id, a.status IN ('present', 'late'), "
            "(a.hours * 100)::integer FROM attendance_attendance a "
            "JOIN shifts_signup su ON su.id = a.signup_id "
            "JOIN shifts_shift sh ON sh.id = su.shift_id JOIN shifts_task t ON t.id = sh.task_id "
            "JOIN shifts_event e ON e.id = t.event_id ORDER BY a.id"
        )
        source = cursor.fetchall()
        cursor.execute(
            "SELECT attendance_id, user_id, starts_at, event_id, came, hundredths "
            "FROM reports_attendance_fact ORDER BY attendance_id"
        )
        return cursor.fetchall() == source


def test_it_moves_a_tenant_to_the_other_worker_while_it_is_read_and_written():
    tenant = Tenant.objects.get(schema_name=TENANT)
    start = timezone.now() + timedelta(days=3)

    def create() -> tuple[int, list[User]]:
        club = Organisation.objects.create(name="Flytte FC", is_approved=True)
        event = Event.objects.create(
            organisation=club,
            title="Flytning",
            starts_at=start,
            ends_at=start + timedelta(hours=6),
            status="published",
        )
        task = Task.objects.create(event=event, title="Kasser")
        shift = Shift.objects.create(
            task=task, starts_at=start, ends_at=start + timedelta(hours=2), capacity=1000
        )
        people = [User.objects.create_user(f"flyt{i}@example.dk") for i in range(400)]
        return shift.pk, people

    shift_id, people = in_tenant(tenant, create)
    source = node_of(TENANT)
    with coordinator() as conn:
        ports = [
            p for (p,) in conn.execute("SELECT node_port FROM citus_get_active_worker_nodes()")
        ]
    target = next(port for port in ports if port != source)

    moved = threading.Event()
    errors: list[BaseException] = []
    written: list[int] = []
    reads = [0]

    def writer() -> None:
        for person in people:
            if moved.is_set() and len(written) > 20 + written_before_move[0]:
                return

            def sign_up_and_come(p: User = person) -> int:
                signup = shift_sign_up(shift_id=shift_id, user=p)
                Attendance.objects.create(signup=signup, status="present", hours=Decimal("1.5"))
                return signup.pk

            try:
                # Two commits, as a volunteer signs up and a coordinator marks them later.
                written.append(in_tenant(tenant, sign_up_and_come))
            except BaseException as exc:
                errors.append(exc)
                return

    def reader() -> None:
        period = Period(start.date() - timedelta(days=1), start.date() + timedelta(days=1))
        while not moved.is_set():
            try:
                in_tenant(tenant, lambda: report_figures(period))
                reads[0] += 1
            except BaseException as exc:
                errors.append(exc)
                return

    written_before_move = [0]
    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    while len(written) < 10 and not errors:
        time.sleep(0.05)
    written_before_move[0] = len(written)
    started = time.perf_counter()
    with coordinator() as conn:
        conn.execute(
            "SELECT citus_schema_move(%s::regnamespace, '127.0.0.1', %s)", [TENANT, target]
        )
    seconds = time.perf_counter() - started
    moved.set()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert node_of(TENANT) == target
    during = len(written) - written_before_move[0]
    print(
        f"\ncitus_schema_move of {TENANT}: {seconds:.1f} s; {during} sign-ups with attendance "
        f"and {reads[0]} report reads by other connections meanwhile, none refused"
    )
    assert during > 0 and reads[0] > 0

    def after() -> tuple[set[int], bool]:
        return set(SignUp.objects.filter(shift_id=shift_id).values_list("pk", flat=True)), (
            facts_match_source()
        )

    kept, matching = in_tenant(tenant, after)
    assert set(written) <= kept and matching
    assert in_tenant(tenant, lambda: Shift.objects.get(pk=shift_id).confirmed_count) == len(kept)
