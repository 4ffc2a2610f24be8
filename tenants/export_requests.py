"""A vendor's export of a tenant from the console: made by a Celery task (a big tenant never
holds up a request), kept in the "exports" storage, and fetched once, through a link mailed
to whoever asked, by that person only, before it expires."""

import hashlib
import hmac
import logging
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from apps.audit.services import audit_record
from tenants.exports import tenant_export
from tenants.models import Tenant, TenantExport

log = logging.getLogger(__name__)


def export_request(*, tenant: Tenant, user: Any, build: Callable[[int], object]) -> TenantExport:
    """Ask for an archive; `build` (the caller's task, which also mails the link) is
    called with its id once this is committed."""
    with transaction.atomic(), schema_context("public"):
        export = TenantExport.objects.create(tenant=tenant, requested_by=user)
        audit_record(actor=user, action="tenant.export_requested", target=tenant, export=export.pk)
        transaction.on_commit(lambda: build(export.pk))
    return export


@dataclass(frozen=True)
class Ready:
    export: TenantExport
    token: str  # the one-time link's secret: only its hash is kept


def export_build(*, export_id: int) -> Ready | None:
    """Write the archive and make its one-time link, for the caller to mail. Safe to run
    twice: a second run finds it done and returns None."""
    with schema_context("public"):
        exports_clean_up()
        export = TenantExport.objects.select_related("tenant", "requested_by").get(pk=export_id)
        if export.ready_at or export.tenant.status == Tenant.Status.PURGED:
            return None
        with tempfile.TemporaryDirectory(prefix="tenant-export-") as scratch:
            out = Path(scratch) / f"{export.tenant.schema_name}.tar"
            tenant_export(tenant=export.tenant, out=out, actor=export.requested_by)
            with out.open("rb") as handle:
                name = storages["exports"].save(
                    f"{export.tenant.schema_name}/{secrets.token_hex(16)}.tar", File(handle)
                )
            size = out.stat().st_size
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        TenantExport.objects.filter(pk=export.pk).update(
            file=name,
            size=size,
            ready_at=now,
            token_hash=_hash(token),
            expires_at=now + timedelta(hours=settings.TENANT_EXPORT_LINK_HOURS),
        )
        export.refresh_from_db()
    return Ready(export=export, token=token)


def exports_clean_up(*, now: datetime | None = None) -> int:
    """Delete the stored archives whose link was used or has expired (each new export
    clears the old ones: archives hold personal data and are kept no longer than needed)."""
    now = now or timezone.now()
    done = TenantExport.objects.exclude(file="").filter(
        Q(expires_at__lte=now) | Q(used_at__lte=now - timedelta(hours=1))
    )
    removed = 0
    for export in done:
        storages["exports"].delete(export.file)
        TenantExport.objects.filter(pk=export.pk).update(file="")
        removed += 1
    return removed


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def download_url(export: TenantExport, token: str) -> str:
    host = settings.PUBLIC_DOMAINS[0] if settings.PUBLIC_DOMAINS else "localhost"
    port = f":{settings.TENANT_URL_PORT}" if settings.TENANT_URL_PORT else ""
    return f"{settings.TENANT_URL_SCHEME}://{host}{port}/exports/{export.pk}/{token}/"


def export_ready_mail(ready: Ready) -> tuple[str, str]:
    """The subject and text of the mail with the link, in the installation's language."""
    export, token = ready.export, ready.token
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "export": export,
            "tenant": export.tenant,
            "url": download_url(export, token),
            "hours": settings.TENANT_EXPORT_LINK_HOURS,
        }
        subject = _("The export of %(name)s is ready") % {"name": export.tenant.name}
        body = render_to_string("tenants/export_ready_email.txt", context)
    return subject, body


@dataclass(frozen=True)
class Download:
    export: TenantExport | None
    refusal: str  # "" when the download may go ahead


def export_redeem(*, export_id: int, token: str, user: object) -> Download:
    """Use the link: once, by whoever asked, before it expires. Anyone else (another staff
    member, a tenant's site) is told there is no such link."""
    with transaction.atomic(), schema_context("public"):
        export = TenantExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or not export.token_hash:
            return Download(None, "unknown")
        if not hmac.compare_digest(export.token_hash, _hash(token)):
            return Download(None, "unknown")
        if export.requested_by_id != getattr(user, "pk", None):
            return Download(None, "unknown")
        if export.used_at is not None:
            return Download(export, _("This link has been used. Ask for a new export."))
        expired = export.expires_at and export.expires_at <= timezone.now()
        if expired or not export.file:  # its file is deleted once expired (exports_clean_up)
            return Download(export, _("This link has expired. Ask for a new export."))
        export.used_at = timezone.now()
        export.save(update_fields=["used_at"])
        audit_record(actor=user, action="tenant.export_downloaded", target=export.tenant)
    return Download(export, "")
