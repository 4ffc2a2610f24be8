"""Privacy: tasks."""

# --- Data export ----------------------------------------------------------------------------

from celery import shared_task
from django.db import OperationalError

from apps.privacy.services.export import export_build, exports_expired_clear
from tenants.tasks import send_to_every_open_tenant


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def build_data_export(export_id: int) -> bool:
    """Adapter: in the schema it was sent from; a second run finds nothing pending."""
    return export_build(export_id=export_id)


@shared_task
def clear_expired_exports() -> int:
    return exports_expired_clear()


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_clear_expired_exports() -> None:
    """Beat runs this in public every hour; it fans out to every open tenant."""
    send_to_every_open_tenant(clear_expired_exports)
