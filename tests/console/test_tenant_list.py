"""The console's list of system owners at fleet size: paged, searchable, and counted from
the public schema's TenantStats, never by reading every tenant's schema."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context, tenant_context

from apps.accounts.models import User
from console.models import TenantStats
from console.tasks import refresh_tenant_stats
from tenants.models import Domain, Tenant
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def vera_client(console_client, vera):
    return signed_in(console_client, vera, None)


def many_tenants(count: int) -> None:
    """Registry rows only, with no schema behind them: a list that read any tenant's
    tables would fail on these."""
    with schema_context("public"):
        made = Tenant.objects.bulk_create(
            Tenant(schema_name=f"fleet{i:04d}", name=f"Flådekommune {i:04d}", status="active")
            for i in range(count)
        )
        Domain.objects.bulk_create(
            Domain(tenant=t, domain=f"fleet{i:04d}.example.dk", is_primary=True)
            for i, t in enumerate(made)
        )


def rows(page: str) -> int:
    return len(re.findall(r'href="/tenants/\d+/"', page))


def list_queries(client, path: str = "/") -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_it_reads_no_tenant_schema_and_as_many_queries_for_120_tenants_as_for_2(vera_client):
    few, _page = list_queries(vera_client)
    many_tenants(120)
    many, page = list_queries(vera_client)
    assert many == few
    assert "122 systemejere" in page
    assert rows(page) == 50


def test_it_pages_through_the_fleet(vera_client):
    many_tenants(120)
    _queries, last = list_queries(vera_client, "/?side=3")
    assert rows(last) == 22
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_it_finds_a_tenant_by_name_slug_or_domain(vera_client, nyborg, aarhus):
    many_tenants(60)
    for query in ("Nyborg", "nyborg", "nyborg.localhost"):
        _queries, page = list_queries(vera_client, f"/?q={query}")
        assert f'href="/tenants/{nyborg.pk}/"' in page
        assert f'href="/tenants/{aarhus.pk}/"' not in page and "Flådekommune" not in page
    _queries, page = list_queries(vera_client, "/?q=fleet0042")
    assert rows(page) == 1


def test_it_says_so_when_nothing_matches(vera_client):
    _queries, page = list_queries(vera_client, "/?q=findesikke")
    assert rows(page) == 0 and "Ingen systemejere passer til søgningen." in page


def test_it_counts_each_tenant_in_its_own_schema(nyborg, aarhus):
    with tenant_context(nyborg):
        User.objects.create_user("ny@nyborg.dk", full_name="Ny Frivillig")
        nyborg_users = User.objects.count()
    with tenant_context(aarhus):
        aarhus_users = User.objects.count()
    assert refresh_tenant_stats.delay().get() >= 2
    with schema_context("public"):
        assert TenantStats.objects.get(tenant=nyborg).users == nyborg_users
        assert TenantStats.objects.get(tenant=nyborg).admins == 1
        assert TenantStats.objects.get(tenant=aarhus).users == aarhus_users


def test_it_overwrites_the_counts_when_run_twice(nyborg):
    refresh_tenant_stats.delay()
    with tenant_context(nyborg):
        User.objects.create_user("to@nyborg.dk", full_name="To")
    refresh_tenant_stats.delay()
    with schema_context("public"):
        stats = TenantStats.objects.filter(tenant=nyborg)
        assert stats.count() == 1
    with tenant_context(nyborg):
        assert stats.get().users == User.objects.count()


def test_it_shows_the_counts_in_the_list(vera_client, nyborg):
    refresh_tenant_stats.delay()
    with schema_context("public"):
        stats = TenantStats.objects.get(tenant=nyborg)
    _queries, page = list_queries(vera_client, "/?q=nyborg")
    assert f'<td class="num">{stats.users}</td>' in page
