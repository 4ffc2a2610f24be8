import time

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django_tenants.utils import schema_context

from kernel.cache import cache_get
from tenants.tasks import HEARTBEAT_KEY


@never_cache
def livez(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Dependencies are /healthz's business (readiness), so a
    database outage takes pods out of the load balancer without restarting them all."""
    return JsonResponse({"alive": True})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness for load balancers and Kubernetes probes: 503 only without the database.

    Without Redis the site still works (sessions are in the database, tasks wait in
    kernel.PendingTask, cache reads miss), so a Redis outage answers 200 with status
    "degraded" and keeps the pods in service; taking them all out would turn a degraded
    site into a dead one. Monitoring alerts on "degraded".
    """
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    beat = None
    if checks["cache"]:
        with schema_context("public"):  # the heartbeat is platform-wide, under public's prefix
            beat = cache_get(HEARTBEAT_KEY)
    status = "ok" if all(checks.values()) else "degraded" if checks["database"] else "down"
    body = {
        "status": status,
        **checks,
        "heartbeat_age_seconds": round(time.time() - beat) if beat else None,
    }
    return JsonResponse(body, status=503 if status == "down" else 200)


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
