"""The tenant archive's format: one tar file, every member listed with its sha256 in
manifest.json, and manifest.json signed (HMAC-SHA256) in manifest.sig. docs/offboarding.md.

Members:
    manifest.json   what is inside (see `Manifest`), written last, signed
    manifest.sig    hex HMAC-SHA256 of manifest.json's bytes with the archive key
    schema.dump     pg_dump --format=custom --schema=<slug>
    public.json     the tenant's rows in the public schema (Django's JSON serialization)
    files/default/  the tenant's files in the default storage, under its prefix
    files/branding/ its logo
"""

import hashlib
import hmac
import json
import shutil
import tarfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

FORMAT = "tovholder-tenant-archive/1"
MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"


class ArchiveRefused(Exception):
    """The archive may not be restored here; the message says why, nothing was changed."""


def archive_key() -> bytes:
    configured = getattr(settings, "TENANT_ARCHIVE_KEY", "")
    if configured:
        return configured.encode()
    return salted_hmac("tenants.archive.key", "v1").digest()


def installation_id() -> str:
    """Names this installation in the manifest: a digest of the archive key, itself no
    secret. An archive naming another installation is refused before its signature is even
    checked, with a message saying so (a wrong key would otherwise look like tampering).
    Installations that share TENANT_ARCHIVE_KEY are one installation for archives."""
    return hashlib.sha256(b"tovholder-installation:" + archive_key()).hexdigest()[:16]


def sign(data: bytes) -> str:
    return hmac.new(archive_key(), data, hashlib.sha256).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Manifest:
    tenant: str
    name: str
    installation: str
    created_at: str
    server_version: str
    migrations: list[list[str]]  # [app, name] applied in the schema
    tables: dict[str, int]  # rows per table in the schema
    public_rows: dict[str, int]  # rows per model label in public.json
    files: int
    members: dict[str, dict[str, Any]] = field(default_factory=dict)  # name: sha256, size
    format: str = FORMAT

    def to_bytes(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()


def write_archive(folder: Path, manifest: Manifest, out: Path) -> None:
    """Tar every file of `folder` (its sha256 into the manifest), then the signed manifest.
    Written beside `out` and renamed, so a failed export leaves no half archive."""
    members = sorted(p for p in folder.rglob("*") if p.is_file())
    for path in members:
        name = path.relative_to(folder).as_posix()
        manifest.members[name] = {"sha256": sha256_file(path), "size": path.stat().st_size}
    body = manifest.to_bytes()
    (folder / MANIFEST).write_bytes(body)
    (folder / SIGNATURE).write_text(sign(body))
    partial = out.with_name(out.name + ".part")
    with tarfile.open(partial, "w") as tar:
        for name in (MANIFEST, SIGNATURE):
            tar.add(folder / name, arcname=name)
        for path in members:
            tar.add(path, arcname=path.relative_to(folder).as_posix())
    partial.replace(out)


def open_archive(path: Path, into: Path) -> Manifest:
    """Check and unpack an archive into `into`. Refused, with a clear message, when it is
    from another installation, its manifest was changed, or any member differs from the
    manifest (changed, added or missing)."""
    try:
        tar = tarfile.open(path, "r")  # noqa: SIM115 (closed by the `with` below)
    except (OSError, tarfile.TarError) as exc:
        raise ArchiveRefused(_("This is not a tenant archive: %(error)s") % {"error": exc}) from exc
    with tar:
        names = [member.name for member in tar.getmembers() if member.isfile()]
        if MANIFEST not in names or SIGNATURE not in names:
            raise ArchiveRefused(_("This is not a tenant archive: it has no signed manifest."))
        body = _read(tar, MANIFEST)
        signature = _read(tar, SIGNATURE).decode().strip()
        manifest = _parse(body)
        if manifest.installation != installation_id():
            raise ArchiveRefused(
                _(
                    "This archive was made by another installation (%(theirs)s, this is "
                    "%(ours)s); it is not restored here. Nothing was changed."
                )
                % {"theirs": manifest.installation, "ours": installation_id()}
            )
        if not hmac.compare_digest(signature, sign(body)):
            raise ArchiveRefused(
                _(
                    "The archive's manifest does not match its signature: it was changed after "
                    "the export. Nothing was changed."
                )
            )
        _check_members(tar, names, manifest, into)
    return manifest


def _read(tar: tarfile.TarFile, name: str) -> bytes:
    handle = tar.extractfile(name)
    if handle is None:
        raise ArchiveRefused(
            _("This is not a tenant archive: %(name)s is missing.") % {"name": name}
        )
    return handle.read()


def _parse(body: bytes) -> Manifest:
    try:
        data = json.loads(body)
        if data.get("format") != FORMAT:
            raise ValueError(data.get("format"))
        return Manifest(**data)
    except (ValueError, TypeError) as exc:
        raise ArchiveRefused(
            _("The archive's manifest cannot be read: %(error)s") % {"error": exc}
        ) from exc


def _check_members(tar: tarfile.TarFile, names: list[str], manifest: Manifest, into: Path) -> None:
    expected = set(manifest.members)
    present = set(names) - {MANIFEST, SIGNATURE}
    if present != expected:
        odd = sorted(present ^ expected)[:5]
        raise ArchiveRefused(
            _("The archive's files differ from its manifest (%(names)s). Nothing was changed.")
            % {"names": ", ".join(odd)}
        )
    for name in sorted(expected):
        target = _safe_target(into, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = tar.extractfile(name)
        if handle is None:
            raise ArchiveRefused(
                _("This is not a tenant archive: %(name)s is missing.") % {"name": name}
            )
        with target.open("wb") as out:
            shutil.copyfileobj(handle, out, 1 << 20)
        if sha256_file(target) != manifest.members[name]["sha256"]:
            raise ArchiveRefused(
                _(
                    "%(name)s in the archive was changed after the export (its checksum "
                    "differs). Nothing was changed."
                )
                % {"name": name}
            )


def _safe_target(into: Path, name: str) -> Path:
    # Never outside the unpacking folder, whatever the member is called.
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise ArchiveRefused(_("The archive holds an unsafe file name: %(name)s") % {"name": name})
    return into.joinpath(*relative.parts)
