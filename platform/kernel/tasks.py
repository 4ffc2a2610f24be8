"""The base Celery task, sending a task after commit, and keeping what the broker missed.

Every task carries the schema it was sent from (tenant-schemas-celery); the Celery app
itself is made in config.celery, which names `Task` here as its task class.

When the broker (Redis) is down, a task sent after commit is kept in a PendingTask row
(public schema) instead of failing the request whose data is already committed; the beat
sends those rows every minute once the broker answers again (`send_pending_tasks`).
"""

import logging
import time
from typing import Any

from celery import current_app, shared_task
from celery.exceptions import NotRegistered
from django.db import connection, transaction
from django.utils.module_loading import import_string
from django_tenants.utils import schema_context, tenant_context
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from tenant_schemas_celery.task import TenantTask

from kernel.schema import current_schema

logger = logging.getLogger(__name__)

# What a publish raises when the broker cannot be reached: kombu wraps most connection
# failures in its OperationalError; redis-py's own and plain socket errors can escape.
BROKER_ERRORS: tuple[type[Exception], ...] = (
    BrokerOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    OSError,
)
SWEEP_BATCH = 100  # pending rows locked and sent per transaction
# After a failed publish, this process keeps tasks in the database without trying the
# broker for this long: a request that queues three tasks waits for one timeout, not three.
BROKER_PAUSE_SECONDS = 10.0
_broker_paused_until = 0.0


class TenantRequired(RuntimeError):
    """A task that works on tenant data was sent or run outside a tenant schema."""


class Task(TenantTask):
    """Base task: refuses to be sent from, or to run in, the public schema.

    Platform-wide tasks (run in public) say so with `needs_tenant = False`.
    """

    abstract = True
    needs_tenant = True

    def apply_async(self, args=None, kwargs=None, **options):
        self._check_schema("sent")
        return super().apply_async(args, kwargs, **options)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._check_schema("run")
        return super().__call__(*args, **kwargs)

    def _check_schema(self, verb: str) -> None:
        if self.needs_tenant and current_schema() == "public":
            raise TenantRequired(
                f"Task {self.name} was {verb} in the public schema; "
                "send it inside the tenant's schema (tenant_context)."
            )


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Send `task` after the current transaction commits, from the schema that is active now.

    `task` is a task or its dotted path: an app's tasks call its services, so a service
    names its own app's task by path ("apps.shifts.tasks.fill_waitlist") instead of
    importing tasks.py back, the way a model names another app's model by string. The path
    is checked now, so a wrong one fails in the service, not later in a worker.
    on_commit callbacks run in whatever schema the connection is in by then, so the tenant
    is captured here and re-entered when the task is sent.
    """
    found = import_string(task) if isinstance(task, str) else task
    tenant = connection.tenant  # type: ignore[attr-defined]

    def send() -> None:
        with tenant_context(tenant):
            send_or_keep(found, *args)

    transaction.on_commit(send)


def send_or_keep(task: Any, *args: Any) -> bool:
    """Send `task` now from the current schema; if the broker is unreachable, keep it in a
    PendingTask row for the beat's sweep and return False instead of raising.

    Called after a commit, the caller's rows exist already: raising here would answer the
    person with an error for something that succeeded, and the task would be lost. The
    settings' broker timeouts make a dead broker fail here within about two seconds.
    """
    global _broker_paused_until
    from kernel.models import PendingTask  # here: this module is imported before models load

    if task.app.conf.task_always_eager:  # tests: the task runs here, no broker involved
        task.delay(*args)
        return True
    if time.monotonic() >= _broker_paused_until:
        try:
            _publish(task, list(args))
            return True
        except BROKER_ERRORS as exc:
            _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
            error = repr(exc)
    else:
        error = "broker paused after a recent failure"
    schema = current_schema()
    logger.warning("Broker unreachable, %s kept for later in %s: %s", task.name, schema, error)
    with schema_context("public"):  # the table is in public; be explicit about it
        PendingTask.objects.create(
            schema_name=schema, task=task.name, args=list(args), last_error=error[:2000]
        )
    return False


def broker_pause_end() -> None:
    """Try the broker again at the next send (tests, and the sweep once it got through)."""
    global _broker_paused_until
    _broker_paused_until = 0.0


def pending_tasks_send(*, limit: int = 10_000) -> int:
    """Send kept tasks, oldest first, each once; returns how many were sent.

    Each batch is locked with SELECT ... FOR UPDATE SKIP LOCKED, so two sweeps at once
    never send the same row; a row is deleted in the transaction that sent it. Should the
    commit itself fail after a publish, the row is sent again next time: tasks are
    idempotent (they take ids and are safe to run twice), so that costs work, not a
    second mail. The first broker error ends the sweep; the broker is still down.
    """
    from kernel.models import PendingTask

    sent = 0
    unknown: list[int] = []  # rows naming no registered task: kept, not tried again now
    while sent < limit:
        with schema_context("public"), transaction.atomic():
            rows = list(
                PendingTask.objects.exclude(pk__in=unknown)
                .select_for_update(skip_locked=True)
                .order_by("id")[:SWEEP_BATCH]
            )
            if not rows:
                return sent
            done: list[int] = []
            for row in rows:
                try:
                    _send_row(row)
                except NotRegistered:  # a task removed from the code: keep it, say so, go on
                    logger.error("Pending task %s is no task of this code (row %s)", row, row.pk)
                    PendingTask.objects.filter(pk=row.pk).update(
                        attempts=row.attempts + 1, last_error="not a registered task"
                    )
                    unknown.append(row.pk)
                    continue
                except BROKER_ERRORS as error:
                    PendingTask.objects.filter(pk=row.pk).update(
                        attempts=row.attempts + 1, last_error=repr(error)[:2000]
                    )
                    PendingTask.objects.filter(pk__in=done).delete()
                    return sent
                done.append(row.pk)
                sent += 1
            PendingTask.objects.filter(pk__in=done).delete()
            broker_pause_end()  # the broker answers: this process may publish again
    return sent


def _send_row(row: Any) -> None:
    task = current_app.tasks[row.task]
    with schema_context(row.schema_name):
        _publish(task, row.args)


def _publish(task: Any, args: list) -> None:
    # Nobody reads the result of a task sent after commit, so none is asked for: asking
    # makes a web process subscribe to the result in Redis at send time, and with Redis
    # down that subscription fails with a RuntimeError after its own retries (about 20 s
    # by default), which no broker-error handler would catch.
    task.apply_async(args=args, ignore_result=True)


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def send_pending_tasks() -> int:
    """Beat runs this in public every minute: tasks kept while the broker was down."""
    return pending_tasks_send()
