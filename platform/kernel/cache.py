"""The shared cache (Redis) for callers that can do without it.

Redis may be down or frozen (the settings give up after REDIS_TIMEOUT). Where the cache
only saves work, a failure is a miss: `cache_get` returns the default and `cache_set`
does nothing, with a warning in the log, so a page still answers. Where the cache is the
only record of something (a spent sign-in nonce, a sending rate), use the cache itself
and let the failure refuse the action.
"""

import logging
from typing import Any

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError)


def cache_get(key: str, default: Any = None) -> Any:
    try:
        return cache.get(key, default)
    except CACHE_ERRORS as error:
        logger.warning("Cache unavailable, reading %s: %r", key, error)
        return default


def cache_set(key: str, value: Any, timeout: float | None) -> bool:
    """True when stored; False when the cache is unavailable."""
    try:
        cache.set(key, value, timeout)
        return True
    except CACHE_ERRORS as error:
        logger.warning("Cache unavailable, writing %s: %r", key, error)
        return False
