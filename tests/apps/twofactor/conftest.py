"""The real OpenID provider of the sso tests, for "a provider that did MFA counts"."""

from tests.apps.sso.conftest import make_provider, provider_server, secrets_dir

__all__ = ["make_provider", "provider_server", "secrets_dir"]
