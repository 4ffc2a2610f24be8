import time

from celery import shared_task
from django.core.cache import cache

from config.views import HEARTBEAT_KEY


@shared_task(ignore_result=True, needs_tenant=False)  # type: ignore[call-overload]
def platform_heartbeat() -> None:
    """Beat sends this every minute; /healthz reports how long ago a worker ran it."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=24 * 3600)
