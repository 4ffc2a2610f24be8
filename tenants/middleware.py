"""django-tenants' host lookup, refusing a tenant whose schema is missing.

With the schema gone (purged, or dropped while a restore runs) PostgreSQL's search_path
"<schema>, public" quietly falls through to the public schema's tables of the same names:
the host would be answered with the console's users and sessions. Found when restoring by
hand (issue 14). So the lookup asks, in the same query, whether the schema exists, and a
tenant without one gets the "site not found" page, before the connection is switched.
"""

from django.db.models.expressions import RawSQL
from django_tenants.middleware.main import TenantMainMiddleware as BaseTenantMiddleware
from django_tenants.utils import get_public_schema_name

from tenants.models import Tenant

_SCHEMA_EXISTS = RawSQL(
    "EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = tenants_tenant.schema_name)", ()
)


class TenantMainMiddleware(BaseTenantMiddleware):
    def get_tenant(self, domain_model, hostname):
        domain = (
            domain_model.objects.select_related("tenant")
            .annotate(schema_exists=_SCHEMA_EXISTS)
            .get(domain=hostname)
        )
        if not serveable(domain.tenant, schema_exists=domain.schema_exists):
            # As for an unknown host: the "site not found" page, in the public schema.
            raise domain_model.DoesNotExist(hostname)
        return domain.tenant


def serveable(tenant: Tenant, *, schema_exists: bool) -> bool:
    if tenant.schema_name == get_public_schema_name():
        return True
    return schema_exists and tenant.status != Tenant.Status.PURGED
