"""The isolation sweep: every URL of the tenant site, requested on VisitAarhus's host by a
browser signed in to Nyborg, shows nothing of Nyborg. URLs added later are swept too,
because the list comes from the tenant URLconf itself."""

import uuid
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

NYBORG_TRACES = ("Nyborg", "nanna@nyborg.dk", "Nanna")
SAMPLE_VALUES = {
    "int": "1",
    "uuid": str(uuid.UUID(int=1)),
    "slug": "nyborg",
    "str": "MQ",
    "path": "nyborg/1",
}


def tenant_paths(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    resolver = resolver or get_resolver("config.urls_tenant")
    for entry in resolver.url_patterns:
        assert isinstance(entry.pattern, RoutePattern), f"sweep cannot fill in {entry.pattern}"
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from tenant_paths(entry, route)
        elif isinstance(entry, URLPattern):
            yield "/" + fill_in(route)


def fill_in(route: str) -> str:
    for name, converter in entry_converters(route):
        route = route.replace(f"<{name}>", SAMPLE_VALUES[converter], 1)
    return route


def entry_converters(route: str) -> list[tuple[str, str]]:
    parts = [chunk.split(">", 1)[0] for chunk in route.split("<")[1:]]
    return [(part, part.split(":")[0] if ":" in part else "str") for part in parts]


def test_it_sweeps_more_than_a_handful_of_urls():
    paths = list(tenant_paths())
    assert "/konto/" in paths and "/" in paths and len(paths) >= 6


@pytest.mark.parametrize("path", list(tenant_paths()))
def test_it_shows_nothing_of_nyborg_on_aarhus_to_a_nyborg_user(path, nyborg, nanna, aarhus_client):
    browser = signed_in(aarhus_client, nanna, nyborg)  # Nyborg's session cookie, on Aarhus's host
    for response in (browser.get(path), browser.post(path)):
        assert response.status_code < 500, path
        body = response.content.decode(errors="replace")
        leaked = [trace for trace in NYBORG_TRACES if trace in body]
        assert not leaked, f"{path} shows {leaked}"
        assert response.wsgi_request.user.is_anonymous, f"{path} took Nyborg's session"


def test_it_sweeps_the_retention_page():
    assert "/privatliv/opbevaring/" in list(tenant_paths())


def test_it_sweeps_the_controllers_records():
    """The audit log, its CSV and the record of processing (apps/privacy records_views)."""
    paths = set(tenant_paths())
    assert {
        "/privatliv/revisionslog/",
        "/privatliv/revisionslog/csv/",
        "/privatliv/fortegnelse/",
    } <= paths


def test_it_sweeps_the_reserve_pool():
    """apps.reserve: the volunteer's choice, the site admin's call-outs and the answer link
    (without signing in; a Nyborg token on Aarhus's host is a 404)."""
    assert {
        "/konto/beredskab/",
        "/beredskab/",
        "/beredskab/1/",
        "/beredskab/1/tal/",
        "/beredskab/svar/MQ/",
    } <= set(tenant_paths())


def test_it_sweeps_citizen_matching():
    """apps.citizens: the coordinators', the referrers', the volunteers' and the citizen's
    pages (the last without signing in)."""
    paths = set(tenant_paths())
    assert {
        "/borgere/",
        "/borgere/henvisning/ny/",
        "/borgere/henvisninger/1/",
        "/borgere/henvisninger/1/foelsomme/",
        "/borgere/mine/1/",
        "/borgere/mine/1/bekymring/",
        "/borgere/opfoelgning/1/",
        "/borgere/svar/MQ/",
        "/borgere/bliv-henvist/",
        "/borgere/bliv-henvist/tak/",
        "/borgere/evaluering/MQ/",
        "/borgere/mine/1/evaluering/",
        "/borgere/mine/klar/",
        "/borgere/match/1/borgerens-evaluering/",
    } <= paths


def test_it_sweeps_the_funder_report():
    """apps.reports.funder: the programmes, one programme's report and its files."""
    assert {
        "/rapporter/bevillingsgivere/",
        "/rapporter/bevillingsgivere/1/",
        "/rapporter/bevillingsgivere/1/eksport/MQ/",
    } <= set(tenant_paths())


def test_it_sweeps_crisis_mode():
    """apps.crisis: the public form, the admin's switch, the coordinators' helpers and the
    stand-down's account link."""
    paths = set(tenant_paths())
    assert {
        "/krise/",
        "/krise/tak/",
        "/krise/styring/",
        "/krise/styring/1/afslut/",
        "/krise/hjaelpere/",
        "/krise/konto/MQ/",
    } <= paths


def test_it_sweeps_the_crisis_needs_board():
    """apps.crisis: the coordinators' needs board and triage, and the helper's answer page
    (without signing in)."""
    paths = set(tenant_paths())
    assert {
        "/krise/behov/",
        "/krise/behov/1/",
        "/krise/behov/1/inviter/",
        "/krise/svar/MQ/",
    } <= paths
