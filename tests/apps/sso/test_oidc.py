"""The ID token's checks (apps.sso.oidc) on tokens from the real provider: a nonce is
accepted once, and a token for another nonce, another client or with a broken signature
is refused."""

import base64
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from apps.sso import oidc
from apps.sso.services import claims_clean
from tests.oidc import CLIENT_ID, CLIENT_SECRET, CPR, sign_in_at_provider

pytestmark = pytest.mark.django_db
REDIRECT = "http://nyborg.localhost/sso/mitid/retur/"


@pytest.fixture
def client(provider_server, in_nyborg) -> oidc.Client:
    # In Nyborg's schema: the cache keys (nonces, discovery) carry the tenant's schema.
    return oidc.Client(
        issuer=provider_server.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        scopes="openid email profile",
        redirect_uri=REDIRECT,
    )


def _id_token(client: oidc.Client) -> tuple[str, oidc.Pending]:
    url, pending = oidc.authorization_start(client)
    back = sign_in_at_provider(url, "frida-mitid", REDIRECT)
    code = back.split("code=")[1].split("&")[0]
    return oidc.token_fetch(client, pending, code), pending


def test_it_accepts_a_nonce_once(client):
    id_token, pending = _id_token(client)
    meta = oidc.metadata(client.issuer)
    claims = oidc.id_token_claims(client, meta, id_token, nonce=pending.nonce)
    assert (claims["sub"], claims["aud"]) == ("frida-mitid", CLIENT_ID)
    with pytest.raises(oidc.OidcError) as replay:
        oidc.id_token_claims(client, meta, id_token, nonce=pending.nonce)
    assert replay.value.reason == "replayed"


def test_it_refuses_an_expired_token(client):
    id_token, pending = _id_token(client)
    meta = oidc.metadata(client.issuer)
    # The provider gave it an hour; a minute of leeway (SSO_CLOCK_LEEWAY) is all it gets.
    later = time_machine.travel(timezone.now() + timedelta(minutes=62), tick=False)
    with later, pytest.raises(oidc.OidcError) as refused:
        oidc.id_token_claims(client, meta, id_token, nonce=pending.nonce)
    assert refused.value.reason == "expired"
    with time_machine.travel(timezone.now() + timedelta(minutes=58), tick=False):
        assert oidc.id_token_claims(client, meta, id_token, nonce=pending.nonce)["sub"]


def test_it_refuses_a_token_for_another_nonce(client):
    id_token, _pending = _id_token(client)
    with pytest.raises(oidc.OidcError) as refused:
        oidc.id_token_claims(client, oidc.metadata(client.issuer), id_token, nonce="another")
    assert refused.value.reason == "bad_claims"


def test_it_refuses_a_token_for_another_client(client):
    id_token, pending = _id_token(client)
    other = oidc.Client(**{**client.__dict__, "client_id": "someone-else"})
    with pytest.raises(oidc.OidcError) as refused:
        oidc.id_token_claims(other, oidc.metadata(client.issuer), id_token, nonce=pending.nonce)
    assert refused.value.reason == "bad_claims"


def test_it_refuses_a_token_whose_claims_were_changed(client):
    id_token, pending = _id_token(client)
    header, payload, signature = id_token.split(".")
    claims = base64.urlsafe_b64decode(payload + "==").replace(b"frida-mitid", b"nanna-nyborg")
    forged = ".".join([header, base64.urlsafe_b64encode(claims).rstrip(b"=").decode(), signature])
    with pytest.raises(oidc.OidcError) as refused:
        oidc.id_token_claims(client, oidc.metadata(client.issuer), forged, nonce=pending.nonce)
    assert refused.value.reason == "bad_signature"


def test_it_refuses_a_code_without_its_pkce_verifier(client):
    url, pending = oidc.authorization_start(client)
    code = sign_in_at_provider(url, "frida-mitid", REDIRECT).split("code=")[1].split("&")[0]
    wrong = oidc.Pending(state=pending.state, nonce=pending.nonce, code_verifier="x" * 64)
    with pytest.raises(oidc.OidcError) as refused:
        oidc.token_fetch(client, wrong, code)
    assert refused.value.reason == "token_refused"


def test_it_caches_the_discovery_document(client):
    first = oidc.metadata(client.issuer)
    assert cache.get(oidc._cache_key("discovery", client.issuer)) == first


def test_it_drops_every_cpr_like_claim():
    claims = {
        "sub": "abc",
        "email": "a@example.dk",
        "cpr": CPR,
        "dk:gov:saml:attribute:CprNumberIdentifier": "x",
        "name": f"Frida {CPR[:6]}-{CPR[6:]}",
        "extra": {"nested": CPR},
        "personnummer": "1",
        "email_verified": True,
    }
    assert claims_clean(claims) == {"sub": "abc", "email": "a@example.dk", "email_verified": True}
