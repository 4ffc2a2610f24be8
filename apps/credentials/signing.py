"""Ed25519 signatures in the shape of the W3C `eddsa-jcs-2022` cryptosuite.

The document and the proof options (the proof without its value) are each canonicalised
with JCS (RFC 8785, the `rfc8785` package) and hashed with SHA-256; the signature is over
hash(proof options) + hash(document), as the cryptosuite specifies, and the proof value is
multibase base58btc ("z..."). Anyone with the tenant's public key (/bevis/noegle.json) can
check a record without us: no JSON-LD processing is needed.
"""

import base64
import hashlib
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.db import transaction

from apps.citizens import crypto
from apps.credentials.models import SigningKey

CRYPTOSUITE = "eddsa-jcs-2022"
_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def canonical(value: Any) -> bytes:
    return rfc8785.dumps(value)


def content_hash(document: dict[str, Any]) -> str:
    """SHA-256 (hex) of the JCS bytes of `document` without its proof."""
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    return hashlib.sha256(canonical(unsigned)).hexdigest()


def hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    return (
        hashlib.sha256(canonical(proof_options)).digest()
        + hashlib.sha256(canonical(unsigned)).digest()
    )


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _ALPHABET[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _ALPHABET.index(char)  # ValueError on a foreign character
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signing_key() -> SigningKey:
    """This tenant's key, made the first time it is needed (a row lock: one key, ever)."""
    with transaction.atomic():
        existing = SigningKey.objects.select_for_update().order_by("id").first()
        if existing is not None:
            return existing
        # Two first uses at once: the table lock makes the second wait and then find the key.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{SigningKey._meta.db_table}" IN EXCLUSIVE MODE')
        existing = SigningKey.objects.order_by("id").first()
        if existing is not None:
            return existing
        private = Ed25519PrivateKey.generate()
        raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return SigningKey.objects.create(
            public_key=b64url(raw_public),
            private_key_encrypted=crypto.encrypt(b64url(private.private_bytes_raw())),
        )


def public_jwk(key: SigningKey) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": key.public_key, "kid": "key-1"}


def sign(document: dict[str, Any], *, key: SigningKey, proof_options: dict[str, Any]) -> str:
    private = Ed25519PrivateKey.from_private_bytes(
        b64url_decode(crypto.decrypt(key.private_key_encrypted))
    )
    return "z" + b58encode(private.sign(hash_data(document, proof_options)))


def signature_valid(document: dict[str, Any], *, public_key: str) -> bool:
    """Whether `document`'s proof is a valid eddsa-jcs-2022 signature by `public_key`."""
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return False
    options = {key: item for key, item in proof.items() if key != "proofValue"}
    try:
        signature = b58decode(value[1:])
        verifier = Ed25519PublicKey.from_public_bytes(b64url_decode(public_key))
        verifier.verify(signature, hash_data(document, options))
    except (ValueError, InvalidSignature, TypeError):
        return False
    return True
