"""Reads over the public schema's tenant registry."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone, translation

from tenants.models import Tenant

HIDDEN_SCHEMAS = ("public", settings.TENANT_BASE_SCHEMA)


def current_tenant() -> Tenant:
    """The tenant whose schema the connection is in (set by middleware or tenant_context)."""
    tenant = getattr(connection, "tenant", None)
    if not isinstance(tenant, Tenant):
        raise RuntimeError("No tenant schema is active on this connection.")
    return tenant


def primary_host(tenant: Tenant) -> str:
    """The tenant's primary host name, looked up once per Tenant object (a mail batch builds
    thousands of links; a request or task gets a fresh Tenant, so a change is seen next time)."""
    cached = getattr(tenant, "_primary_host", None)
    if cached is None:
        cached = tenant._primary_host = str(tenant.get_primary_domain())
    return cached


def tenant_url(tenant: Tenant, path: str = "/") -> str:
    domain = primary_host(tenant)
    port = f":{settings.TENANT_URL_PORT}" if settings.TENANT_URL_PORT else ""
    return f"{settings.TENANT_URL_SCHEME}://{domain}{port}{path}"


def open_tenants() -> QuerySet[Tenant]:
    """Tenants whose sites are up: not the public schema or the template, not closed."""
    return Tenant.objects.exclude(schema_name__in=HIDDEN_SCHEMAS).exclude(
        status__in=(Tenant.Status.SUSPENDED, Tenant.Status.ARCHIVED, Tenant.Status.PURGED)
    )


def tenants_for_console(*, include_archived: bool = False) -> QuerySet[Tenant]:
    tenants = Tenant.objects.exclude(schema_name__in=HIDDEN_SCHEMAS).prefetch_related("domains")
    if not include_archived:
        tenants = tenants.exclude(status__in=(Tenant.Status.ARCHIVED, Tenant.Status.PURGED))
    return tenants.order_by("name")


@contextmanager
def tenant_locale(tenant: Tenant) -> Iterator[None]:
    """The tenant's language and time zone, for mails written outside a request (a request
    gets both from config.middleware.TenantContextMiddleware)."""
    with translation.override(tenant.locale), timezone.override(tenant.timezone):
        yield


def tenant_zone(tenant: Tenant | None = None) -> ZoneInfo:
    """The tenant's time zone (by default the current schema's tenant)."""
    return ZoneInfo((tenant or current_tenant()).timezone)


def tenant_localtime(moment: datetime, tenant: Tenant | None = None) -> datetime:
    """A moment on the tenant's wall clock, for text built in Python (a refusal, a flash
    message, a mail) where no template converts it: right in a request, a task or a test,
    whatever time zone happens to be active."""
    return timezone.localtime(moment, tenant_zone(tenant))
