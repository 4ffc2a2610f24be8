"""Writes of the console's own: the per-tenant counts behind its list."""

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from console.models import TenantStats
from tenants.models import Tenant
from tenants.selectors import tenants_for_console

# A backend keeps ~90 KB of catalogue cache for every schema it has touched; a new
# connection every so many tenants keeps the refresh from growing one to 90 MB at 1,000.
TENANTS_PER_CONNECTION = 100


def tenant_stats_refresh(*, tenant: Tenant) -> TenantStats:
    """Count in the tenant's own schema (one statement, one schema's locks), store in public."""
    with tenant_context(tenant), connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM accounts_user),"
            " (SELECT count(*) FROM accounts_user WHERE is_owner_admin),"
            " (SELECT count(*) FROM organisations_organisation),"
            " (SELECT count(*) FROM shifts_event)"
        )
        users, admins, organisations, events = cursor.fetchone()
    with schema_context("public"):
        stats, _created = TenantStats.objects.update_or_create(
            tenant=tenant,
            defaults={
                "users": users,
                "admins": admins,
                "organisations": organisations,
                "events": events,
                "counted_at": timezone.now(),
            },
        )
    return stats


def tenant_stats_refresh_all() -> int:
    """Every tenant the console lists (archived too, not the purged: no schema left), one at
    a time; how many."""
    listed = tenants_for_console(include_archived=True).exclude(status=Tenant.Status.PURGED)
    tenants = list(listed.order_by("pk"))
    for done, tenant in enumerate(tenants, start=1):
        tenant_stats_refresh(tenant=tenant)
        if done % TENANTS_PER_CONNECTION == 0 and not connection.in_atomic_block:
            connection.close()
    return len(tenants)
