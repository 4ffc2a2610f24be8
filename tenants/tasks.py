import time
from typing import Any

from celery import shared_task
from django.core.cache import cache
from django_tenants.utils import tenant_context

from tenants.selectors import open_tenants

HEARTBEAT_KEY = "platform:heartbeat"


@shared_task(ignore_result=True, needs_tenant=False)  # type: ignore[call-overload]
def platform_heartbeat() -> None:
    """Beat sends this every minute; /healthz reports how long ago a worker ran it."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=24 * 3600)


def send_to_every_open_tenant(task: Any) -> int:
    """For a beat task running in public: send `task` once inside each open tenant's schema."""
    sent = 0
    for tenant in open_tenants():
        with tenant_context(tenant):
            task.delay()
        sent += 1
    return sent
