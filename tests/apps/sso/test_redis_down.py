"""Without Redis, single sign-on reads the provider's metadata afresh (a cache miss) but
refuses the sign-in, since a spent nonce cannot be checked; it is never let through."""

import pytest

from apps.sso import oidc
from tests.apps.sso.test_oidc import REDIRECT, _id_token
from tests.oidc import CLIENT_ID, CLIENT_SECRET
from tests.redis import free_port, redis_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(provider_server, in_nyborg) -> oidc.Client:
    return oidc.Client(
        issuer=provider_server.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        scopes="openid email profile",
        redirect_uri=REDIRECT,
    )


def test_it_refuses_a_sign_in_it_cannot_check_and_accepts_it_once_redis_is_back(client):
    id_token, pending = _id_token(client)
    with redis_at(f"redis://127.0.0.1:{free_port()}/0"):
        meta = oidc.metadata(client.issuer)  # fetched from the provider: the cache is down
        with pytest.raises(oidc.OidcError) as refused:
            oidc.id_token_claims(client, meta, id_token, nonce=pending.nonce)
    assert refused.value.reason == "unavailable"
    claims = oidc.id_token_claims(client, meta, id_token, nonce=pending.nonce)
    assert claims["sub"] == "frida-mitid"
