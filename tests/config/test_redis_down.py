"""Without Redis the site is degraded, not down: readiness stays up, cache reads miss."""

import time

import pytest

from kernel.cache import cache_get, cache_set
from tests.redis import free_port, redis_at

pytestmark = pytest.mark.django_db


def test_it_reports_redis_down_as_degraded_and_stays_ready(nyborg_client, console_client):
    with redis_at(f"redis://127.0.0.1:{free_port()}/0"):
        for client in (nyborg_client, console_client):
            response = client.get("/healthz")
            assert response.status_code == 200
            body = response.json()
            assert body["status"] == "degraded" and body["database"] is True
            assert body["cache"] is False and body["heartbeat_age_seconds"] is None
    assert nyborg_client.get("/healthz").json()["status"] == "ok"


def test_it_reads_a_dead_cache_as_a_miss_within_its_timeout():
    with redis_at(f"redis://127.0.0.1:{free_port()}/0"):
        started = time.monotonic()
        assert cache_get("anything", "fallback") == "fallback"
        assert cache_set("anything", 1, 60) is False
        assert time.monotonic() - started < 2
    assert cache_set("anything", 1, 60) is True and cache_get("anything") == 1
