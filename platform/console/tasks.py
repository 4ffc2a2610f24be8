"""The console's periodic work: its list's counts."""

from celery import shared_task

from apps.messaging.staff import staff_mail_send
from console.services import tenant_stats_refresh, tenant_stats_refresh_all
from tenants.export_requests import export_build, export_ready_mail
from tenants.provision_jobs import provision_run


@shared_task(ignore_result=True, needs_tenant=False)  # type: ignore[call-overload]
def refresh_tenant_stats() -> int:
    """Beat runs this in public every 15 minutes; safe to run twice (it overwrites)."""
    return tenant_stats_refresh_all()


@shared_task(ignore_result=True, needs_tenant=False)  # type: ignore[call-overload]
def tenant_export_build(export_id: int) -> None:
    """A vendor's export of one tenant, long for a big one; then its link by mail to whoever
    asked. Safe to run twice: a made export is not made or mailed again."""
    ready = export_build(export_id=export_id)
    if ready is not None:
        subject, body = export_ready_mail(ready)
        staff_mail_send(to=ready.export.requested_by.email, subject=subject, body=body)


@shared_task(ignore_result=True, needs_tenant=False)  # type: ignore[call-overload]
def tenant_provision_build(job_id: int) -> None:
    """A tenant asked for in the console; its page polls the job. Safe to run twice: a
    finished job is not run again."""
    result = provision_run(job_id=job_id)
    if result is not None:
        tenant_stats_refresh(tenant=result.tenant)  # in the list with its counts at once
