"""Privacy: tasks."""

from celery import shared_task
from django.db import OperationalError

from apps.privacy.due import EXPORTS
from apps.privacy.services.export import export_build, exports_expired_clear
from apps.privacy.services.retention import retention_run
from tenants import due
from tenants.tasks import send_to_every_open_tenant

# --- Data export ----------------------------------------------------------------------------


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def build_data_export(export_id: int) -> bool:
    """Adapter: in the schema it was sent from; a second run finds nothing pending."""
    return export_build(export_id=export_id)


@shared_task(ignore_result=True)
def clear_expired_exports() -> int:
    return due.run(EXPORTS, exports_expired_clear)


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_clear_expired_exports() -> int:
    """Beat runs this in public every minute; it wakes the tenants with a link expired."""
    return due.send_to_due_tenants(EXPORTS, clear_expired_exports)


# --- retention ---------------------------------------------------------------------------


@shared_task(ignore_result=True)
def run_retention() -> dict[str, int]:
    """In one tenant's schema: apply the retention rules (safe twice: see retention_run)."""
    return retention_run().counts()


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_retention() -> None:
    """Beat runs this in public once a day; it fans out to every open tenant."""
    send_to_every_open_tenant(run_retention)
