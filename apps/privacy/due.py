"""When this tenant's data export links next expire (tenants.due: the due-time beat)."""

from datetime import datetime
from typing import Any

from django.db.models import Min
from django.db.models.signals import post_save

from apps.privacy.models import DataExport
from tenants import due

EXPORTS = "exports"


def exports_next_due(now: datetime) -> datetime | None:
    ready = DataExport.objects.filter(status=DataExport.Status.READY).exclude(file="")
    return ready.aggregate(at=Min("expires_at"))["at"]


def _export_saved(sender: Any, instance: DataExport, **kwargs: Any) -> None:
    if instance.status == DataExport.Status.READY and instance.expires_at:
        due.wake(EXPORTS, instance.expires_at)


def connect() -> None:
    due.register(EXPORTS, exports_next_due)
    post_save.connect(_export_saved, sender=DataExport, dispatch_uid="privacy.due.export")
