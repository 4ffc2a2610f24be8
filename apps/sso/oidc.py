"""The OpenID Connect client: discovery, the authorization request, the code exchange and the
ID token's checks. Protocol only; who the person is in Tovholder is services.py's business.

Authlib's OAuth2Session does the authorization code flow with PKCE (S256) and the client's
authentication at the token endpoint; joserfc (Authlib's own JOSE successor) verifies the ID
token's signature against the provider's keys and checks its claims. The provider's metadata
and keys are cached (settings.SSO_METADATA_SECONDS); an unknown key id fetches the keys once
more, so a provider's key rotation does not lock anyone out.
"""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from kernel.cache import CACHE_ERRORS, cache_get, cache_set

# What providers sign ID tokens with (Entra: RS256; brokers: RS256/PS256/ES256). Never "none".
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]


class OidcError(Exception):
    """The provider, its answer or its token failed a check; `reason` names which."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Client:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    redirect_uri: str


@dataclass(frozen=True)
class Pending:
    """What the callback must find in the session: never sent anywhere but to the provider."""

    state: str
    nonce: str
    code_verifier: str


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=settings.SSO_HTTP_TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OidcError("provider_unreachable", f"{url}: {exc}") from exc
    if not isinstance(data, dict):
        raise OidcError("provider_unreachable", f"{url}: not a JSON object")
    return data


def _cache_key(kind: str, url: str) -> str:
    return f"sso:{kind}:{hashlib.sha256(url.encode()).hexdigest()[:32]}"


def metadata(issuer: str) -> dict[str, Any]:
    """The provider's discovery document, cached; its `issuer` must be the configured one."""
    key = _cache_key("discovery", issuer)
    found = cache_get(key)  # Redis down: a miss, the provider is asked
    if found is not None:
        return dict(found)
    data = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if data.get("issuer") != issuer:  # OpenID Connect Discovery 1.0, section 4.3
        raise OidcError("issuer_mismatch", f"{data.get('issuer')!r} != {issuer!r}")
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(data.get(name), str):
            raise OidcError("provider_unreachable", f"discovery lacks {name}")
    cache_set(key, data, settings.SSO_METADATA_SECONDS)
    return data


def _keys(jwks_uri: str, *, fresh: bool = False) -> KeySet:
    key = _cache_key("jwks", jwks_uri)
    data = None if fresh else cache_get(key)
    if data is None:
        data = _get_json(jwks_uri)
        cache_set(key, data, settings.SSO_METADATA_SECONDS)
    try:
        return KeySet.import_key_set(data)  # type: ignore[arg-type]  # checked by joserfc
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise OidcError("bad_keys", str(exc)) from exc


def _session(client: Client, meta: dict[str, Any]) -> OAuth2Session:
    methods = meta.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    return OAuth2Session(
        client_id=client.client_id,
        client_secret=client.client_secret,
        scope=client.scopes,
        redirect_uri=client.redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method=method,
    )


def authorization_start(client: Client) -> tuple[str, Pending]:
    """The provider's address to send the person to, and what to remember until they return."""
    meta = metadata(client.issuer)
    pending = Pending(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),  # 86 characters: RFC 7636 allows 43-128
    )
    url, _state = _session(client, meta).create_authorization_url(
        meta["authorization_endpoint"],
        state=pending.state,
        nonce=pending.nonce,
        code_verifier=pending.code_verifier,
    )
    return url, pending


def code_exchange(client: Client, pending: Pending, code: str) -> dict[str, Any]:
    """Trade the code (and the PKCE verifier) for tokens; return the ID token's checked claims."""
    meta = metadata(client.issuer)
    return id_token_claims(client, meta, token_fetch(client, pending, code), nonce=pending.nonce)


def token_fetch(client: Client, pending: Pending, code: str) -> str:
    """The ID token the provider gives for this code and verifier (not yet checked)."""
    meta = metadata(client.issuer)
    try:
        token = _session(client, meta).fetch_token(
            meta["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=pending.code_verifier,
            timeout=settings.SSO_HTTP_TIMEOUT,
        )
    except AuthlibBaseError as exc:
        raise OidcError("token_refused", str(exc)) from exc
    except requests.RequestException as exc:
        raise OidcError("provider_unreachable", str(exc)) from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise OidcError("no_id_token")
    return id_token


def id_token_claims(
    client: Client, meta: dict[str, Any], id_token: str, *, nonce: str
) -> dict[str, Any]:
    """Signature (the provider's published keys), then iss, aud, exp, iat, sub and nonce.
    A nonce is accepted once: the same token (or callback) a second time is refused."""
    try:
        try:
            decoded = jwt.decode(id_token, _keys(meta["jwks_uri"]), algorithms=ALGORITHMS)
        except InvalidKeyIdError:  # no key with the token's kid: perhaps rotated
            decoded = jwt.decode(
                id_token, _keys(meta["jwks_uri"], fresh=True), algorithms=ALGORITHMS
            )
    except (JoseError, ValueError, KeyError) as exc:
        raise OidcError("bad_signature", str(exc)) from exc
    claims = dict(decoded.claims)
    registry = jwt.JWTClaimsRegistry(
        leeway=settings.SSO_CLOCK_LEEWAY,
        iss={"essential": True, "value": client.issuer},
        aud={"essential": True, "value": client.client_id},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        reason = "expired" if getattr(exc, "error", "") == "expired_token" else "bad_claims"
        raise OidcError(reason, str(exc)) from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client.client_id:
        raise OidcError("bad_claims", "azp is not this client")  # OIDC Core 3.1.3.7, point 5
    _nonce_spend(nonce)
    return claims


def _nonce_spend(nonce: str) -> None:
    # cache.add is atomic in Redis: of two requests with the same nonce, one wins.
    # Without Redis a nonce cannot be checked, so the sign-in is refused (never let through).
    key = _cache_key("nonce", nonce)
    try:
        fresh = cache.add(key, 1, timeout=settings.SSO_NONCE_SECONDS)
    except CACHE_ERRORS as exc:
        raise OidcError("unavailable", f"cache: {exc!r}") from exc
    if not fresh:
        raise OidcError("replayed")
