"""The base Celery task and sending a task after commit.

Every task carries the schema it was sent from (tenant-schemas-celery); the Celery app
itself is made in config.celery, which names `Task` here as its task class.
"""

from typing import Any

from django.db import connection, transaction
from django.utils.module_loading import import_string
from django_tenants.utils import tenant_context
from tenant_schemas_celery.task import TenantTask

from kernel.schema import current_schema


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
            found.delay(*args)

    transaction.on_commit(send)
