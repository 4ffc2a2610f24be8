"""Outbox benchmark: one info mail to 10,000 volunteers, through a real Celery worker.

    python -m config.devstack bench bench/mail.py            # both pools
    python -m config.devstack bench bench/mail.py solo       # or just one: solo | prefork

Runs in a database of its own (`<name>_bench`, dropped at the end) on DATABASE_URL's server,
and on REDIS_URL's Redis, on a queue of its own (other tasks there are left alone).
Seeds one tenant with 10,000 volunteers signed up for one event, starts an SMTP sink in this
process (aiosmtpd; it counts mails and their Message-IDs, and keeps nothing else), then per
pool: starts a real worker (`celery worker`, solo, or prefork with 2 processes) pointed at
the sink, sends a new message to the event with `message_send`, and waits until every
Delivery row is sent. Prints the queue time (expanding the audience into 10,000 rows and
enqueuing the batches), the send time and mails per second, the worker's peak memory (VmHWM
of each of its processes), and checks that the sink got 10,000 distinct Message-IDs.
Every worker is stopped before the script ends, also when it fails.
These machines are noisy; compare within one run.
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from _harness import run_in_own_database  # bench/ is the script's folder

RECIPIENTS = 10_000
SHIFTS = 40  # 250 people on each
BATCH = 5_000
SEND_TIMEOUT = 900  # seconds; a stuck worker fails the bench instead of hanging it
POOLS = {"solo": ["--pool", "solo"], "prefork": ["--pool", "prefork", "--concurrency", "2"]}
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def main() -> None:
    chosen = sys.argv[1:] or list(POOLS)
    unknown = set(chosen) - set(POOLS)
    if unknown:
        raise SystemExit(f"usage: bench/mail.py [{' | '.join(POOLS)}]...; not {unknown}")
    run_in_own_database(lambda: run(chosen), suffix="_mailbench")


def run(pools: list[str]) -> None:
    from aiosmtpd.controller import Controller
    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    from config.celery import app as celery_app
    from tenants.services import tenant_provision

    call_command("setup_platform", verbosity=0)
    tenant = tenant_provision(
        slug="bench", name="Bench Kommune", admin_email="admin@bench.dk", admin_name="Admin"
    ).tenant
    # Throughput is what is measured here, not the tenant's sending rate (600 a minute by
    # default, which would hold 10,000 mails for 17 minutes and leave the rest to the beat).
    tenant.mail_rate_per_minute = 1_000_000
    tenant.save(update_fields=["mail_rate_per_minute"])
    started = time.perf_counter()
    with tenant_context(tenant):
        organisation_id, event_id = seed()
    print(
        f"seeded {RECIPIENTS:,} volunteers signed up for one event "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    sink = CountingSink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    # The harness runs tasks in-process; here they go to Redis, on this run's own queue.
    queue = f"bench-mail-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
        f"SMTP sink on 127.0.0.1:{smtp.port}; queue {queue}",
        flush=True,
    )
    try:
        for pool in pools:
            sink.reset()
            with tenant_context(tenant):
                message_id = new_message(organisation_id, event_id, pool)
            figures = send_through_worker(tenant, message_id, pool, queue, smtp.port, sink)
            figures.report()
    finally:
        smtp.stop()
        with celery_app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)  # and what a failed run left in it


def waiting_tasks(queue: str) -> int:
    from config.celery import app as celery_app

    with celery_app.connection_for_read() as connection:
        return connection.default_channel.queue_declare(queue).message_count


# --- seeding ---------------------------------------------------------------------------


def seed() -> tuple[int, int]:
    """One organisation, one event with one task and SHIFTS shifts, RECIPIENTS people on them."""
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.organisations.models import Organisation
    from apps.shifts.models import Event, Shift, SignUp, Task

    now = timezone.now()
    per_shift = RECIPIENTS // SHIFTS
    with transaction.atomic():
        people = User.objects.bulk_create(
            (
                User(email=f"frivillig{i}@bench.dk", full_name=f"Frivillig {i}", password="!")
                for i in range(RECIPIENTS)
            ),
            batch_size=BATCH,
        )
        organisation = Organisation.objects.create(name="Bench Roklub", is_approved=True)
        start = now + timedelta(days=14)
        event = Event.objects.create(
            organisation=organisation,
            title="Nyborg Regatta",
            starts_at=start,
            ends_at=start + timedelta(days=2),
            status=Event.Status.PUBLISHED,
            published_at=now,
        )
        task = Task.objects.create(event=event, title="Bådpladsen")
        shifts = Shift.objects.bulk_create(
            Shift(
                task=task,
                starts_at=start + timedelta(hours=k),
                ends_at=start + timedelta(hours=k + 3),
                capacity=per_shift,
                confirmed_count=per_shift,
            )
            for k in range(SHIFTS)
        )
        SignUp.objects.bulk_create(
            (
                SignUp(
                    shift=shifts[i // per_shift],
                    user=person,
                    status=SignUp.Status.CONFIRMED,
                    confirmed_at=now,
                )
                for i, person in enumerate(people)
            ),
            batch_size=BATCH,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return organisation.pk, event.pk


def new_message(organisation_id: int, event_id: int, pool: str) -> int:
    from apps.messaging.models import Message

    body = (
        "Kære frivillige,\n\nTak fordi I vil hjælpe til ved **Nyborg Regatta**. Mød op ved "
        "[Bådhuset](https://nyborg.dk) en halv time før jeres vagt, og husk vand og solcreme.\n\n"
        "- Parkering ved Strandvejen\n- Frokost i klubhuset kl. 12\n\nVi glæder os!"
    )
    return Message.objects.create(
        organisation_id=organisation_id,
        subject=f"Praktisk info om regattaen ({pool})",
        body_markdown=body,
        audience_kind=Message.Audience.EVENT,
        audience_id=event_id,
    ).pk


# --- the SMTP sink ---------------------------------------------------------------------


class CountingSink:
    """An aiosmtpd handler that counts mails and connections, and keeps the Message-IDs."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.mails = 0
            self.recipients = 0
            self.message_ids: set[bytes] = set()
            self.sessions: set[Any] = set()  # one aiosmtpd session per SMTP connection

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content or b""
        head = content.split(b"\r\n\r\n", 1)[0]
        found = MESSAGE_ID.search(head)
        with self.lock:
            self.mails += 1
            self.recipients += len(envelope.rcpt_tos)
            self.sessions.add(session)
            if found:
                self.message_ids.add(found.group(1))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the worker ------------------------------------------------------------------------


@dataclass
class Figures:
    pool: str
    queue_seconds: float
    created: int
    send_seconds: float
    tasks_left: int
    drain_seconds: float
    sent: int
    other: dict[str, int]
    sink_mails: int
    sink_ids: int
    sink_connections: int
    peak_rss_kib: dict[int, int]

    def report(self) -> None:
        rate = self.sent / self.send_seconds if self.send_seconds else 0.0
        peaks = ", ".join(f"{kib / 1024:.0f}" for kib in self.peak_rss_kib.values())
        print(
            f"{self.pool}:\n"
            f"  queue   {self.queue_seconds:6.2f} s  ({self.created:,} Delivery rows "
            f"and their batches, by message_send)\n"
            f"  send    {self.send_seconds:6.2f} s  {rate:,.0f} mails/s  "
            f"({self.sent:,} sent{self._other()})\n"
            f"  then    {self.drain_seconds:6.2f} s  for the {self.tasks_left} tasks still queued "
            f"when the last mail was sent (they claim nothing; one marks the message sent)\n"
            f"  worker  peak RSS {max(self.peak_rss_kib.values()) / 1024:.0f} MiB "
            f"(VmHWM per process: {peaks} MiB)\n"
            f"  sink    {self.sink_mails:,} mails, {self.sink_ids:,} distinct Message-IDs, "
            f"over {self.sink_connections:,} SMTP connections",
            flush=True,
        )
        assert self.sent == RECIPIENTS, (self.sent, self.other)
        assert self.sink_mails == RECIPIENTS, self.sink_mails
        assert self.sink_ids == RECIPIENTS, self.sink_ids

    def _other(self) -> str:
        rest = {status: n for status, n in self.other.items() if n}
        return f"; {rest}" if rest else ""


def send_through_worker(
    tenant: Any, message_id: int, pool: str, queue: str, smtp_port: int, sink: CountingSink
) -> Figures:
    from django_tenants.utils import tenant_context

    from apps.messaging.models import Delivery, Message
    from apps.messaging.selectors import delivery_counts
    from apps.messaging.services import message_send

    with tempfile.TemporaryFile() as log, Worker(pool, queue, smtp_port, log) as worker:
        with tenant_context(tenant):
            started = time.perf_counter()
            created = message_send(actor=None, message_id=message_id)
            queued = time.perf_counter()
            rows = Delivery.objects.filter(message_id=message_id)
            deadline = queued + SEND_TIMEOUT
            while rows.filter(status__in=("pending", "sending")).exists():
                worker.check_alive()
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"not sent after {SEND_TIMEOUT} s")
                time.sleep(0.05)
            finished = time.perf_counter()
            left = waiting_tasks(queue)
            # The rest of the queue: batches that find nothing left to claim, one of which
            # marks the message sent. Drained before the worker stops, so the next run
            # starts with an empty queue.
            message = Message.objects.filter(pk=message_id)
            while waiting_tasks(queue) or not message.filter(status=Message.Status.SENT):
                worker.check_alive()
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"the queue was not drained after {SEND_TIMEOUT} s")
                time.sleep(0.05)
            drained = time.perf_counter()
            counts = delivery_counts(message=message.get())
        peaks = peak_rss(worker.process.pid)
    with sink.lock:
        sink_mails, sink_ids, sink_connections = (
            sink.mails,
            len(sink.message_ids),
            len(sink.sessions),
        )
    return Figures(
        pool=pool,
        queue_seconds=queued - started,
        created=created,
        send_seconds=finished - queued,
        tasks_left=left,
        drain_seconds=drained - finished,
        sent=counts.pop("sent"),
        other=counts,
        sink_mails=sink_mails,
        sink_ids=sink_ids,
        sink_connections=sink_connections,
        peak_rss_kib=peaks,
    )


class Worker:
    """A real worker on this run's queue: ready to take tasks inside the `with`, and gone,
    with every process of its group, after it (its output is shown if the block failed)."""

    def __init__(self, pool: str, queue: str, smtp_port: int, log: IO[bytes]) -> None:
        self.pool, self.queue, self.smtp_port, self.log = pool, queue, smtp_port, log
        self.name = f"{queue}-{pool}@{socket.gethostname()}"

    def __enter__(self) -> "Worker":
        env = {
            **os.environ,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": "0",
            "LOG_LEVEL": "WARNING",
        }
        # The worker's own follow-up batches (deliver_batch re-enqueues itself) must go to
        # this queue too, so its default queue is set before it starts.
        code = (
            "import sys; from config.celery import app; "
            f"app.conf.task_default_queue = {self.queue!r}; app.worker_main(sys.argv[1:])"
        )
        options = [*POOLS[self.pool], "--queues", self.queue, "--hostname", self.name]
        quiet = ["--loglevel", "WARNING", "--without-heartbeat", "--without-gossip"]
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, "--quiet", "worker", *options, *quiet, "--without-mingle"],
            env=env,
            cwd=Path(__file__).resolve().parents[1],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own, stopped as one
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def _wait_until_ready(self) -> None:
        from config.celery import app as celery_app

        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[self.name], timeout=0.5):
            self.check_alive()
            if time.monotonic() > deadline:
                raise RuntimeError(f"the {self.pool} worker did not answer within 60 s")

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"the {self.pool} worker ended ({self.process.returncode})")

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        # Warm shutdown first; then the whole group is killed, prefork's children included.
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        if kind is not None:
            self.log.seek(0)
            sys.stderr.write(self.log.read()[-5000:].decode(errors="replace"))


def peak_rss(pid: int) -> dict[int, int]:
    """VmHWM in KiB of the worker and every process below it (prefork's children)."""
    return {proc: _status_kib(proc, "VmHWM") for proc in [pid, *descendants(pid)]}


def descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    main()
