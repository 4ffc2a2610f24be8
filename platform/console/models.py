"""The console's one table: per-tenant counts for its list. Tenants live in `tenants`,
staff in `accounts`."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import Tenant


class TenantStats(models.Model):
    """A tenant's counts, kept in the public schema so that the console's list never reads
    every tenant's schema at once: at 1,000 tenants one UNION ALL over them took ~5 locks a
    schema, and six people looking at the list ran the cluster out of shared memory.
    Refreshed by `console.tasks.refresh_tenant_stats` and when the console provisions."""

    tenant = models.OneToOneField(
        Tenant, on_delete=models.CASCADE, primary_key=True, related_name="stats"
    )
    users = models.PositiveIntegerField(_("users"), default=0)
    admins = models.PositiveIntegerField(_("admins"), default=0)
    organisations = models.PositiveIntegerField(_("organisations"), default=0)
    events = models.PositiveIntegerField(_("events"), default=0)
    counted_at = models.DateTimeField(_("counted"))

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.users} users"
