"""Settings from the environment.

Every value may instead be read from a file named by `NAME_FILE`, which is how
Kubernetes mounts secrets; the file wins over nothing, the plain variable wins over
the file so that an operator can override a mounted secret by hand.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str | None = None) -> str | None:
    if name in os.environ:
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at {path!r}: {exc}") from exc
    return default


def env_required(name: str, hint: str) -> str:
    value = env(name)
    if not value:
        raise ImproperlyConfigured(f"{name} is not set. {hint}")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    value = env(name, default) or ""
    return [item.strip() for item in value.split(",") if item.strip()]


def url_origins(*urls: str | None) -> list[str]:
    """scheme://host[:port] of each URL given, for a Content-Security-Policy source list."""
    origins = []
    for url in filter(None, urls):
        parts = urlsplit(url)
        if parts.scheme and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


_UNITS = {"s": 1, "m": 60, "h": 3600}


def env_rate(name: str, default: str) -> tuple[int, int]:
    """A limit as `COUNT/PERIOD`, the period in seconds or with a unit: `5/15m`, `10/1h`,
    `3/900`. Returns (count, seconds)."""
    value = (env(name, default) or default).strip().lower()
    try:
        count, period = value.split("/")
        unit = _UNITS.get(period[-1:], 0)
        seconds = int(period[:-1]) * unit if unit else int(period)
        if int(count) < 1 or seconds < 1:
            raise ValueError(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r}: write COUNT/PERIOD, e.g. 5/15m") from exc
    return int(count), seconds
