import time

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django_tenants.utils import schema_context

from tenants.tasks import HEARTBEAT_KEY


@never_cache
def livez(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Dependencies are /healthz's business (readiness), so a
    database outage takes pods out of the load balancer without restarting them all."""
    return JsonResponse({"alive": True})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers and Kubernetes probes."""
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    with schema_context("public"):  # the heartbeat is platform-wide, kept under public's prefix
        beat = cache.get(HEARTBEAT_KEY)
    body = {**checks, "heartbeat_age_seconds": round(time.time() - beat) if beat else None}
    return JsonResponse(body, status=200 if all(checks.values()) else 503)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _cache_ok() -> bool:
    try:
        cache.set("healthz:probe", 1, timeout=5)
        return cache.get("healthz:probe") == 1
    except Exception:
        return False
