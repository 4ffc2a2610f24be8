"""Work on database connections of their own, committed at once: for the concurrency tests
(one connection per thread, as real workers have) and for the browser tests (the live
server's thread sees only committed rows). Whoever commits rows here removes them again."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, connections

from tenants.models import Tenant

T = TypeVar("T")


def in_tenant(tenant: Tenant, work: Callable[[], T]) -> T:
    """Run `work` on a fresh connection in the tenant's schema and wait for it."""
    return crowd(tenant, [work], refusal=())[0]


def crowd(
    tenant: Tenant,
    jobs: list[Callable[..., Any]],
    *,
    refusal: type[ValidationError] | tuple[()] = ValidationError,
) -> list[Any]:
    """Run the jobs at the same moment, one connection each; a job refused with `refusal`
    gives its error's code instead of a result."""

    def run(job: Callable[..., Any]) -> Any:
        connection.set_tenant(tenant)
        try:
            return job()
        except refusal as refused:
            return refused.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))
