"""tenant_export / tenant_restore through the real stack: pg_dump and pg_restore of the
server's major version against the test database.

pg_dump and pg_restore are processes of their own: they see only committed rows. The
round trips therefore run on a connection of their own (tests.threads-style), on a
throwaway tenant that is provisioned, committed, and removed again at the end; nyborg and
visitaarhus, which the whole suite shares, are only ever read."""

import json
import re
import secrets
import tarfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client
from django.utils import translation
from django_tenants.utils import schema_context, schema_exists, tenant_context
from psycopg import sql

from apps.audit.models import AuditEvent
from tenants import pgtools
from tenants.archive import ArchiveRefused, open_archive, sign
from tenants.exports import conninfo, schema_counts, tenant_export
from tenants.models import Domain, Tenant
from tenants.restore import migration_gap, tenant_restore
from tenants.services import tenant_provision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are matched in English: Danish ones come with the translations (locale/)."""
    with translation.override("en"):
        yield


T = TypeVar("T")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def committed(work: Callable[[], T]) -> T:
    """Run `work` on a fresh connection, outside the test's transaction, and wait."""

    def run() -> T:
        connection.set_schema_to_public()
        try:
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def counts(schema: str) -> dict[str, int]:
    with psycopg.connect(conninfo()) as conn:
        return schema_counts(conn.cursor(), schema)


def _drop(slug: str) -> None:
    with psycopg.connect(conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(slug)))


def _forget(slug: str) -> None:
    _drop(slug)
    for tenant in Tenant.objects.filter(schema_name=slug):
        AuditEvent.objects.filter(target_type="tenants.Tenant", target_id=str(tenant.pk)).delete()
        Domain.objects.filter(tenant=tenant).delete()
        Tenant.objects.filter(pk=tenant.pk).delete()


@pytest.fixture
def throwaway(media) -> Iterator[Tenant]:
    """A committed tenant with the demo's marketplace, a file and a logo."""
    slug = f"rt_{secrets.token_hex(3)}"
    made: list[str] = [slug]

    def provision() -> Tenant:
        from demo.management.commands._demo_marketplace import seed_marketplace

        tenant = tenant_provision(
            name="Rundtur Kommune", slug=slug, admin_email="r@rundtur.dk", admin_name="R"
        ).tenant
        with tenant_context(tenant):
            seed_marketplace(password="x" * 12, volunteer_email="v@rundtur.dk")
            storages["default"].save("events/poster.png", ContentFile(PNG))
        tenant.logo.save("logo.png", ContentFile(PNG), save=False)
        Tenant.objects.filter(pk=tenant.pk).update(logo=tenant.logo.name)
        return Tenant.objects.get(pk=tenant.pk)

    tenant = committed(provision)
    tenant.made = made
    yield tenant

    def forget_all() -> None:
        for name in made:
            _forget(name)

    committed(forget_all)


def _page(host: str, path: str) -> tuple[int, str]:
    response = Client(HTTP_HOST=host).get(path)
    body = response.content.decode()
    # Per-request values only: CSRF tokens and CSP nonces.
    body = re.sub(r'(csrfmiddlewaretoken" value=|nonce=)"[^"]*"', r"\1", body)
    return response.status_code, body


def _pages(tenant: Tenant) -> dict[str, tuple[int, str]]:
    host = f"{tenant.schema_name.replace('_', '-')}.localhost"

    def read() -> dict[str, tuple[int, str]]:
        status, home = _page(host, "/")
        event = re.search(r'href="(/arrangementer/\d+/)"', home)
        assert event, "the marketplace lists an event"
        return {"/": (status, home), event.group(1): _page(host, event.group(1))}

    return committed(read)


def test_it_round_trips_a_tenant_with_equal_counts_pages_and_files(throwaway, aarhus, tmp_path):
    slug = throwaway.schema_name
    aarhus_before = counts(aarhus.schema_name)
    before, pages = counts(slug), _pages(throwaway)
    assert pages["/"][0] == 200 and "Rundtur" in pages["/"][1]
    exported = committed(lambda: tenant_export(tenant=throwaway, out=tmp_path / "a.tar", actor="t"))
    assert exported.manifest.tables == before
    committed(lambda: _drop(slug))
    # The schema is gone: the host is not found, never answered from public's tables.
    status, body = committed(
        lambda: _page(f"{slug.replace('_', '-')}.localhost", "/konto/log-ind/")
    )
    assert status == 404 and "vera@tovholder.dk" not in body
    storages["default"].delete(f"{slug}/events/poster.png")
    with tenant_context(throwaway):  # stored after the export: not in the restored tenant
        storages["default"].save("events/later.png", ContentFile(PNG))

    restored = committed(
        lambda: tenant_restore(archive=tmp_path / "a.tar", replace=True, actor="t")
    )

    assert restored.tables == before == counts(slug)
    # Suspended first (committed) while its schema was replaced, then back as before.
    statuses = AuditEvent.objects.filter(
        action="tenant.status", target_id=str(throwaway.pk)
    ).values_list("data__new", flat=True)
    assert list(statuses.order_by("pk")) == ["suspended", "trial"]
    assert restored.tenant.status == Tenant.Status.TRIAL
    assert _pages(restored.tenant) == pages
    with tenant_context(restored.tenant):
        assert storages["default"].open("events/poster.png").read() == PNG
        assert not storages["default"].exists("events/later.png")
    assert storages["branding"].open(restored.tenant.logo.name).read() == PNG
    assert counts(aarhus.schema_name) == aarhus_before


def test_it_restores_a_copy_under_a_new_slug(throwaway, tmp_path):
    copy = f"{throwaway.schema_name}_copy"
    throwaway.made.append(copy)
    archive = tmp_path / "a.tar"
    committed(lambda: tenant_export(tenant=throwaway, out=archive, actor="t"))

    restored = committed(lambda: tenant_restore(archive=archive, as_slug=copy, actor="t"))

    assert restored.tables == counts(throwaway.schema_name)
    tenant = Tenant.objects.get(schema_name=copy)
    assert tenant.status == Tenant.Status.SUSPENDED  # opened when the vendor says so
    assert tenant.status_before_closing == Tenant.Status.TRIAL
    assert tenant.get_primary_domain().domain == f"{copy.replace('_', '-')}.localhost"
    assert tenant.logo.name == f"platform/branding/{copy}/logo.png"
    with tenant_context(tenant):
        assert storages["default"].exists("events/poster.png")
    assert Tenant.objects.get(pk=throwaway.pk).status == Tenant.Status.TRIAL  # untouched


def test_it_migrates_a_restored_schema_that_is_behind_the_code(throwaway, tmp_path):
    # Faked safely: the manifest (re-signed) leaves out the last migration of an app whose
    # tables live only in public; migrate_schemas must then bring the copy up to date.
    copy = f"{throwaway.schema_name}_old"
    throwaway.made.append(copy)
    committed(lambda: tenant_export(tenant=throwaway, out=tmp_path / "a.tar", actor="t"))
    dropped: list[str] = []

    def edit(folder: Path) -> None:
        manifest = json.loads((folder / "manifest.json").read_text())
        last = max(m for m in manifest["migrations"] if m[0] == "billing")
        manifest["migrations"].remove(last)
        dropped.append(".".join(last))
        (folder / "manifest.json").write_text(json.dumps(manifest))

    behind = _rewrite(tmp_path / "a.tar", edit, resign=True)
    restored = committed(lambda: tenant_restore(archive=behind, as_slug=copy, actor="t"))
    assert restored.migrated == dropped
    assert restored.tables == counts(throwaway.schema_name)


def test_it_restores_a_tenant_onto_an_installation_without_it(throwaway, tmp_path):
    # As after moving installations: no row, no domain, no schema, no files.
    slug, archive = throwaway.schema_name, tmp_path / "a.tar"
    before = counts(slug)
    committed(lambda: tenant_export(tenant=throwaway, out=archive, actor="t"))

    def gone() -> None:
        _forget(slug)
        with tenant_context(throwaway):
            storages["default"].delete("events/poster.png")

    committed(gone)
    restored = committed(lambda: tenant_restore(archive=archive, actor="t"))

    assert restored.skipped == [] and restored.tables == before
    tenant = Tenant.objects.get(schema_name=slug)
    assert (tenant.name, tenant.status) == ("Rundtur Kommune", Tenant.Status.TRIAL)
    assert tenant.get_primary_domain().domain == f"{slug.replace('_', '-')}.localhost"
    with tenant_context(tenant):
        assert storages["default"].exists("events/poster.png")
    assert _pages(tenant)["/"][0] == 200


def test_it_refuses_to_restore_over_a_tenant_without_replace(throwaway, tmp_path):
    archive = tmp_path / "a.tar"
    committed(lambda: tenant_export(tenant=throwaway, out=archive, actor="t"))
    with pytest.raises(ArchiveRefused, match="--replace"):
        tenant_restore(archive=archive, actor="t")
    assert schema_exists(throwaway.schema_name)


@pytest.fixture
def nyborg_archive(nyborg, tmp_path) -> Path:
    """nyborg's archive: pg_dump reads its committed rows; nothing of nyborg changes."""
    out = tmp_path / "nyborg.tar"
    tenant_export(tenant=nyborg, out=out, actor="t")
    return out


def _rewrite(archive: Path, change: Callable[[Path], Any], *, resign: bool) -> Path:
    folder = archive.parent / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    change(folder)
    if resign:
        (folder / "manifest.sig").write_text(sign((folder / "manifest.json").read_bytes()))
    out = archive.parent / "changed.tar"
    with tarfile.open(out, "w") as tar:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=path.relative_to(folder).as_posix())
    return out


def _tenants() -> list[str]:
    return sorted(Tenant.objects.values_list("schema_name", flat=True))


def test_it_refuses_an_archive_whose_member_was_changed(nyborg_archive):
    before = _tenants()
    changed = _rewrite(nyborg_archive, lambda f: (f / "public.json").write_text("[]"), resign=False)
    with pytest.raises(ArchiveRefused, match=r"public\.json in the archive was changed"):
        tenant_restore(archive=changed, as_slug="tampered", actor="t")
    assert _tenants() == before and not schema_exists("tampered")


def test_it_refuses_an_archive_whose_manifest_was_changed(nyborg_archive):
    def edit(folder: Path) -> None:
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest["tables"]["accounts_user"] = 0
        (folder / "manifest.json").write_text(json.dumps(manifest))

    changed = _rewrite(nyborg_archive, edit, resign=False)
    with pytest.raises(ArchiveRefused, match="does not match its signature"):
        tenant_restore(archive=changed, as_slug="tampered", actor="t")


def test_it_refuses_an_archive_from_another_installation(nyborg_archive, settings):
    settings.SECRET_KEY = "another installation's key"
    with pytest.raises(ArchiveRefused, match="made by another installation"):
        tenant_restore(archive=nyborg_archive, as_slug="foreign", actor="t")
    assert not schema_exists("foreign")


def test_it_accepts_an_archive_of_an_installation_sharing_the_archive_key(
    nyborg, settings, tmp_path
):
    settings.TENANT_ARCHIVE_KEY = "shared between production and staging"
    tenant_export(tenant=nyborg, out=tmp_path / "a.tar", actor="t")
    settings.SECRET_KEY = "staging's own key"
    manifest = open_archive(tmp_path / "a.tar", tmp_path / "unpacked")
    assert manifest.tenant == "nyborg" and (tmp_path / "unpacked" / "schema.dump").exists()
    settings.TENANT_ARCHIVE_KEY = ""
    with pytest.raises(ArchiveRefused, match="made by another installation"):
        open_archive(tmp_path / "a.tar", tmp_path / "again")


def test_it_refuses_an_archive_whose_schema_is_ahead_of_the_code(nyborg_archive):
    def edit(folder: Path) -> None:
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest["migrations"].append(["shifts", "9999_from_the_future"])
        (folder / "manifest.json").write_text(json.dumps(manifest))

    changed = _rewrite(nyborg_archive, edit, resign=True)
    with pytest.raises(ArchiveRefused, match=r"newer than this code \(shifts.9999_from_the_future"):
        tenant_restore(archive=changed, as_slug="ahead", actor="t")
    assert not schema_exists("ahead")


def test_it_migrates_what_an_archive_lacks_and_refuses_what_it_has_extra():
    known = {("shifts", "0001_initial"), ("shifts", "0002_more")}
    assert migration_gap({("shifts", "0001_initial")}, known) == ([], ["shifts.0002_more"])
    assert migration_gap(known | {("shifts", "0003_new")}, known) == (["shifts.0003_new"], [])
    assert migration_gap(known, known) == ([], [])


def test_it_records_every_applied_migration_and_count_in_the_manifest(nyborg_archive, nyborg):
    with tarfile.open(nyborg_archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
    assert ["tenants", "0007_offboarding"] in manifest["migrations"]
    assert manifest["tables"] == counts(nyborg.schema_name)
    assert manifest["public_rows"]["tenants.Tenant"] == 1
    assert names == {"manifest.json", "manifest.sig", *manifest["members"]}


def test_it_uses_pg_tools_of_the_servers_major_version():
    major = pgtools.server_major()
    assert pgtools._version(pgtools.tool("pg_dump")) == major
    assert pgtools._version(pgtools.tool("pg_restore")) == major


def test_it_exports_and_refuses_from_the_command_line(nyborg_archive, tmp_path, capsys):
    call_command("tenant_export", "nyborg", str(tmp_path / "again.tar"))
    assert "Exported nyborg" in capsys.readouterr().out
    changed = _rewrite(
        nyborg_archive, lambda f: (f / "schema.dump").write_bytes(b"x"), resign=False
    )
    with pytest.raises(CommandError, match=r"schema\.dump in the archive was changed"):
        call_command("tenant_restore", str(changed), "--as", "tampered")
    with pytest.raises(CommandError, match="No tenant to export"):
        call_command("tenant_export", "nowhere", str(tmp_path / "x.tar"))
    with schema_context("public"):
        assert not Tenant.objects.filter(schema_name="tampered").exists()
