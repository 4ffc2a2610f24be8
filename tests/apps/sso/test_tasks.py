"""After the console saves a provider, its discovery document is fetched in the background:
a wrong issuer shows up as a warning at once, not as an error at someone's sign-in."""

import pytest
from django.core.cache import cache

from apps.sso import oidc
from apps.sso.tasks import provider_metadata_warm

pytestmark = pytest.mark.django_db


def test_it_caches_the_discovery_document_of_a_saved_provider(make_provider, in_nyborg):
    provider = make_provider()
    cache.delete(oidc._cache_key("discovery", provider.issuer))
    assert provider_metadata_warm(provider.pk) == "ok"
    assert cache.get(oidc._cache_key("discovery", provider.issuer))["issuer"] == provider.issuer


def test_it_reports_an_unreachable_issuer_without_failing(make_provider, in_nyborg, caplog):
    provider = make_provider(issuer="http://127.0.0.1:9")
    assert provider_metadata_warm(provider.pk) == "provider_unreachable"
    assert "sso provider mitid" in caplog.text


def test_it_skips_a_disabled_provider(make_provider, in_nyborg):
    assert provider_metadata_warm(make_provider(is_enabled=False).pk) == "gone"
