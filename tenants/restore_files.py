"""Put an archive's files back through the storage API (a local folder or S3 alike)."""

from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django_tenants.utils import schema_context, tenant_context

from tenants.models import Tenant, logo_path


def restore_files(tenant: Tenant, folder: Path, *, replace: bool = False) -> int:
    restored = 0
    default = folder / "default"
    with tenant_context(tenant):
        if replace:  # files stored after the export would point at nothing: as in the archive
            delete_tree(storages["default"], "")
        if default.is_dir():
            for path in sorted(p for p in default.rglob("*") if p.is_file()):
                _put(storages["default"], path.relative_to(default).as_posix(), path)
                restored += 1
    branding = folder / "branding"
    logos = sorted(branding.glob("*")) if branding.is_dir() else []
    if logos:
        # Under the restored tenant's own prefix, which differs for a copy (--as).
        name = _put(storages["branding"], logo_path(tenant, logos[0].name), logos[0])
        with transaction.atomic(), schema_context("public"):
            Tenant.objects.filter(pk=tenant.pk).update(logo=name)
        tenant.logo.name = name
        restored += 1
    return restored


def _put(storage: Storage, name: str, path: Path) -> str:
    # The same name as before: rows in the schema point at it. An older file of that name
    # (a replaced tenant's) gives way.
    if storage.exists(name):
        storage.delete(name)
    with path.open("rb") as handle:
        return storage.save(name, File(handle, name=path.name))


def delete_tree(storage: Storage, folder: str) -> None:
    """Every file under `folder` of `storage` (the tenant's prefix, in its context)."""
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:  # a tenant that never stored a file has no folder
        return
    for name in files:
        storage.delete(f"{folder}{name}")
    for name in dirs:
        delete_tree(storage, f"{folder}{name}/")
