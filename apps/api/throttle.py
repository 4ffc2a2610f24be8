"""Requests per key (or per client IP without a key), counted by kernel.ratelimit in Redis.

Over the limit: 429 with `Retry-After` (the seconds left of the window). Fail-open like
every limiter here: with Redis down, requests go through.
"""

from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from apps.api.models import ApiKey

if TYPE_CHECKING:
    from rest_framework.views import APIView
from kernel import ratelimit
from kernel.http import client_ip


class KeyThrottle(BaseThrottle):
    verdict: ratelimit.Verdict | None = None

    def allow_request(self, request: Request, view: "APIView") -> bool:
        key = request.auth
        if isinstance(key, ApiKey):
            limit = ratelimit.Limit.setting("RATELIMIT_API_KEY")
            self.verdict = ratelimit.hit(limit, "key", str(key.pk))
        else:
            limit = ratelimit.Limit.setting("RATELIMIT_API_ANON")
            self.verdict = ratelimit.hit(limit, "ip", client_ip(request._request))
        return self.verdict.allowed

    def wait(self) -> float | None:
        if self.verdict is None:
            return None
        return float(self.verdict.retry_after or self.verdict.limit.seconds)
