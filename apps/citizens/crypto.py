"""Field-level encryption of a referral's special-category text (GDPR article 9).

Fernet (AES-128-CBC + HMAC-SHA256, from the `cryptography` package). The keys come from
settings, never from the database, so a copy of the database (a backup, a replica, a
leaked dump) holds only ciphertext:

* `CITIZENS_FIELD_KEYS` (environment, comma-separated, newest first): each a secret of
  any length; when it is empty, one key is derived from SECRET_KEY.
* Each secret is stretched with HKDF-SHA256 into one Fernet key *per tenant schema*
  (the schema name is the HKDF info), so a token copied into another tenant's table does
  not decrypt there.

Rotation: put the new secret first in `CITIZENS_FIELD_KEYS`, keep the old ones after it
(MultiFernet encrypts with the first and decrypts with any), deploy, then run the task
`apps.citizens.tasks.rotate_special_category` in every tenant (or
`special_category_rotate()` in a shell); when it has run everywhere, drop the old secret.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection

SALT = b"tovholder.citizens.special-category.v1"


def _secrets() -> list[str]:
    configured = list(getattr(settings, "CITIZENS_FIELD_KEYS", []) or [])
    return configured or [str(settings.SECRET_KEY)]


def _fernet_key(secret: str, schema: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=SALT, info=schema.encode()).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


def _keys(schema: str | None = None) -> MultiFernet:
    schema = schema or connection.schema_name  # type: ignore[attr-defined]
    return MultiFernet([Fernet(_fernet_key(secret, schema)) for secret in _secrets()])


def encrypt(text: str, *, schema: str | None = None) -> str:
    """The token for `text` ("" stays "": nothing to hide, nothing stored)."""
    if not text:
        return ""
    return _keys(schema).encrypt(text.encode()).decode("ascii")


class Unreadable(ValueError):
    """The token was made with a key that is no longer configured (or was tampered with)."""


def decrypt(token: str, *, schema: str | None = None) -> str:
    if not token:
        return ""
    try:
        return _keys(schema).decrypt(token.encode("ascii")).decode()
    except InvalidToken as error:
        raise Unreadable from error


def rotate(token: str, *, schema: str | None = None) -> str:
    """The token re-encrypted with the newest key (its time stamp kept)."""
    if not token:
        return ""
    try:
        return _keys(schema).rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise Unreadable from error
