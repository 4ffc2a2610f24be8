"""The key's text: `tvh_<prefix>_<secret>`, and the HMAC that is stored instead of it.

The prefix finds the row; the HMAC over the whole key (keyed with a value derived from
SECRET_KEY, so a database dump alone cannot forge or replay keys) is compared in constant
time. Changing SECRET_KEY makes every key invalid: make new ones after a rotation.
"""

import hashlib
import hmac
import secrets

from django.conf import settings

SCHEME = "tvh"
PREFIX_LENGTH = 10


def new_token() -> tuple[str, str]:
    """A fresh (prefix, whole key)."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return prefix, f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"


def digest(token: str) -> str:
    key = hashlib.sha256(f"apps.api.key:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def prefix_of(token: str) -> str | None:
    """The prefix of a well-formed key; None for anything else."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != SCHEME or len(parts[1]) != PREFIX_LENGTH or not parts[2]:
        return None
    return parts[1]


def matches(token: str, stored: str) -> bool:
    return hmac.compare_digest(digest(token), stored)
