"""A small fail-open rate limiter: fixed windows counted in Redis (docs/security.md).

A limit allows `count` hits per window of `seconds` for one identity (an address, a client
IP, an account and an IP together). The first hit opens the window (`SET key 0 EX seconds
NX`), every hit adds one (`INCR`), and the key's TTL says when the window ends: that is the
`Retry-After` a refused request is given. The three commands run in one MULTI, so a window
never loses its expiry.

Keys carry the cache's prefix, the schema (a count in tenant A never touches tenant B) and
an HMAC of the identity (no addresses or IPs in Redis in the clear).

Fail-open: throttling protects us, it is not a feature anyone's request may fail on. When
Redis cannot be reached (short socket timeouts, no retries), the request goes through and
one warning is logged; for a few seconds afterwards Redis is not even asked, so an outage
adds no latency to every request.

Limits are settings (`RATELIMIT_*`, a `(count, seconds)` pair from `config.env.env_rate`),
read when used, so tests can shorten them with the `settings` fixture.
"""

import hashlib
import hmac
import logging
import math
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from redis.backoff import NoBackoff
from redis.retry import Retry

from kernel.schema import current_schema

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most `count` hits in a window of `seconds`; `name` is part of the key."""

    name: str
    count: int
    seconds: int

    @classmethod
    def setting(cls, name: str) -> "Limit":
        """The limit in `settings.<name>` (a (count, seconds) pair), read now."""
        count, seconds = getattr(settings, name)
        return cls(name=name.lower(), count=int(count), seconds=int(seconds))


@dataclass(frozen=True)
class Verdict:
    """What a limit says about one identity after a hit (or a look)."""

    limit: Limit
    count: int  # hits in the current window; 0 when Redis could not be asked
    retry_after: int  # seconds until the window ends (at least 1 while it is open)

    @property
    def allowed(self) -> bool:
        """This hit is within the limit."""
        return self.count <= self.limit.count

    @property
    def exhausted(self) -> bool:
        """No room for another hit in this window (a lockout after the count-th failure)."""
        return self.count >= self.limit.count

    @property
    def minutes(self) -> int:
        """The wait in whole minutes, rounded up, for the person reading it."""
        return max(1, math.ceil(self.retry_after / 60))


def hit(limit: Limit, *identity: str) -> Verdict:
    """Count one hit for `identity` and say whether it is within the limit."""
    key = _key(limit, identity)
    client = _client()
    if client is None:
        return Verdict(limit=limit, count=0, retry_after=0)
    try:
        pipe = client.pipeline(transaction=True)
        pipe.set(key, 0, ex=limit.seconds, nx=True)
        pipe.incr(key)
        pipe.ttl(key)
        _opened, count, ttl = pipe.execute()
    except redis.RedisError as exc:
        _fail_open(exc)
        return Verdict(limit=limit, count=0, retry_after=0)
    return Verdict(limit=limit, count=int(count), retry_after=max(int(ttl), 1))


def peek(limit: Limit, *identity: str) -> Verdict:
    """The count so far, without adding a hit (is this person locked out already?)."""
    key = _key(limit, identity)
    client = _client()
    if client is None:
        return Verdict(limit=limit, count=0, retry_after=0)
    try:
        pipe = client.pipeline(transaction=True)
        pipe.get(key)
        pipe.ttl(key)
        count, ttl = pipe.execute()
    except redis.RedisError as exc:
        _fail_open(exc)
        return Verdict(limit=limit, count=0, retry_after=0)
    return Verdict(limit=limit, count=int(count or 0), retry_after=max(int(ttl), 1))


def reset(limit: Limit, *identity: str) -> None:
    """Forget the window of `identity` (a successful sign-in clears its failures)."""
    client = _client()
    if client is None:
        return
    try:
        client.delete(_key(limit, identity))
    except redis.RedisError as exc:
        _fail_open(exc)


def forget_all() -> int:
    """Delete every limiter key under this cache prefix, in every schema (tests use it
    between tests; an operator may use it after a false alarm). Returns how many."""
    client = _client()
    if client is None:
        return 0
    deleted = 0
    try:
        batch = []
        for key in client.scan_iter(match=f"{_prefix()}:*", count=500):
            batch.append(key)
            if len(batch) >= 500:
                deleted += int(client.delete(*batch))
                batch = []
        if batch:
            deleted += int(client.delete(*batch))
    except redis.RedisError as exc:
        _fail_open(exc)
    return deleted


def too_many_requests(
    request: HttpRequest, verdict: Verdict, template: str, context: dict | None = None
) -> HttpResponse:
    """A 429 page saying how long to wait, with the same wait in `Retry-After`."""
    wait = verdict.retry_after or verdict.limit.seconds
    response = render(
        request, template, {"minutes": max(1, math.ceil(wait / 60)), **(context or {})}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


# --- Redis ------------------------------------------------------------------------------

_clients: dict[str, redis.Redis] = {}
_resting_until: dict[str, float] = {}  # URL -> monotonic time until which Redis is not asked


def _client() -> redis.Redis | None:
    """The limiter's client for RATELIMIT_REDIS_URL; None while resting after a failure."""
    url = settings.RATELIMIT_REDIS_URL
    if _resting_until.get(url, 0.0) > time.monotonic():
        return None
    client = _clients.get(url)
    if client is None:
        timeout = settings.RATELIMIT_REDIS_TIMEOUT
        client = _clients[url] = redis.Redis.from_url(
            url,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            retry=Retry(NoBackoff(), 0),  # no retries: a slow limiter is worse than none
            retry_on_timeout=False,
        )
    return client


def _fail_open(exc: Exception) -> None:
    url = settings.RATELIMIT_REDIS_URL
    _resting_until[url] = time.monotonic() + settings.RATELIMIT_REDIS_REST_SECONDS
    # A warning without a traceback: the request goes on, and an outage of Redis shows up
    # once per rest period rather than once per request.
    logger.warning(
        "Rate limiter: Redis unreachable (%s: %s); letting requests through for %s s.",
        type(exc).__name__,
        exc,
        settings.RATELIMIT_REDIS_REST_SECONDS,
    )


def _prefix() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:rl"


def _key(limit: Limit, identity: tuple[str, ...]) -> str:
    secret = str(settings.SECRET_KEY).encode()
    digest = hmac.new(secret, "\x1f".join(identity).encode(), hashlib.sha256).hexdigest()[:32]
    return f"{_prefix()}:{current_schema()}:{limit.name}:{digest}"
