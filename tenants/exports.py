"""Export one tenant to an archive (tenants.archive): its schema, public rows and files.

The schema is dumped and counted in one snapshot: a REPEATABLE READ transaction on a
connection of its own exports its snapshot to pg_dump, so the manifest's row counts are
exactly those of the dump even while the site keeps working.
"""

import logging
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.core import serializers
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context
from psycopg import sql
from psycopg.conninfo import make_conninfo

from apps.audit.services import audit_record
from tenants import pgtools
from tenants.archive import Manifest, installation_id, write_archive
from tenants.models import Tenant, TenantExport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Exported:
    path: Path
    manifest: Manifest
    seconds: float


def tenant_export(*, tenant: Tenant, out: Path, actor: object | None) -> Exported:
    """Write `tenant`'s archive to `out`. Reads only; the site stays up meanwhile."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tenant-export-") as scratch:
        folder = Path(scratch)
        with _snapshot() as (cursor, snapshot):
            pgtools.dump_schema(tenant.schema_name, folder / "schema.dump", snapshot=snapshot)
            tables = schema_counts(cursor, tenant.schema_name)
            migrations = applied_migrations(cursor, tenant.schema_name)
            server_version = str(cursor.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        public_rows = _write_public_rows(tenant, folder / "public.json")
        files = _copy_files(tenant, folder / "files")
        manifest = Manifest(
            tenant=tenant.schema_name,
            name=tenant.name,
            installation=installation_id(),
            created_at=timezone.now().isoformat(),
            server_version=server_version,
            migrations=migrations,
            tables=tables,
            public_rows=public_rows,
            files=files,
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        write_archive(folder, manifest, out)
    with schema_context("public"):
        audit_record(actor=actor, action="tenant.exported", target=tenant, size=out.stat().st_size)
    seconds = time.perf_counter() - started
    log.info("exported tenant %s in %.2f s", tenant.schema_name, seconds)
    return Exported(path=out, manifest=manifest, seconds=seconds)


class _snapshot:
    """A connection of its own in REPEATABLE READ, its snapshot exported for pg_dump."""

    def __enter__(self) -> tuple[psycopg.Cursor, str]:
        self.conn = psycopg.connect(conninfo(), autocommit=False)
        self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor = self.conn.cursor()
        snapshot = cursor.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        return cursor, snapshot

    def __exit__(self, *exc: object) -> None:
        self.conn.rollback()
        self.conn.close()


def conninfo(database: str | None = None) -> str:
    """libpq's connection string for the Django database (or another on its server)."""
    return make_conninfo(**pgtools.libpq_params(database))


def schema_counts(cursor: psycopg.Cursor, schema: str) -> dict[str, int]:
    """Exact rows per table of `schema` (no estimates: the round trip compares them)."""
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", (schema,)
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts: dict[str, int] = {}
    for table in tables:
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table))
        counts[table] = int(cursor.execute(query).fetchone()[0])  # type: ignore[index]
    return counts


def applied_migrations(cursor: psycopg.Cursor, schema: str) -> list[list[str]]:
    query = sql.SQL("SELECT app, name FROM {} ORDER BY app, name").format(
        sql.Identifier(schema, "django_migrations")
    )
    return [[app, name] for app, name in cursor.execute(query).fetchall()]


def public_querysets(tenant: Tenant) -> Iterator[models.QuerySet]:
    """The tenant's rows in the public schema: the tenant row, then every public model that
    points at it (domains, subscription, invoices, usage), then their cascading children
    (invoice lines). Found by introspection: billing sits above tenants in the layers."""
    yield Tenant.objects.filter(pk=tenant.pk)
    for relation in Tenant._meta.related_objects:
        model = relation.related_model
        if model is TenantExport or not _is_public(model):
            continue
        rows = model._default_manager.filter(**{relation.field.name: tenant})
        yield rows
        for child in model._meta.related_objects:
            if child.on_delete is models.CASCADE and _is_public(child.related_model):
                yield child.related_model._default_manager.filter(
                    **{f"{child.field.name}__in": rows}
                )


def _is_public(model: type[models.Model]) -> bool:
    from django.conf import settings

    config = model._meta.app_config
    return config is not None and config.name in settings.SHARED_APPS


def _write_public_rows(tenant: Tenant, path: Path) -> dict[str, int]:
    objects: list[models.Model] = []
    with schema_context("public"):
        for rows in public_querysets(tenant):
            objects.extend(rows.order_by("pk"))
    path.write_text(serializers.serialize("json", objects, indent=1))
    counts: dict[str, int] = {}
    for obj in objects:
        counts[obj._meta.label] = counts.get(obj._meta.label, 0) + 1
    return counts


def _copy_files(tenant: Tenant, into: Path) -> int:
    """Through the storage API, so a local folder and an S3 bucket are read alike."""
    copied = 0
    with tenant_context(tenant):
        copied += _copy_tree(storages["default"], "", into / "default")
    if tenant.logo:
        copied += _copy_one(storages["branding"], tenant.logo.name, into / "branding")
    return copied


def _copy_tree(storage: Storage, folder: str, into: Path) -> int:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:  # a tenant that never stored a file has no folder
        return 0
    copied = 0
    for name in files:
        copied += _copy_one(storage, f"{folder}{name}", into, keep=f"{folder}{name}")
    for name in dirs:
        copied += _copy_tree(storage, f"{folder}{name}/", into)
    return copied


def _copy_one(storage: Storage, name: str, into: Path, keep: str | None = None) -> int:
    target = into / (keep or Path(name).name)
    target.parent.mkdir(parents=True, exist_ok=True)
    with storage.open(name, "rb") as source, target.open("wb") as out:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            out.write(chunk)
    return 1
