"""The kinds of message about a person's privacy rights (imported from PrivacyConfig.ready)."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.privacy.models import DataExport
from kernel.messages import MessageKind, register
from tenants.selectors import current_tenant, tenant_url

# --- Data export (apps/privacy/services/export.py) ------------------------------------------


def _export_fields(export: DataExport) -> dict[str, Any]:
    page = "privacy-access-requests" if export.is_for_staff else "privacy-export"
    url = tenant_url(current_tenant(), reverse(page))
    return {"export": export, "url": url}


def _export(params: dict[str, Any]) -> DataExport:
    return DataExport.objects.select_related("user").get(pk=params["export_id"])


def _example_export() -> DataExport:
    frida = User(pk=1, email="frida@example.dk", full_name="Frida Frivillig")
    now = timezone.now()
    return DataExport(
        pk=1,
        user=frida,
        requested_by=frida,
        channel=DataExport.Channel.SELF,
        received_on=now.date(),
        status=DataExport.Status.READY,
        ready_at=now,
        expires_at=now + timedelta(days=7),
    )


EXPORT_READY = register(
    MessageKind(
        slug="export_ready",
        label=_("My data are ready to download"),
        template="privacy/emails/export_ready",
        essential=True,
        switch_off=None,
        context=lambda params: _export_fields(_export(params)),
        example=lambda: _export_fields(_example_export()),
    )
)
