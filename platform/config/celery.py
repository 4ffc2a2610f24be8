"""The Celery app. Every task carries the schema it was sent from (tenant-schemas-celery)."""

import os
from typing import Any

import sentry_sdk
from celery.signals import task_prerun, worker_init
from tenant_schemas_celery.app import CeleryApp
from tenant_schemas_celery.task import TenantTask

from config.schema import current_schema

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class TenantRequired(RuntimeError):
    """A task that works on tenant data was sent or run outside a tenant schema."""


class Task(TenantTask):
    """Base task: refuses to be sent from, or to run in, the public schema.

    Platform-wide tasks (run in public) say so with `needs_tenant = False`.
    """

    abstract = True
    needs_tenant = True

    def apply_async(self, args=None, kwargs=None, **options):  # type: ignore[override]
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


class TovholderCelery(CeleryApp):
    task_cls = "config.celery:Task"


app = TovholderCelery("tovholder")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect(weak=False)
def _tag_sentry_with_tenant(**_: Any) -> None:
    # Connected after tenant-schemas-celery's own prerun handler, so the schema is set.
    sentry_sdk.set_tag("tenant", current_schema())


@worker_init.connect(weak=False)
def _check_template_on_start(**_: Any) -> None:
    from tenants.checks import template_schema_problem

    problem = template_schema_problem()
    if problem:
        raise SystemExit(f"Tovholder worker refuses to start: {problem}")


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Send `task` after the current transaction commits, from the schema that is active now.

    on_commit callbacks run in whatever schema the connection is in by then, so the tenant
    is captured here and re-entered when the task is sent.
    """
    from django.db import connection, transaction
    from django_tenants.utils import tenant_context

    tenant = connection.tenant  # type: ignore[attr-defined]

    def send() -> None:
        with tenant_context(tenant):
            task.delay(*args)

    transaction.on_commit(send)


def send_to_every_open_tenant(task: Any) -> int:
    """For a beat task running in public: send `task` once inside each open tenant's schema."""
    from django_tenants.utils import tenant_context

    from tenants.selectors import open_tenants

    sent = 0
    for tenant in open_tenants():
        with tenant_context(tenant):
            task.delay()
        sent += 1
    return sent
