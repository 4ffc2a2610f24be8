"""Bring a tenant back from its archive (tenants.archive), into an empty schema.

Order matters: the archive is checked before anything is touched; a tenant being replaced
is suspended (committed) before its schema is dropped, and tenants.middleware refuses a
host whose schema is missing, so nobody is ever answered from the public schema's tables
meanwhile. `--as NEW_SLUG` restores a copy: pg_restore cannot rename a schema, so the dump
goes through a scratch database where the schema is renamed and dumped again.
"""

import logging
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists
from psycopg import sql

from apps.audit.services import audit_record
from tenants import pgtools, validators
from tenants.archive import ArchiveRefused, Manifest, open_archive
from tenants.exports import conninfo, schema_counts
from tenants.models import Domain, Tenant
from tenants.restore_files import restore_files
from tenants.services import default_domain, tenant_set_status

log = logging.getLogger(__name__)

# Fields of the tenant row that are its life in this installation, not its content.
_LIFE = {"id", "schema_name", "status", "status_changed_at", "status_before_closing", "logo"}
_LIFE |= {"archived_at", "archived_by", "purged_at", "purged_by", "created_at", "is_template"}


@dataclass
class Restored:
    tenant: Tenant
    manifest: Manifest
    migrated: list[str]
    tables: dict[str, int]
    seconds: float
    skipped: list[str] = field(default_factory=list)


def migration_gap(
    applied: set[tuple[str, str]], known: set[tuple[str, str]]
) -> tuple[list[str], list[str]]:
    """(ahead, behind): migrations the archive has that this code does not know (refused:
    the code cannot read that schema), and ones the code has that the archive lacks
    (applied after the restore)."""
    ahead = sorted(f"{app}.{name}" for app, name in applied - known)
    behind = sorted(f"{app}.{name}" for app, name in known - applied)
    return ahead, behind


def known_migrations() -> set[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces or [])  # a squash's old names are known too
    return known


def tenant_restore(
    *, archive: Path, as_slug: str = "", replace: bool = False, actor: object | None
) -> Restored:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tenant-restore-") as scratch:
        folder = Path(scratch)
        manifest = open_archive(archive, folder)
        applied = {(app, name) for app, name in manifest.migrations}
        ahead, behind = migration_gap(applied, known_migrations())
        if ahead:
            raise ArchiveRefused(
                _(
                    "The archive's schema is newer than this code (%(names)s). Update the code "
                    "first. Nothing was changed."
                )
                % {"names": ", ".join(ahead[:5])}
            )
        slug = (as_slug or manifest.tenant).strip().lower()
        existing = _target(slug, as_slug=bool(as_slug), replace=replace)
        previous = existing.status if existing else ""
        if existing is not None:
            existing = _take_offline(existing, actor=actor)
        if slug == manifest.tenant:
            pgtools.restore_schema(folder / "schema.dump")
        else:
            _restore_renamed(folder / "schema.dump", manifest.tenant, slug, folder)
        with transaction.atomic(), schema_context("public"):
            tenant, skipped = _restore_rows(folder, slug, existing, copy=bool(as_slug))
        restore_files(tenant, folder / "files", replace=existing is not None)
        if behind:
            call_command("migrate_schemas", schema_name=slug, interactive=False, verbosity=0)
        tenant = _reopen(tenant, previous, actor=actor)
    with psycopg.connect(conninfo()) as conn:
        tables = schema_counts(conn.cursor(), slug)
    with schema_context("public"):
        audit_record(
            actor=actor,
            action="tenant.restored",
            target=tenant,
            archive=manifest.tenant,
            created_at=manifest.created_at,
            migrated=len(behind),
        )
    seconds = time.perf_counter() - started
    log.info("restored tenant %s in %.2f s", slug, seconds)
    return Restored(tenant, manifest, behind, tables, seconds, skipped)


def _target(slug: str, *, as_slug: bool, replace: bool) -> Tenant | None:
    if as_slug:
        try:
            validators.validate_slug(slug)
        except ValidationError as exc:
            raise ArchiveRefused(" ".join(exc.messages)) from exc
    existing = Tenant.objects.filter(schema_name=slug).first()
    if existing is not None and (existing.is_template or slug == "public"):
        raise ArchiveRefused(_("%(slug)s cannot be restored over.") % {"slug": slug})
    if existing is not None and not replace:
        raise ArchiveRefused(
            _(
                "A tenant called %(slug)s exists. Restore it as a copy with --as NEW_SLUG, or "
                "replace it with --replace (it is suspended first). Nothing was changed."
            )
            % {"slug": slug}
        )
    if existing is None and schema_exists(slug):
        raise ArchiveRefused(
            _("A schema called %(slug)s exists without a tenant. Nothing was changed.")
            % {"slug": slug}
        )
    return existing


def _take_offline(tenant: Tenant, *, actor: object | None) -> Tenant:
    """Suspend first (committed: every request now gets the closed page), then drop."""
    if tenant.status != Tenant.Status.PURGED and schema_exists(tenant.schema_name):
        tenant = tenant_set_status(tenant=tenant, status=Tenant.Status.SUSPENDED, actor=actor)
    elif tenant.status != Tenant.Status.PURGED:
        # Its schema is already gone: update(), as django-tenants' save() would clone one.
        with transaction.atomic():
            Tenant.objects.filter(pk=tenant.pk).update(
                status=Tenant.Status.SUSPENDED, status_changed_at=timezone.now()
            )
            audit_record(actor=actor, action="tenant.status", target=tenant, new="suspended")
        tenant.refresh_from_db()
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE")
            .format(sql.Identifier(tenant.schema_name))
            .as_string(cursor.connection)
        )
    return tenant


def _restore_renamed(dump: Path, old: str, new: str, folder: Path) -> None:
    scratch = f"tovholder_restore_{secrets.token_hex(6)}"
    with psycopg.connect(conninfo(), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
    try:
        pgtools.restore_schema(dump, database=scratch)
        with psycopg.connect(conninfo(scratch), autocommit=True) as conn:
            conn.execute(
                sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                    sql.Identifier(old), sql.Identifier(new)
                )
            )
        renamed = folder / "renamed.dump"
        pgtools.dump_schema(new, renamed, database=scratch)
        pgtools.restore_schema(renamed)
    finally:
        with psycopg.connect(conninfo(), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch))
            )


def _restore_rows(
    folder: Path, slug: str, existing: Tenant | None, *, copy: bool
) -> tuple[Tenant, list[str]]:
    objects = list(serializers.deserialize("json", (folder / "public.json").read_text()))
    archived = next(o.object for o in objects if isinstance(o.object, Tenant))
    skipped: list[str] = []
    if existing is not None:
        tenant = existing
        for f in Tenant._meta.concrete_fields:
            if f.attname not in _LIFE:
                setattr(tenant, f.attname, getattr(archived, f.attname))
        tenant.purged_at, tenant.purged_by = None, ""
        tenant.save()
    else:
        tenant = archived
        tenant.pk, tenant.schema_name, tenant.logo = None, slug, ""
        tenant.archived_at, tenant.archived_by, tenant.purged_at, tenant.purged_by = (
            None,
            "",
            None,
            "",
        )
        if copy:  # a copy opens when the vendor says so, not by itself
            open_status = tenant.status if tenant.status in _OPEN else ""
            tenant.status_before_closing = open_status or tenant.status_before_closing
            tenant.status = Tenant.Status.SUSPENDED
        tenant.auto_create_schema = False  # pg_restore made it (off for every tenant anyway)
        tenant.save()
    if copy:
        Domain.objects.get_or_create(
            domain=default_domain(slug), defaults={"tenant": tenant, "is_primary": True}
        )
        others = [o.object for o in objects if not isinstance(o.object, Tenant)]
        return tenant, [f"{o._meta.label} {o.pk} (the original's, not the copy's)" for o in others]
    for item in objects:
        obj = item.object
        if isinstance(obj, Tenant):
            continue
        if existing is not None and not isinstance(obj, Domain):
            skipped.append(f"{obj._meta.label} {obj.pk} (kept as it is)")
            continue
        skipped.extend(_restore_row(obj, tenant))
    return tenant, skipped


_OPEN = (Tenant.Status.TRIAL, Tenant.Status.ACTIVE)


def _restore_row(obj: object, tenant: Tenant) -> list[str]:
    model = type(obj)
    for f in model._meta.concrete_fields:  # type: ignore[attr-defined]
        if f.is_relation and f.related_model is Tenant:
            setattr(obj, f.attname, tenant.pk)
    label = f"{model._meta.label} {obj.pk}"  # type: ignore[attr-defined]
    if isinstance(obj, Domain) and Domain.objects.filter(pk=obj.pk, domain=obj.domain).exists():
        return []  # still there, as it was
    if model._default_manager.filter(pk=obj.pk).exists():  # type: ignore[attr-defined]
        return [f"{label} (its id is taken here)"]
    if isinstance(obj, Domain) and Domain.objects.filter(domain=obj.domain).exists():
        return [f"{label} ({obj.domain} is in use here)"]
    try:
        with transaction.atomic():
            obj.save(force_insert=True)  # type: ignore[attr-defined]
    except IntegrityError as exc:
        return [f"{label} ({exc.__class__.__name__})"]
    return []


def _reopen(tenant: Tenant, previous: str, *, actor: object | None) -> Tenant:
    """A replaced tenant returns to the status it had before the restore suspended it."""
    if previous and previous not in (Tenant.Status.SUSPENDED, Tenant.Status.PURGED):
        return tenant_set_status(tenant=tenant, status=previous, actor=actor)
    if previous == Tenant.Status.PURGED:
        # Back from the tombstone, closed until the vendor reopens it.
        Tenant.objects.filter(pk=tenant.pk).update(
            status=Tenant.Status.SUSPENDED, status_changed_at=timezone.now()
        )
        tenant.refresh_from_db()
    return tenant
