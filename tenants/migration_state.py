"""What migration state a tenant's schema is in, as one short hash kept on its public row.

The hash is of the code's migration graph: the leaf migrations of the apps that live in
tenant schemas (settings.TENANT_APPS), read from the migration files, no database. A schema
whose stored hash equals the code's has every tenant migration the code knows, so a deploy
skips it (`manage.py migrate_tenants`, tenants.fleet) instead of asking its django_migrations
table, which costs a second per schema when nothing is to apply.

The hash is written only after a schema was brought to that state: by migrate_tenants after
a successful migrate, and by provisioning, whose clone is refused when the template lags
behind the code (tenants.checks). A wrong hash can only be an old one, which costs a no-op
migrate at the next deploy, never a skipped migration.
"""

import functools
import hashlib

from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.models import Tenant


@functools.cache
def code_migration_state() -> str:
    """The hash of the tenant apps' leaf migrations in this code (cached: the files cannot
    change under a running process; about 0.15 s the first time)."""
    return migration_state_of(MigrationLoader(None, ignore_no_migrations=True))


def migration_state_of(loader: MigrationLoader) -> str:
    labels = tenant_app_labels()
    leaves = sorted(f"{app}.{name}" for app, name in loader.graph.leaf_nodes() if app in labels)
    return hashlib.sha256("\n".join(leaves).encode()).hexdigest()[:32]


def tenant_app_labels() -> set[str]:
    from django.apps import apps

    return {c.label for c in apps.get_app_configs() if c.name in settings.TENANT_APPS}


def migration_state_record(*, schema_name: str, state: str | None = None) -> None:
    """Mark a schema as being in `state` (the code's, by default). Call it only once the
    schema is known to be there: after its migrate succeeded, or for a fresh clone of the
    current template."""
    with schema_context("public"):
        Tenant.objects.filter(schema_name=schema_name).update(
            migration_state=state or code_migration_state(), migrated_at=timezone.now()
        )
