"""Start-up check for the template schema that new tenants are made from (its script:
tenants.template_script).

Run by gunicorn/ASGI start (config.wsgi), by each Celery worker (config.celery), at the
end of `setup_platform`, and before each provisioning.

Without the template there is nothing to render the script from; and a template that lags
behind the migrations would give new tenants an old schema marked as the template's. So
both are refused loudly.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_context, schema_exists

_known_good = False


def template_schema_problem() -> str | None:
    """None when the template exists and is fully migrated, else what is wrong."""
    global _known_good
    if _known_good:
        return None  # migrations cannot change under a running process
    name = settings.TENANT_BASE_SCHEMA
    if not schema_exists(name):
        return f"the template schema {name!r} is missing; run `manage.py setup_platform`."
    with schema_context(name):
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if any(migration.app_label in _tenant_app_labels() for migration, _ in plan):
        return f"the template schema {name!r} lags behind; run `manage.py migrate_schemas`."
    _known_good = True
    return None


def require_template_schema() -> None:
    problem = template_schema_problem()
    if problem:
        raise ImproperlyConfigured(problem)


def _tenant_app_labels() -> set[str]:
    from django.apps import apps

    return {
        config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS
    }
