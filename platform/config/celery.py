"""The Celery app. Every task carries the schema it was sent from (tenant-schemas-celery)."""

import os
from typing import Any

import sentry_sdk
from celery.signals import task_prerun, worker_init
from tenant_schemas_celery.app import CeleryApp

from kernel.schema import current_schema

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class TovholderCelery(CeleryApp):
    task_cls = "kernel.tasks:Task"


app = TovholderCelery("tovholder")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect(weak=False)
def _tag_sentry_with_tenant(**_: Any) -> None:
    # Connected after tenant-schemas-celery's own prerun handler, so the schema is set.
    sentry_sdk.set_tag("tenant", current_schema())


@worker_init.connect(weak=False)
def _check_template_on_start(**_: Any) -> None:
    # Here, not at the top: config/__init__ imports this module before Django is set up.
    from tenants.checks import template_schema_problem

    problem = template_schema_problem()
    if problem:
        raise SystemExit(f"Tovholder worker refuses to start: {problem}")
