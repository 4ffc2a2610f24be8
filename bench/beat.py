"""The beat at many tenants: worker time in the worst minute, the due-time beat against the
old fan-out to every tenant (tenants.due, docs/architecture.md "The due-time beat").

    python bench/beat.py [TENANTS] [BUSY_PERCENT] [IDLE_SAMPLES] [BUSY_SCHEMAS]
                                                        # default 1000 5 2 10

Runs in a database of its own (`<name>_bench_beat`, dropped at the end). What it seeds:

- BUSY_SCHEMAS busy tenants provisioned for real (schemas; provisioning by clone takes
  10-40 s each on this machine, issue 16 item 1), each with a
  published event whose three shifts start in ten hours (inside the 24 h reminder and 48 h
  unfilled windows), five volunteers on each, one waitlist offer that expires in the
  measured minute and one scheduled message due in it: every kind of work but exports is
  due for each of them. The busy tenants' tasks are measured on these and multiplied out
  to BUSY (TENANTS x BUSY_PERCENT %); both figures are printed;
- IDLE_SAMPLES idle tenants provisioned for real, to time an idle tenant's tasks;
- the other idle tenants as rows in public only (no schema): Tenant rows in one
  bulk_create. Their due rows are what a run stores for an idle tenant: their own safety
  minute of the hour (tenants.due.safety_time). The dispatchers never wake them in the
  measured minute, which is chosen so; the safety sweep's share of a minute (the most idle
  tenants whose safety minute falls in one minute, times an idle tenant's measured tasks)
  is added to the figure instead of run.

Worker time is the sum of the durations of every task run (dispatchers and per-tenant
tasks, eagerly in this process, mail to memory). The old figure is the old fan-out's
every tenant gets the five per-tenant tasks in the minute where all five schedules meet;
their work is timed on three extra busy tenants (seeded as the others) and the idle
samples, and multiplied out to all tenants.
"""

import statistics
import sys
import time
from datetime import timedelta

from _harness import run_in_own_database  # bench/ is the script's folder

TENANTS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
BUSY_PERCENT = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
IDLE_SAMPLES = int(sys.argv[3]) if len(sys.argv) > 3 else 2
BUSY = max(1, round(TENANTS * BUSY_PERCENT / 100))
BUSY_SCHEMAS = min(BUSY, int(sys.argv[4]) if len(sys.argv) > 4 else 10)
PER_TENANT = {  # the tasks the dispatchers send, by name
    "expire_offers",
    "send_due_messages",
    "send_automatic_messages",
    "send_due_evaluations",
    "clear_expired_exports",
}
WORK: list[float] = []  # wall time of each due.run's work, as it ends


def main() -> None:
    run_in_own_database(run, suffix="_bench_beat")


def provision(slug: str):
    from tenants.services import tenant_provision

    return tenant_provision(
        slug=slug, name=slug, admin_email=f"a@{slug}.dk", admin_name="Bench Admin"
    ).tenant


def seed_busy(tenant, measured) -> None:
    """Work of every kind due at `measured` (see the module docstring)."""
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from apps.accounts.models import User
    from apps.messaging.models import Message
    from apps.messaging.services import message_create, message_schedule
    from apps.organisations.models import Organisation, OrganisationRole
    from apps.shifts.models import Event, Shift, SignUp, Task
    from apps.shifts.services.signups import shift_sign_up

    with tenant_context(tenant):
        start = timezone.now() + timedelta(hours=10)
        org = Organisation.objects.create(name="Bench Club", is_approved=True)
        boss = User.objects.create_user(f"boss@{tenant.schema_name}.dk", full_name="Boss")
        OrganisationRole.objects.create(
            organisation=org, user=boss, role=OrganisationRole.Role.COORDINATOR
        )
        event = Event.objects.create(
            organisation=org,
            title="Bench Day",
            starts_at=start,
            ends_at=start + timedelta(hours=8),
            status=Event.Status.PUBLISHED,
        )
        task = Task.objects.create(event=event, title="Kiosk")
        people = [
            User.objects.create_user(f"v{i}@{tenant.schema_name}.dk", full_name=f"V {i}")
            for i in range(16)
        ]
        shifts = [
            Shift.objects.create(
                task=task,
                starts_at=start + timedelta(hours=h),
                ends_at=start + timedelta(hours=h + 2),
                capacity=5,
                waitlist_policy=Shift.Policy.OFFER,
            )
            for h in (0, 2, 4)
        ]
        for i, shift in enumerate(shifts):
            for person in people[i * 5 : i * 5 + 5]:
                shift_sign_up(shift_id=shift.pk, user=person)
        # The offer that expires in the measured minute, on the first shift.
        SignUp.objects.create(
            shift=shifts[0],
            user=people[15],
            status=SignUp.Status.OFFERED,
            offer_expires_at=measured + timedelta(seconds=5),
        )
        Shift.objects.filter(pk=shifts[0].pk).update(capacity=6, offered_count=1)
        message = message_create(
            actor=boss,
            organisation=org,
            subject="Bench",
            body_markdown="Hello",
            audience_kind=Message.Audience.SHIFT,
            audience_id=shifts[1].pk,
        )
        message_schedule(actor=boss, message_id=message.pk, send_at=measured)


class Clock:
    """Sums the wall time of every task this process runs (Celery's own signals). Eager
    tasks run inside the task that sent them: each counts only its own time, as in a worker."""

    def __init__(self) -> None:
        self.stack: list[list[float]] = []  # [started, time of the tasks run inside it]
        self.total = 0.0
        self.count = 0
        self.by_name: dict[str, list[float]] = {}
        self.work = 0.0  # the tenants' own work: inside due.run, and the tasks it sent
        self.dispatch = 0.0

    def __enter__(self) -> "Clock":
        from celery.signals import task_postrun, task_prerun

        task_prerun.connect(self._pre, weak=False)
        task_postrun.connect(self._post, weak=False)
        return self

    def __exit__(self, *exc: object) -> None:
        from celery.signals import task_postrun, task_prerun

        task_prerun.disconnect(self._pre)
        task_postrun.disconnect(self._post)

    def _pre(self, **_: object) -> None:
        self.stack.append([time.perf_counter(), 0.0])

    def _post(self, sender: object = None, **_: object) -> None:
        started, inner = self.stack.pop()
        spent = time.perf_counter() - started
        self.total += spent - inner
        self.count += 1
        name = str(getattr(sender, "name", "?")).rsplit(".", 1)[-1]
        self.by_name.setdefault(name, []).append(spent - inner)
        if name in PER_TENANT:
            self.work += WORK.pop() - inner
        elif name.startswith("dispatch_"):
            self.dispatch += spent - inner
        else:  # sent by a tenant's work (a delivery batch, a waitlist fill): work too
            self.work += spent - inner
        if self.stack:
            self.stack[-1][1] += spent


def dispatch_all() -> None:
    from django.db import connection

    from apps.evaluations.tasks import dispatch_evaluations
    from apps.messaging.tasks import dispatch_automatic, dispatch_due_messages
    from apps.privacy.tasks import dispatch_clear_expired_exports
    from apps.shifts.tasks import dispatch_expire_offers

    for dispatcher in (
        dispatch_expire_offers,
        dispatch_due_messages,
        dispatch_automatic,
        dispatch_evaluations,
        dispatch_clear_expired_exports,
    ):
        dispatcher.apply()
        connection.set_schema_to_public()  # type: ignore[attr-defined]


def old_tasks(tenant) -> float:
    """The old fan-out's five tasks in one tenant (the work alone, as before this change)."""
    from django_tenants.utils import tenant_context

    from apps.evaluations.services import evaluations_due
    from apps.messaging.services import (
        messages_due,
        orientations_due,
        reminders_due,
        unfilled_alerts_due,
    )
    from apps.privacy.services.export import exports_expired_clear
    from apps.shifts.services.waitlist import offers_expire

    started = time.perf_counter()
    with tenant_context(tenant):
        for work in (
            offers_expire,
            messages_due,
            lambda: (reminders_due(), orientations_due(), unfilled_alerts_due()),
            evaluations_due,
            exports_expired_clear,
        ):
            work()
    return time.perf_counter() - started


def park(tenants, kinds, at) -> None:
    """These tenants' every kind is next due at `at`."""
    from kernel.models import TenantDue

    TenantDue.objects.filter(tenant_id__in=[t.pk for t in tenants]).delete()
    TenantDue.objects.bulk_create(
        [TenantDue(tenant_id=t.pk, kind=k, due_at=at) for t in tenants for k in kinds]
    )


def time_the_work() -> None:
    """due.run's work timed apart from its bookkeeping (the tasks look it up at run time)."""
    from tenants import due

    original = due.run

    def timed_run(kind, work):
        def timed():
            started = time.perf_counter()
            try:
                return work()
            finally:
                WORK.append(time.perf_counter() - started)

        return original(kind, timed)

    due.run = timed_run


def run() -> None:
    import os

    import time_machine
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from apps.shifts.tasks import expire_offers
    from kernel.models import TenantDue
    from tenants import due
    from tenants.models import Tenant

    load = os.getloadavg()
    time_the_work()
    call_command("setup_platform", verbosity=0)
    kinds = sorted(due.KINDS)
    began = time.perf_counter()
    busy = [provision(f"busy{i}") for i in range(BUSY_SCHEMAS)]
    idle_real = [provision(f"idle{i}") for i in range(IDLE_SAMPLES)]
    seeded_schemas = time.perf_counter() - began
    # The measured minute, well after the seeding and the settling run below.
    measured = (timezone.now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    began = time.perf_counter()
    rows = [
        Tenant(schema_name=f"quiet{i}", name=f"Quiet {i}", status=Tenant.Status.ACTIVE)
        for i in range(TENANTS - BUSY_SCHEMAS - IDLE_SAMPLES)
    ]
    for row in rows:
        row.auto_create_schema = False
    quiet = Tenant.objects.bulk_create(rows)
    # What an idle tenant's run stores: its own safety minute; the measured minute's share
    # of them is added below instead of run (they have no schema).
    quiet_rows = []
    for tenant in quiet:
        at = due.safety_time(tenant.pk, measured - timedelta(minutes=1))
        if at <= measured + timedelta(minutes=1):
            at += timedelta(hours=1)
        quiet_rows += [TenantDue(tenant_id=tenant.pk, kind=k, due_at=at) for k in kinds]
    TenantDue.objects.bulk_create(quiet_rows)
    seeded_rows = time.perf_counter() - began
    began = time.perf_counter()
    for tenant in busy:
        seed_busy(tenant, measured)
    seeded_work = time.perf_counter() - began
    dispatch_all()  # settle: busy and idle samples run once and store their next times

    # The idle samples: what an idle tenant's tasks cost (the safety sweep's unit).
    from apps.evaluations.tasks import send_due_evaluations
    from apps.messaging.tasks import send_automatic_messages, send_due_messages
    from apps.privacy.tasks import clear_expired_exports

    per_tenant = (
        expire_offers,
        send_due_messages,
        send_automatic_messages,
        send_due_evaluations,
        clear_expired_exports,
    )
    idle_costs = []
    for tenant in idle_real:
        with Clock() as clock, tenant_context(tenant):
            for task in per_tenant:
                task.apply()
        idle_costs.append(clock.total)
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    idle_cost = statistics.median(idle_costs)
    park(idle_real, kinds, measured + timedelta(hours=1))  # in the sweep's share, not twice
    slots = [due.safety_time(pk, measured).minute for pk in range(1, TENANTS + 1)]
    per_minute = max(slots.count(m) for m in set(slots))
    # The old fan-out's work on the same schemas. The busy sample is seeded extra (the old
    # path would otherwise do the offers and message of tenants measured below).
    spare = [provision(f"spare{i}") for i in range(2)]
    for tenant in spare:
        seed_busy(tenant, measured)
    park(spare, kinds, measured + timedelta(hours=1))
    with time_machine.travel(measured + timedelta(seconds=10), tick=True):
        old_busy = statistics.median([old_tasks(t) for t in spare])
        old_idle = statistics.median([old_tasks(t) for t in idle_real])
    connection.set_schema_to_public()  # type: ignore[attr-defined]

    # The measured minute: the beat runs every dispatcher once, the tenants' tasks run.
    with (
        time_machine.travel(measured + timedelta(seconds=10), tick=True),
        Clock() as clock,
    ):
        dispatch_all()
    sweep = per_minute * idle_cost
    scale = BUSY / BUSY_SCHEMAS  # the busy tenants' tasks, multiplied out
    tenants_time = clock.total - clock.dispatch
    total = clock.dispatch + tenants_time * scale + sweep
    work = clock.work * scale
    old_total = (TENANTS - BUSY) * old_idle + BUSY * old_busy

    print(f"load average at start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(
        f"seeded: {BUSY_SCHEMAS} busy + {IDLE_SAMPLES} idle + 2 spare busy tenants provisioned "
        f"in {seeded_schemas:.0f} s (clone), busy work in {seeded_work:.0f} s; "
        f"{len(quiet)} tenant rows (and {len(quiet_rows)} due rows) without a schema in "
        f"{seeded_rows:.2f} s"
    )
    print(f"measured minute: {clock.count} tasks run, {clock.total:.2f} s")
    for name, spent in sorted(clock.by_name.items()):
        print(f"  {name}: {len(spent)} tasks, {sum(spent):.2f} s")
    print(
        f"worst minute at {TENANTS} tenants, {BUSY} busy ({BUSY_PERCENT:g} %), due-time beat: "
        f"dispatchers {clock.dispatch:.2f} s + busy tenants' tasks {tenants_time:.2f} s x "
        f"{scale:g} + safety sweep {per_minute} tenants x {idle_cost * 1000:.0f} ms "
        f"({sweep:.2f} s) = {total:.1f} s of worker time per 60 s, of which the tenants' own "
        f"work (the same under any beat) {work:.1f} s and the beat's {total - work:.1f} s"
    )
    print(
        f"  goal < 10 s: {'MET' if total < 10 else 'MISSED'} in all; "
        f"{'MET' if total - work < 10 else 'MISSED'} for the beat's own share"
    )
    print(
        f"worst minute, old fan-out (5 tasks x {TENANTS} tenants, the work alone, without "
        f"Celery's cost per task; idle {old_idle * 1000:.0f} ms, busy {old_busy * 1000:.0f} ms "
        f"per tenant, timed on the same schemas): {old_total:.1f} s per 60 s"
    )
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
