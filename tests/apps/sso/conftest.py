"""A real OpenID provider (tests/oidc.py) for the whole package, and Nyborg's providers."""

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from apps.sso.models import Provider
from tenants.models import Tenant
from tests.oidc import CLIENT_ID, CLIENT_SECRET, RunningProvider, oidc_provider, sign_in_at_provider

SECRET_FILE = "nyborg-oidc-secret"


@pytest.fixture(scope="session")
def provider_server() -> Iterator[RunningProvider]:
    uris = [
        f"http://{host}/sso/{slug}/retur/"
        for host in ("nyborg.localhost", "visitaarhus.localhost")
        for slug in ("mitid", "entra")
    ]
    with oidc_provider(uris) as running:
        yield running


@pytest.fixture
def secrets_dir(settings, tmp_path):
    # The client secret is a mounted file (SSO_SECRETS_DIR), never a value in the database.
    (tmp_path / SECRET_FILE).write_text(CLIENT_SECRET + "\n", encoding="utf-8")
    settings.SSO_SECRETS_DIR = str(tmp_path)
    return tmp_path


@pytest.fixture
def make_provider(nyborg: Tenant, provider_server, secrets_dir) -> Callable[..., Provider]:
    def make(slug: str = "mitid", **fields) -> Provider:
        values = {
            "name": "MitID" if slug == "mitid" else "Nyborg Kommune (Entra ID)",
            "slug": slug,
            "is_enabled": True,
            "issuer": provider_server.issuer,
            "client_id": CLIENT_ID,
            "client_secret_file": SECRET_FILE,
            "scopes": "openid email profile roles cpr",
            **fields,
        }
        with tenant_context(nyborg):
            return Provider.objects.create(**values)

    return make


def provider_redirect(
    client: Client, slug: str, login: str, *, host: str = "nyborg.localhost"
) -> str:
    """Press the button, sign in at the provider as `login`; the callback path (with query)."""
    start = client.get(f"/sso/{slug}/log-ind/")
    assert start.status_code == 302, start.content.decode()[:500]
    back = sign_in_at_provider(start["Location"], login, f"http://{host}/sso/{slug}/retur/")
    parts = urlsplit(back)
    return f"{parts.path}?{parts.query}"


def sso_sign_in(client: Client, slug: str, login: str):
    """The whole round trip; the callback's response."""
    return client.get(provider_redirect(client, slug, login))
