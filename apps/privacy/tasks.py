"""Privacy: tasks."""

# --- retention ---------------------------------------------------------------------------

from celery import shared_task

from apps.privacy.services.retention import retention_run
from tenants.tasks import send_to_every_open_tenant


@shared_task
def run_retention() -> dict[str, int]:
    """In one tenant's schema: apply the retention rules (safe twice: see retention_run)."""
    return retention_run().counts()


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_retention() -> None:
    """Beat runs this in public once a day; it fans out to every open tenant."""
    send_to_every_open_tenant(run_retention)
