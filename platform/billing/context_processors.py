"""The past-due banner for a tenant's admins (templates/base_tenant.html)."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from billing.notice import past_due_notice_cached


def past_due(request: HttpRequest) -> dict[str, object]:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == "public":
        return {}
    # Lazy, and read from the cache only: the template asks only for the system owner's
    # admins, and no page pays a database query for it (billing/notice.py).
    return {"billing_notice": SimpleLazyObject(past_due_notice_cached)}
