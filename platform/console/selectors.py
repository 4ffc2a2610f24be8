from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q

from console.models import TenantStats
from tenants.models import Tenant
from tenants.selectors import tenants_for_console

TENANTS_PER_PAGE = 50


@dataclass(frozen=True)
class TenantRow:
    tenant: Tenant
    counts: TenantStats | None


def console_tenant_page(
    *, query: str = "", include_archived: bool = False, page: str | int | None = 1
) -> "Page[TenantRow]":
    """One page of the console's list, searched by name, slug or domain: a count, the page
    with its counts (kept in public, see console.models.TenantStats) and its domains —
    three queries however many tenants there are."""
    tenants = tenants_for_console(include_archived=include_archived).select_related("stats")
    if query:
        tenants = tenants.filter(
            Q(name__icontains=query)
            | Q(schema_name__icontains=query)
            | Q(domains__domain__icontains=query)
        ).distinct()
    tenant_page = Paginator(tenants, TENANTS_PER_PAGE).get_page(page)
    rows = [TenantRow(tenant=t, counts=_stats(t)) for t in tenant_page.object_list]
    # The same page over rows: the paginator is only asked for its count and pages.
    return Page(rows, tenant_page.number, tenant_page.paginator)  # type: ignore[arg-type]


def _stats(tenant: Tenant) -> TenantStats | None:
    try:
        return tenant.stats
    except TenantStats.DoesNotExist:  # not counted yet (the next refresh counts it)
        return None
