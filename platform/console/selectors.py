from dataclasses import dataclass

from tenants.models import Tenant
from tenants.selectors import TenantCounts, tenant_counts, tenants_for_console


@dataclass(frozen=True)
class TenantRow:
    tenant: Tenant
    counts: TenantCounts | None


def console_tenant_rows(*, include_archived: bool = False) -> list[TenantRow]:
    """The console's list in two queries (tenants with domains) plus one for all counts."""
    tenants = list(tenants_for_console(include_archived=include_archived))
    # A purged tenant's schema is gone: nothing to count.
    live = [t.schema_name for t in tenants if t.status != Tenant.Status.PURGED]
    counts = tenant_counts(live)
    return [TenantRow(tenant=t, counts=counts.get(t.schema_name)) for t in tenants]
