"""The end of a tenant's life: cancel (archived, read-only for a notice period), then purge.

Purging is the only place a tenant's data is deleted: its schema is dropped and its files
deleted; the tenant row stays as a tombstone (when it was archived and purged, by whom),
and the public rows kept for bookkeeping (subscription, invoices, usage) stay with it.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, tenant_context
from psycopg import sql

from apps.audit.services import audit_record
from tenants.models import Tenant, TenantExport
from tenants.restore_files import delete_tree
from tenants.selectors import tenant_localtime
from tenants.services import tenant_set_status

log = logging.getLogger(__name__)


def tenant_cancel(*, tenant: Tenant, actor: object | None) -> Tenant:
    """Cancel: archived. Its admins can still sign in and read until the notice ends."""
    if tenant.status == Tenant.Status.PURGED:
        raise ValidationError(_("This system owner has already been purged."))
    return tenant_set_status(tenant=tenant, status=Tenant.Status.ARCHIVED, actor=actor)


def notice_ends(tenant: Tenant) -> datetime | None:
    """When an archived tenant may be purged (None: it is not archived)."""
    if tenant.status != Tenant.Status.ARCHIVED:
        return None
    since = tenant.archived_at or tenant.status_changed_at or tenant.created_at
    return since + timedelta(days=settings.OFFBOARDING_NOTICE_DAYS)


def purge_refusal(tenant: Tenant, *, confirm_slug: str, now: datetime | None = None) -> str:
    """Why `tenant` may not be purged now ("" when it may)."""
    ends = notice_ends(tenant)
    if ends is None:
        return _("Only an archived system owner can be purged. Cancel it first.")
    if (now or timezone.now()) < ends:
        moment = tenant_localtime(ends, tenant).strftime("%d.%m.%Y %H:%M")
        return _("The notice period runs until %(date)s; it can be purged after that.") % {
            "date": moment
        }
    if confirm_slug.strip() != tenant.schema_name:
        return _("Type the short name %(slug)s exactly to confirm the purge.") % {
            "slug": tenant.schema_name
        }
    return ""


def tenant_purge(
    *, tenant: Tenant, confirm_slug: str, actor: object | None, now: datetime | None = None
) -> Tenant:
    """Drop the schema, delete the files, keep the row as a tombstone. Audited."""
    with transaction.atomic(), schema_context("public"):
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        refusal = purge_refusal(locked, confirm_slug=confirm_slug, now=now)
        if refusal:
            raise ValidationError(refusal, code="purge_refused")
        with connection.cursor() as cursor:
            # Deferred foreign-key checks still pending in this transaction would refuse
            # the drop ("pending trigger events"): run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE")
                .format(sql.Identifier(locked.schema_name))
                .as_string(cursor.connection)
            )
        moment = now or timezone.now()
        who = str(getattr(actor, "email", None) or actor or "")[:200]
        logo = locked.logo.name
        # update(), not save(): django-tenants' save() would clone a new schema for a tenant
        # whose schema is missing.
        Tenant.objects.filter(pk=locked.pk).update(
            status=Tenant.Status.PURGED,
            status_changed_at=moment,
            purged_at=moment,
            purged_by=who,
            logo="",
        )
        exports = list(TenantExport.objects.filter(tenant=locked).exclude(file=""))
        TenantExport.objects.filter(tenant=locked).update(file="", expires_at=moment)
        audit_record(
            actor=actor,
            action="tenant.purged",
            target=locked,
            archived_at=str(locked.archived_at),
            archived_by=locked.archived_by,
        )
        # Files go only once the drop is committed: a failed purge deletes nothing.
        transaction.on_commit(lambda: _delete_files(locked, logo, [e.file for e in exports]))
    locked.refresh_from_db()
    log.info("purged tenant %s", locked.schema_name)
    return locked


def _delete_files(tenant: Tenant, logo: str, exports: list[str]) -> None:
    with tenant_context(tenant):
        delete_tree(storages["default"], "")
    if logo:
        storages["branding"].delete(logo)
    for name in exports:  # the tenant's data, also in the archives made of it
        storages["exports"].delete(name)
