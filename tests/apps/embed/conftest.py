from collections.abc import Iterator

import pytest

from tenants.models import Tenant


def allow(tenant: Tenant, *origins: str) -> None:
    Tenant.objects.filter(pk=tenant.pk).update(embed_origins=list(origins))


@pytest.fixture
def nyborg_embeddable(nyborg) -> Iterator[Tenant]:
    """Nyborg lets its own web site and its subdomains show the list."""
    allow(nyborg, "https://www.nyborg.dk", "https://*.nyborg.dk")
    yield nyborg
    allow(nyborg)  # the tenant row outlives the test's transaction when a live server ran
