"""The web sites a tenant lets show its embed page (Tenant.embed_origins): validated in the
site settings, https only, `*.` for subdomains, nothing else."""

import pytest
from django.core.exceptions import ValidationError

from tenants.validators import embed_origin, embed_origin_matches


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("https://www.nyborg.dk", "https://www.nyborg.dk"),
        (" HTTPS://WWW.Nyborg.dk/ ", "https://www.nyborg.dk"),
        ("https://*.nyborg.dk", "https://*.nyborg.dk"),
        ("https://intra.nyborg.dk:8443", "https://intra.nyborg.dk:8443"),
    ],
)
def test_it_keeps_an_origin_as_browsers_write_it(written, kept):
    assert embed_origin(written) == kept


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("http://www.nyborg.dk", "embed_not_https"),
        ("www.nyborg.dk", "embed_invalid_origin"),
        ("https://www.nyborg.dk/frivillig", "embed_invalid_origin"),
        ("https://www.nyborg.dk?x=1", "embed_invalid_origin"),
        ("https://*", "embed_invalid_origin"),
        ("https://*.dk.", "embed_invalid_origin"),
        ("https://www.*.nyborg.dk", "embed_invalid_origin"),
        ("https://*.*.nyborg.dk", "embed_invalid_origin"),
        ("*", "embed_invalid_origin"),
        ("https://localhost", "embed_invalid_origin"),
        ("https://-nyborg.dk", "embed_invalid_origin"),
        ("https://nyborg.dk:99999", "embed_invalid_origin"),
        ("'none' https://a.dk", "embed_invalid_origin"),
        ("https://a.dk;script-src", "embed_invalid_origin"),
        ("http://localhost:8000", "embed_not_https"),
    ],
)
def test_it_refuses_anything_but_an_https_origin(written, code):
    with pytest.raises(ValidationError) as refused:
        embed_origin(written)
    assert refused.value.code == code


def test_it_allows_loopback_http_only_when_told():
    assert (
        embed_origin("http://127.0.0.1:8123", allow_loopback_http=True) == "http://127.0.0.1:8123"
    )
    with pytest.raises(ValidationError):
        embed_origin("http://www.nyborg.dk", allow_loopback_http=True)


@pytest.mark.parametrize(
    ("origin", "matches"),
    [
        ("https://www.nyborg.dk", True),
        ("https://a.b.nyborg.dk", True),
        ("https://nyborg.dk", False),
        ("https://evilnyborg.dk", False),
        ("http://www.nyborg.dk", False),
        ("https://www.nyborg.dk.evil.example", False),
    ],
)
def test_it_matches_a_subdomain_origin(origin, matches):
    assert embed_origin_matches("https://*.nyborg.dk", origin) is matches
