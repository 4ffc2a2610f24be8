"""What legal does when something happens below it (connected in LegalConfig.ready)."""

from typing import Any

from apps.legal.services import standard_versions_publish
from tenants.models import Tenant


def standard_pages_publish(*, tenant: Tenant, **_: Any) -> None:
    """tenants.signals.tenant_provisioned, in the new tenant's schema: version 1 of the
    privacy notice and accessibility statement from the standard texts, so a person who
    registers always has a notice to read and accept."""
    standard_versions_publish(tenant=tenant)
