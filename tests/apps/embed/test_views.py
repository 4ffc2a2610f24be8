"""The embed page, its feed and oEmbed (apps/embed): who may frame and read them, what they
show, and that VisitAarhus's page shows nothing of Nyborg's."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.organisations.models import Organisation
from apps.shifts.models import Category, Event
from tests.personas import in_days, make_shift

pytestmark = pytest.mark.django_db

FEED_EVENT_KEYS = {
    "id",
    "title",
    "description",
    "category",
    "location_name",
    "address",
    "postcode",
    "area",
    "starts_at",
    "ends_at",
    "suitable_without_experience",
    "contact_name",
    "contact_email",
    "contact_phone",
    "organisation_id",
    "organisation_name",
    "category_name",
    "url",
    "free_places",
    "signup_open",
}


def csp(response) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.fixture
def sejlklub(in_nyborg) -> Organisation:
    return Organisation.objects.create(name="Nyborg Sejlklub", is_approved=True)


@pytest.fixture
def havnefest(sejlklub) -> Event:
    """The sailing club's harbour party, in the category "Kultur"."""
    kultur = Category.objects.create(name="Kultur", slug="kultur")
    event = Event.objects.create(
        organisation=sejlklub,
        title="Havnefest",
        category=kultur,
        starts_at=in_days(5, 12),
        ends_at=in_days(5, 22),
        status=Event.Status.PUBLISHED,
        location_name="Havnen",
    )
    return event


@pytest.fixture
def hidden(roklub) -> list[Event]:
    """Events the public never sees: a draft, a members-only and a link-only one."""
    common = {"organisation": roklub, "starts_at": in_days(3), "ends_at": in_days(3, 14)}
    return [
        Event.objects.create(title="Kladde", **common),
        Event.objects.create(
            title="Kun medlemmer",
            status=Event.Status.PUBLISHED,
            visibility=Event.Visibility.MEMBERS,
            **common,
        ),
        Event.objects.create(
            title="Hemmelig",
            status=Event.Status.PUBLISHED,
            visibility=Event.Visibility.SECRET,
            **common,
        ),
    ]


def test_it_refuses_to_be_framed_when_no_site_is_listed(nyborg_client, regatta):
    response = nyborg_client.get("/indlejret/")
    assert response.status_code == 200
    assert csp(response)["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_it_lets_exactly_the_listed_sites_frame_the_embed_page(nyborg_embeddable, nyborg_client):
    response = nyborg_client.get("/indlejret/")
    assert csp(response)["frame-ancestors"] == "https://www.nyborg.dk https://*.nyborg.dk"
    assert "X-Frame-Options" not in response
    assert csp(response)["default-src"] == "'self'"  # the rest of the policy is kept


@pytest.mark.parametrize("path", ["/", "/konto/log-ind/", "/indlejret/feed.json"])
def test_it_keeps_every_other_page_unframeable(nyborg_embeddable, nyborg_client, path):
    response = nyborg_client.get(path)
    assert csp(response)["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_it_lists_public_upcoming_opportunities_with_links_to_new_tabs(
    nyborg_client, regatta, havnefest, hidden
):
    page = nyborg_client.get("/indlejret/").content.decode()
    assert "Havnefest" in page and "Nyborg Regatta" in page
    for title in ("Kladde", "Kun medlemmer", "Hemmelig"):
        assert title not in page
    assert page.index("Havnefest") < page.index("Nyborg Regatta")  # soonest first
    address = f"http://nyborg.localhost/arrangementer/{regatta.pk}/"
    link = f'<a href="{address}" target="_blank" rel="noopener">'
    assert link in page
    assert page.count('target="_blank" rel="noopener"') == 3  # two events, all opportunities
    assert page.count('<span class="sr-only">') == 3
    assert "site-header" not in page and "site-footer" not in page  # no site chrome
    assert "/brand.css?v=004b878b2a2a" in page  # the tenant's colours


def test_it_filters_by_organisation_and_category(nyborg_client, regatta, havnefest, sejlklub):
    by_club = nyborg_client.get(f"/indlejret/?organisation={sejlklub.pk}").content.decode()
    assert "Havnefest" in by_club and "Nyborg Regatta" not in by_club
    by_category = nyborg_client.get("/indlejret/?category=kultur").content.decode()
    assert "Havnefest" in by_category and "Nyborg Regatta" not in by_category
    limited = nyborg_client.get("/indlejret/?limit=1").content.decode()
    assert "Havnefest" in limited and "Nyborg Regatta" not in limited
    nonsense = nyborg_client.get("/indlejret/?limit=x&organisation=y")
    assert nonsense.status_code == 200 and "Nyborg Regatta" in nonsense.content.decode()


def test_it_shows_nothing_of_nyborg_on_aarhus(aarhus_client, regatta, havnefest, roklub):
    for path in ("/indlejret/", f"/indlejret/?organisation={roklub.pk}", "/indlejret/feed.json"):
        body = aarhus_client.get(path).content.decode()
        assert "Nyborg" not in body and "Havnefest" not in body, path
    assert json.loads(aarhus_client.get("/indlejret/feed.json").content)["events"] == []


def test_it_reads_the_embed_page_in_a_fixed_number_of_queries(nyborg_client, roklub, regatta):
    nyborg_client.get("/indlejret/")  # the first request warms the content types' cache
    with CaptureQueriesContext(connection) as few:
        assert nyborg_client.get("/indlejret/").status_code == 200
    for n in range(5):
        make_shift(
            Event.objects.create(
                organisation=roklub,
                title=f"Træning {n}",
                starts_at=in_days(n + 1),
                ends_at=in_days(n + 1, 14),
                status=Event.Status.PUBLISHED,
            ).tasks.create(title="Hjælper")
        )
    with CaptureQueriesContext(connection) as many:
        assert nyborg_client.get("/indlejret/?category=").status_code == 200
    assert len(few) == len(many) == EMBED_PAGE_QUERIES, [q["sql"] for q in many.captured_queries]


# The tenant by its host (search path to public, the domain with its tenant, search path to
# the tenant's schema), then the events with their organisations, categories and free places.
EMBED_PAGE_QUERIES = 4


def test_it_serves_the_feed_with_cors_for_listed_sites_only(
    nyborg_embeddable, nyborg_client, regatta, havnefest
):
    allowed = nyborg_client.get("/indlejret/feed.json", HTTP_ORIGIN="https://booking.nyborg.dk")
    assert allowed["Access-Control-Allow-Origin"] == "https://booking.nyborg.dk"
    assert "Origin" in allowed["Vary"]
    body = json.loads(allowed.content)
    assert body["title"] and body["home_page_url"] == "http://nyborg.localhost/"
    assert [event["title"] for event in body["events"]] == ["Havnefest", "Nyborg Regatta"]
    party = body["events"][0]
    assert set(party) == FEED_EVENT_KEYS
    assert party["organisation_name"] == "Nyborg Sejlklub" and party["category"] == "kultur"
    assert party["url"] == f"http://nyborg.localhost/arrangementer/{havnefest.pk}/"
    for stranger in (
        "https://evil.example",
        "https://nyborg.dk.evil.example",
        "http://www.nyborg.dk",
    ):
        refused = nyborg_client.get("/indlejret/feed.json", HTTP_ORIGIN=stranger)
        assert "Access-Control-Allow-Origin" not in refused, stranger
    filtered = nyborg_client.get("/indlejret/feed.json?category=kultur")
    assert [e["title"] for e in json.loads(filtered.content)["events"]] == ["Havnefest"]


def test_it_gives_no_cors_without_listed_sites(nyborg_client, regatta):
    response = nyborg_client.get("/indlejret/feed.json", HTTP_ORIGIN="https://www.nyborg.dk")
    assert "Access-Control-Allow-Origin" not in response


def test_it_answers_oembed_with_the_iframe(nyborg_client, sejlklub):
    url = f"http://nyborg.localhost/indlejret/?organisation={sejlklub.pk}&evil=<script>"
    response = nyborg_client.get("/oembed", {"url": url, "format": "json", "maxheight": "400"})
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert body["provider_name"] == "Nyborg Kommune"
    assert body["provider_url"] == "http://nyborg.localhost/"
    assert (body["width"], body["height"]) == (600, 400)
    assert body["html"] == (
        f'<iframe src="http://nyborg.localhost/indlejret/?organisation={sejlklub.pk}" '
        f'title="{body["title"]}" loading="lazy" width="100%" height="400" '
        'style="border:0;max-width:100%" data-tovholder-embed></iframe>'
        '<script src="http://nyborg.localhost/indlejret/hoejde.js" async></script>'
    )


def test_it_serves_the_snippets_resize_script_and_the_list_reports_its_height(
    nyborg_client, aarhus_client, regatta
):
    script = nyborg_client.get("/indlejret/hoejde.js")
    assert script.status_code == 200 and script["Content-Type"].startswith("text/javascript")
    assert script["Cache-Control"] == "public, max-age=3600"
    assert b"tovholder:embed-height" in script.content and b"event.origin" in script.content
    assert aarhus_client.get("/indlejret/hoejde.js").status_code == 200  # every site's own
    assert nyborg_client.post("/indlejret/hoejde.js").status_code == 405
    assert "js/embed-height" in nyborg_client.get("/indlejret/").content.decode()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"url": "http://visitaarhus.localhost/indlejret/"}, 404),
        ({"url": "http://nyborg.localhost/konto/"}, 404),
        ({}, 404),
        ({"url": "http://nyborg.localhost/indlejret/", "format": "xml"}, 501),
    ],
)
def test_it_refuses_oembed_for_other_addresses_and_formats(nyborg_client, nyborg, query, status):
    response = nyborg_client.get("/oembed", query)
    assert response.status_code == status
    assert "error" in json.loads(response.content)


def test_it_answers_only_reads(nyborg_client, nyborg):
    assert nyborg_client.post("/indlejret/").status_code == 405
    assert nyborg_client.post("/indlejret/feed.json").status_code == 405
