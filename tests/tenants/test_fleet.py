"""Deploys that skip what is done (tenants.fleet, manage.py migrate_tenants).

Nyborg and VisitAarhus are the suite's tenants; a schema is made stale by giving it an old
recorded state, and, where a real migrate must apply something, by taking back a migration
that adds one column and that nothing depends on (found in the graph, so a later migration
of the same app does not break these tests): the column dropped and the migration
forgotten. Forgetting it without dropping the column makes the migrate fail (it is there).
"""

import functools
import os
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddField
from django_tenants.utils import schema_context

from tenants.fleet import Outcome, migrate_fleet
from tenants.migration_state import code_migration_state
from tenants.models import Tenant

pytestmark = pytest.mark.django_db

OLD = "0" * 32


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    # A real migrate fills Django's content-type cache from a tenant's schema.
    yield
    ContentType.objects.clear_cache()


@functools.cache
def added_column() -> tuple[str, str, str, str]:
    """(app, migration, table, column) of a tenant app's leaf migration that only adds a
    column and on which no other migration depends."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    tenant_apps = {c.label for c in apps.get_app_configs() if c.name in settings.TENANT_APPS}
    for app, name in sorted(loader.graph.leaf_nodes()):
        operations = loader.disk_migrations[(app, name)].operations
        only_adds = len(operations) == 1 and isinstance(operations[0], AddField)
        if app in tenant_apps and only_adds and not loader.graph.node_map[(app, name)].children:
            model = apps.get_model(app, operations[0].model_name)
            column = model._meta.get_field(operations[0].name).column
            return app, name, model._meta.db_table, column
    raise AssertionError("no tenant migration adds just one column")


def state_of(schema_name: str) -> str:
    with schema_context("public"):
        return Tenant.objects.get(schema_name=schema_name).migration_state


def make_stale(*schema_names: str) -> None:
    Tenant.objects.filter(schema_name__in=schema_names).update(migration_state=OLD)


def forget_migration(schema_name: str, app: str, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{schema_name}".django_migrations WHERE app = %s AND name = %s',
            [app, name],
        )
        assert cursor.rowcount == 1


def is_applied(schema_name: str, app: str, name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT 1 FROM "{schema_name}".django_migrations WHERE app = %s AND name = %s',
            [app, name],
        )
        return cursor.fetchone() is not None


def refuse(schema_name: str) -> Outcome:
    raise AssertionError(f"{schema_name} was migrated although its state is current")


def test_it_gives_a_provisioned_tenant_the_codes_state(nyborg, aarhus):
    # Both were provisioned after setup_platform: the clone's state was recorded with it.
    assert nyborg.migration_state == aarhus.migration_state == code_migration_state()
    assert state_of(settings.TENANT_BASE_SCHEMA) == code_migration_state()


def test_it_skips_every_schema_whose_state_is_current(django_assert_num_queries):
    Tenant.objects.exists()  # the connection's search_path is set once, before counting
    with django_assert_num_queries(1):  # the tenant list; no schema is opened
        report = migrate_fleet(workers=2, migrate=refuse)
    assert report.ok and report.migrated == [] and report.skipped == 3  # template + 2


def test_it_migrates_a_stale_schema_and_records_its_state(nyborg, aarhus):
    app, name, table, column = added_column()
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE nyborg."{table}" DROP COLUMN "{column}"')
    forget_migration("nyborg", app, name)
    make_stale("nyborg")
    aarhus_migrated_at = aarhus.migrated_at
    report = migrate_fleet(workers=0)  # in this process: the test's transaction
    assert report.ok and report.skipped == 2
    assert [(o.schema_name, o.applied) for o in report.migrated] == [("nyborg", (f"{app}.{name}",))]
    assert is_applied("nyborg", app, name)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM nyborg."{table}" LIMIT 0')  # back again
    assert state_of("nyborg") == code_migration_state()
    aarhus.refresh_from_db()
    assert aarhus.migrated_at == aarhus_migrated_at  # skipped, not opened


def test_it_reports_a_failing_tenant_which_keeps_its_old_state(nyborg, aarhus):
    app, name, _table, column = added_column()
    forget_migration("visitaarhus", app, name)
    make_stale("nyborg", "visitaarhus")
    with pytest.raises(CommandError) as raised:
        call_command("migrate_tenants", workers=0, verbosity=0)
    message = str(raised.value)
    assert "1 tenant schema(s) failed to migrate" in message
    assert f'visitaarhus: ProgrammingError: column "{column}"' in message
    assert "nyborg" not in message
    assert state_of("visitaarhus") == OLD  # the next run retries it
    assert not is_applied("visitaarhus", app, name)
    assert state_of("nyborg") == code_migration_state()  # the others went on


def test_it_touches_no_tenant_when_the_template_fails(nyborg):
    make_stale(settings.TENANT_BASE_SCHEMA, "nyborg", "visitaarhus")
    called = []

    def template_breaks(schema_name: str) -> Outcome:
        called.append(schema_name)
        return Outcome(schema_name, ok=schema_name != settings.TENANT_BASE_SCHEMA, error="boom")

    report = migrate_fleet(workers=0, migrate=template_breaks)
    assert called == [settings.TENANT_BASE_SCHEMA]
    assert [o.schema_name for o in report.failed] == [settings.TENANT_BASE_SCHEMA]
    assert report.not_attempted == ["nyborg", "visitaarhus"] and not report.ok
    assert state_of("nyborg") == state_of(settings.TENANT_BASE_SCHEMA) == OLD


def test_it_reports_a_tenant_whose_schema_is_missing():
    Tenant.objects.bulk_create([Tenant(schema_name="ghost", name="Ghost", migration_state=OLD)])
    report = migrate_fleet(workers=0, migrate=refuse)
    assert [(o.schema_name, o.error) for o in report.failed] == [
        ("ghost", "the schema does not exist")
    ]
    assert state_of("ghost") == OLD


def test_it_leaves_purged_tenants_out():
    Tenant.objects.bulk_create(
        [Tenant(schema_name="gone", name="Gone", status=Tenant.Status.PURGED)]
    )
    assert migrate_fleet(workers=0, migrate=refuse).ok


def _slow_migrate(folder: str, schema_name: str) -> Outcome:
    # In a worker process: when it ran, by which process (no database).
    started = time.monotonic()
    time.sleep(0.3)
    Path(folder, schema_name).write_text(f"{os.getpid()} {started} {time.monotonic()}")
    return Outcome(schema_name, ok=True)


def test_it_never_migrates_more_schemas_at_once_than_it_has_workers(tmp_path):
    names = [f"load{i}" for i in range(7)]
    Tenant.objects.bulk_create(
        [Tenant(schema_name=name, name=name, migration_state=OLD) for name in names]
    )
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE SCHEMA "{name}"')
    migrate = functools.partial(_slow_migrate, str(tmp_path))
    report = migrate_fleet(workers=3, migrate=migrate)
    assert report.ok and sorted(o.schema_name for o in report.migrated) == names
    runs = [tuple(map(float, (tmp_path / name).read_text().split())) for name in names]
    assert len({pid for pid, _, _ in runs}) == 3 and os.getpid() not in {p for p, _, _ in runs}
    most_at_once = max(sum(1 for _, s, e in runs if s <= start < e) for _, start, _ in runs)
    assert most_at_once == 3  # in parallel, and never more than the workers
    assert {state_of(name) for name in names} == {code_migration_state()}


def test_it_migrates_every_schema_when_asked_to_ignore_the_states():
    called = []

    def records(schema_name: str) -> Outcome:
        called.append(schema_name)
        return Outcome(schema_name, ok=True)

    report = migrate_fleet(workers=0, force=True, migrate=records)
    assert called == [settings.TENANT_BASE_SCHEMA, "nyborg", "visitaarhus"]  # template first
    assert report.skipped == 0
