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
    counts = tenant_counts([tenant.schema_name for tenant in tenants])
    return [TenantRow(tenant=t, counts=counts.get(t.schema_name)) for t in tenants]
