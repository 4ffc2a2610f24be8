"""The kinds of message about a person's privacy rights (imported from PrivacyConfig.ready):
the export's download link, and the warning to a person the site will anonymise unless
they sign in (retention)."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.privacy.models import DataExport, RetentionNotice, RetentionSettings
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


def _fields(user: User, deadline: Any, days: int) -> dict[str, Any]:
    return {
        "user": user,
        "deadline": deadline,
        "days": days,
        "url": tenant_url(current_tenant(), reverse("login")),
    }


def _inactive_warning_context(params: dict[str, Any]) -> dict[str, Any]:
    notice = RetentionNotice.objects.select_related("user").get(pk=params["notice_id"])
    days = RetentionSettings.load().warning_days
    return _fields(notice.user, notice.warned_at + timedelta(days=days), days)


def _inactive_warning_example() -> dict[str, Any]:
    user = User(pk=1, email="frida@example.dk", full_name="Frida Frivillig")
    return _fields(user, timezone.now() + timedelta(days=30), 30)


INACTIVE_WARNING = register(
    MessageKind(
        slug="inactive_warning",
        label=_("Your account will be anonymised unless you sign in"),
        template="privacy/emails/inactive_warning",
        essential=True,
        switch_off=None,
        context=_inactive_warning_context,
        example=_inactive_warning_example,
    )
)
