"""Privacy: tasks."""

# --- Data export ----------------------------------------------------------------------------

from celery import shared_task
from django.db import OperationalError

from apps.privacy.services.export import export_build


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def build_data_export(export_id: int) -> bool:
    """Adapter: in the schema it was sent from; a second run finds nothing pending."""
    return export_build(export_id=export_id)
