"""The fail-open limiter (kernel/ratelimit.py) on the real Redis, and the client's address
behind the ingress (kernel.http.client_ip). Limits through the sign-in and mail pages are
tested with them, in tests/apps/accounts/test_throttle.py."""

import logging
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django_tenants.utils import schema_context

from config.env import env_rate
from kernel import ratelimit
from kernel.http import client_ip, ip_identity
from kernel.ratelimit import Limit

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def two_per_minute() -> Limit:
    return Limit(name="test_two", count=2, seconds=60)


def test_it_allows_count_hits_then_refuses_with_the_time_left(two_per_minute):
    first, second, third = (ratelimit.hit(two_per_minute, "a@example.dk") for _ in range(3))
    assert (first.allowed, second.allowed, third.allowed) == (True, True, False)
    assert (second.exhausted, third.count) == (True, 3)
    assert 58 <= third.retry_after <= 60 and third.minutes == 1


def test_it_counts_each_identity_apart(two_per_minute):
    ratelimit.hit(two_per_minute, "a@example.dk")
    ratelimit.hit(two_per_minute, "a@example.dk")
    assert ratelimit.hit(two_per_minute, "b@example.dk").count == 1
    assert ratelimit.peek(two_per_minute, "a@example.dk").exhausted


def test_it_opens_a_new_window_when_the_old_one_expires():
    one_second = Limit(name="test_short", count=2, seconds=1)
    for _ in range(3):
        ratelimit.hit(one_second, "a@example.dk")
    time.sleep(1.1)
    assert ratelimit.peek(one_second, "a@example.dk").count == 0
    assert ratelimit.hit(one_second, "a@example.dk").allowed


def test_it_keeps_the_counts_of_each_schema_apart(two_per_minute):
    with schema_context("nyborg"):
        for _ in range(3):
            ratelimit.hit(two_per_minute, "same@example.dk")
    with schema_context("visitaarhus"):
        assert ratelimit.peek(two_per_minute, "same@example.dk").count == 0
    with schema_context("nyborg"):
        assert ratelimit.peek(two_per_minute, "same@example.dk").count == 3


def test_it_keeps_no_address_in_the_clear_and_gives_every_key_an_expiry(two_per_minute):
    ratelimit.hit(two_per_minute, "secret@example.dk")
    client = ratelimit._client()
    assert client is not None
    keys = list(client.scan_iter(match=f"{ratelimit._prefix()}:*"))
    assert len(keys) == 1 and b"secret" not in keys[0] and b":public:test_two:" in keys[0]
    assert 0 < client.ttl(keys[0]) <= 60


def test_it_forgets_a_reset_identity_and_forget_all_empties_only_its_prefix(two_per_minute):
    client = ratelimit._client()
    assert client is not None
    client.set("not-a-limiter-key", 1, ex=60)
    ratelimit.hit(two_per_minute, "a@example.dk")
    ratelimit.hit(two_per_minute, "b@example.dk")
    ratelimit.reset(two_per_minute, "a@example.dk")
    assert ratelimit.peek(two_per_minute, "a@example.dk").count == 0
    assert ratelimit.forget_all() == 1
    assert client.get("not-a-limiter-key") == b"1"
    client.delete("not-a-limiter-key")


def test_it_lets_everything_through_and_warns_once_when_redis_is_down(
    settings, two_per_minute, caplog
):
    settings.RATELIMIT_REDIS_URL = CLOSED_PORT
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="kernel.ratelimit"):
        verdicts = [ratelimit.hit(two_per_minute, "a@example.dk") for _ in range(10)]
        assert not ratelimit.peek(two_per_minute, "a@example.dk").exhausted
        ratelimit.reset(two_per_minute, "a@example.dk")
    assert all(v.allowed for v in verdicts)
    assert time.monotonic() - started < 1  # refused at once, and then not asked at all
    warnings = [r for r in caplog.records if r.name == "kernel.ratelimit"]
    assert len(warnings) == 1 and "Redis unreachable" in warnings[0].getMessage()
    assert warnings[0].exc_info is None
    ratelimit._resting_until.pop(CLOSED_PORT)


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.2"),  # no proxy trusted: the header is the client's word
        (1, "", "10.0.0.2"),  # no header behind a proxy: the connection's address
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client wrote the first entry
        (2, "6.6.6.6, 198.51.100.7, 10.1.1.1", "198.51.100.7"),
        (2, "198.51.100.7", "198.51.100.7"),  # fewer entries than proxies: the farthest
        (1, "6.6.6.6, not-an-address", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_it_believes_x_forwarded_for_only_as_deep_as_the_trusted_proxies(
    settings, hops, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = hops
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_it_counts_ipv6_per_64_network_and_mapped_ipv4_as_ipv4():
    assert ip_identity("2001:db8:1:2:aaaa::1") == ip_identity("2001:db8:1:2:bbbb::9")
    assert ip_identity("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert ip_identity("2001:db8:1:3::1") != ip_identity("2001:db8:1:2::1")
    assert ip_identity("::ffff:192.0.2.1") == "192.0.2.1" == ip_identity("192.0.2.1")


@pytest.mark.parametrize(
    ("text", "expected"), [("5/15m", (5, 900)), ("10/1h", (10, 3600)), ("3/900", (3, 900))]
)
def test_it_reads_limits_from_the_environment(monkeypatch, text, expected):
    monkeypatch.setenv("RATELIMIT_TEST", text)
    assert env_rate("RATELIMIT_TEST", "1/1s") == expected


@pytest.mark.parametrize("text", ["5", "0/15m", "five/15m", "5/15x", "5/0"])
def test_it_refuses_a_limit_it_cannot_read(monkeypatch, text):
    monkeypatch.setenv("RATELIMIT_TEST", text)
    with pytest.raises(ImproperlyConfigured):
        env_rate("RATELIMIT_TEST", "1/1s")
