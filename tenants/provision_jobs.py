"""Provisioning on the console's behalf, by a Celery task: no request waits on it.

The console checks the form at once (the same rules as tenant_provision, so bad input is
answered on the form), keeps the request as a `ProvisioningJob` and queues the caller's
task; the job's page polls the row. The task provisions in one transaction that also marks
the job done, so "done" and "the tenant exists" are one fact. On a failure the job says
why, and no schema is left: the transaction rolled it back, and a schema left without a
tenant row (a worker killed between statements on a server that commits DDL apart, such as
a Citus coordinator) is dropped.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists

from apps.audit.services import audit_record
from tenants.models import ProvisioningJob, Tenant
from tenants.services import Provisioned, TemplateMissing, provision_check, tenant_provision
from tenants.template_render import quote

log = logging.getLogger(__name__)


def provision_request(
    *, fields: dict[str, Any], actor: Any, run: Callable[[int], object]
) -> ProvisioningJob:
    """Check the input now (ValidationError, as tenant_provision raises it), keep the job
    and have `run` (the caller's task) called with its id once this is committed."""
    provision_check(**fields)
    with transaction.atomic(), schema_context("public"):
        job = ProvisioningJob.objects.create(
            slug=fields["slug"].strip().lower(),
            name=fields["name"].strip(),
            fields=fields,
            requested_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(actor=actor, action="tenant.provision_requested", target=job, **fields)
        transaction.on_commit(lambda: run(job.pk))
    return job


def provision_run(*, job_id: int) -> Provisioned | None:
    """Provision what the job asks for. Safe to run twice (and at once): the job's row is
    locked for the whole transaction, and a finished job is not run again."""
    with schema_context("public"):
        updated = ProvisioningJob.objects.filter(
            pk=job_id, status__in=(ProvisioningJob.Status.QUEUED, ProvisioningJob.Status.RUNNING)
        ).update(status=ProvisioningJob.Status.RUNNING, started_at=timezone.now())
        if not updated:
            return None
        job = ProvisioningJob.objects.select_related("requested_by").get(pk=job_id)
        started = time.perf_counter()
        try:
            with transaction.atomic():
                locked = ProvisioningJob.objects.select_for_update().get(pk=job_id)
                if locked.finished:  # another run finished it while this one waited
                    return None
                result = tenant_provision(**job.fields, actor=job.requested_by)
                ProvisioningJob.objects.filter(pk=job_id).update(
                    status=ProvisioningJob.Status.DONE,
                    tenant=result.tenant,
                    seconds=time.perf_counter() - started,
                    finished_at=timezone.now(),
                )
        except Exception as exc:  # every failure is told on the job's page
            _failed(job, exc, seconds=time.perf_counter() - started)
            if not isinstance(exc, (ValidationError, TemplateMissing)):
                log.exception("provisioning %s failed", job.slug)
            return None
    return result


def _failed(job: ProvisioningJob, exc: Exception, *, seconds: float) -> None:
    with transaction.atomic():
        orphan_schema_drop(job.slug)
        ProvisioningJob.objects.filter(pk=job.pk).update(
            status=ProvisioningJob.Status.FAILED,
            error=_reason(exc),
            seconds=seconds,
            finished_at=timezone.now(),
        )
        audit_record(
            actor=job.requested_by, action="tenant.provision_failed", target=job, error=str(exc)
        )


def _reason(exc: Exception) -> str:
    """What the vendor reads on the job's page, in their language."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, TemplateMissing):
        return _("The template for new system owners is not ready: %(problem)s") % {
            "problem": str(exc)
        }
    return _("An unexpected error stopped it (%(error)s). Nothing was created; try again.") % {
        "error": f"{type(exc).__name__}: {str(exc)[:300]}"
    }


def orphan_schema_drop(slug: str) -> bool:
    """Drop the schema `slug` if no tenant row claims it (a half-made schema)."""
    if not schema_exists(slug) or Tenant.objects.filter(schema_name=slug).exists():
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA {quote(slug)} CASCADE")
    log.warning("dropped the half-made schema %s", slug)
    return True
