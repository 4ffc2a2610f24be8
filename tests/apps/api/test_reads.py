"""Reading: the public read without a key, a key's scope, another tenant's key, lists'
query counts, cursor pages, ETags and the rate limit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.members.models import Membership
from apps.shifts.models import Event, Shift, Task
from tests.apps.api.conftest import api_client
from tests.personas import in_days, make_shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_meeting(roklub):
    event = Event.objects.create(
        organisation=roklub,
        title="Generalforsamling",
        starts_at=in_days(3, 18),
        ends_at=in_days(3, 21),
        status=Event.Status.PUBLISHED,
        visibility=Event.Visibility.MEMBERS,
    )
    make_shift(Task.objects.create(event=event, title="Referent"), start=in_days(3, 18))
    return event


def titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def test_it_shows_public_events_without_a_key(regatta, secret_meeting, morning, nyborg_client):
    client = api_client()
    assert titles(client.get("/api/v1/events/")) == {"Nyborg Regatta"}
    shifts = client.get("/api/v1/shifts/").json()["results"]
    assert [(s["id"], s["free_places"]) for s in shifts] == [(morning.pk, 2)]
    assert client.get(f"/api/v1/events/{secret_meeting.pk}/").status_code == 404
    for private in ("/api/v1/signups/", "/api/v1/members/", "/api/v1/attendance/"):
        refused = client.get(private)
        assert refused.status_code == 401, private
        assert refused["Content-Type"] == "application/problem+json"


def test_it_shows_an_organisations_key_its_own_hidden_events_only(
    regatta, secret_meeting, club_reader, kim
):
    spejderne = kim.roles.get().organisation
    Event.objects.create(
        organisation=spejderne,
        title="Spejdernes lejr",
        starts_at=in_days(4),
        ends_at=in_days(5),
        visibility=Event.Visibility.MEMBERS,
        status=Event.Status.PUBLISHED,
    )
    assert titles(club_reader.get("/api/v1/events/")) == {"Nyborg Regatta", "Generalforsamling"}
    Membership.objects.create(user=kim, organisation=spejderne, started_on=in_days(-9).date())
    assert club_reader.get("/api/v1/members/").json()["results"] == []


def test_it_gives_a_key_of_another_tenant_nothing(regatta, morning, frida, aarhus_token):
    place_id = morning.pk
    stranger = api_client("nyborg.localhost", aarhus_token)  # Aarhus's key on Nyborg's host
    assert stranger.get("/api/v1/events/").status_code == 401
    on_own_host = api_client("visitaarhus.localhost", aarhus_token)
    assert on_own_host.get("/api/v1/events/").json()["results"] == []
    assert on_own_host.get(f"/api/v1/shifts/{place_id}/").status_code == 404
    made = on_own_host.post(
        "/api/v1/signups/", {"shift": place_id, "person": frida.pk}, content_type="application/json"
    )
    assert made.status_code == 404
    assert not morning.signups.exists()


def test_it_lists_with_a_constant_number_of_queries(kiosk, site_reader):
    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert site_reader.get(path).status_code == 200
        return len(queries)

    make_shift(kiosk)
    site_reader.get(
        "/api/v1/categories/"
    )  # the key's first use writes its last use (once a minute)
    few = {path: count(path) for path in ("/api/v1/shifts/", "/api/v1/events/", "/api/v1/tasks/")}
    Shift.objects.bulk_create(
        Shift(task=kiosk, starts_at=in_days(10 + n), ends_at=in_days(10 + n, 14), capacity=3)
        for n in range(30)
    )
    many = {path: count(path) for path in few}
    # the host's tenant (3: search_path, domain, search_path), the key with its maker's
    # role (1) and the page (1)
    assert few == many == {"/api/v1/shifts/": 5, "/api/v1/events/": 5, "/api/v1/tasks/": 5}


def test_it_pages_with_a_cursor(kiosk, site_reader):
    Shift.objects.bulk_create(
        Shift(task=kiosk, starts_at=in_days(10 + n), ends_at=in_days(10 + n, 14), capacity=3)
        for n in range(5)
    )
    first = site_reader.get("/api/v1/shifts/", {"page_size": 3}).json()
    assert len(first["results"]) == 3 and first["next"]
    second = site_reader.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert ids == sorted(ids, key=lambda i: ids.index(i)) and len(set(ids)) == 5


def test_it_filters_by_date_organisation_and_category(regatta, secret_meeting, site_reader):
    day = in_days(10).date().isoformat()
    assert titles(site_reader.get("/api/v1/events/", {"date_from": day})) == {"Nyborg Regatta"}
    assert titles(site_reader.get("/api/v1/events/", {"date_to": day})) == {
        "Nyborg Regatta",
        "Generalforsamling",
    }
    assert titles(site_reader.get("/api/v1/events/", {"organisation": 999999})) == set()
    assert titles(site_reader.get("/api/v1/events/", {"category": "idraet"})) == set()
    wrong = site_reader.get("/api/v1/events/", {"date_from": "9999-12-31"})
    assert wrong.status_code == 400 and "date_from" in wrong.json()["errors"]


def test_it_answers_304_to_a_matching_etag(regatta):
    client = api_client()
    first = client.get("/api/v1/events/")
    tag = first["ETag"]
    again = client.get("/api/v1/events/", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again["ETag"] == tag and not again.content
    regatta.title = "Nyborg Regatta 2"
    regatta.save()
    changed = client.get("/api/v1/events/", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag


def test_it_answers_429_with_retry_after(settings, site_reader, regatta):
    settings.RATELIMIT_API_KEY = (2, 60)
    assert site_reader.get("/api/v1/events/").status_code == 200
    assert site_reader.get("/api/v1/events/").status_code == 200
    refused = site_reader.get("/api/v1/events/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"
    assert api_client().get("/api/v1/events/").status_code == 200  # others are not counted


def test_it_reports_figures_in_the_keys_scope(club_reader, site_reader, kim):
    spejderne = kim.roles.get().organisation
    year = {"start": "2026-01-01", "end": "2026-12-31"}
    mine = club_reader.get("/api/v1/reports/figures/", year)
    assert mine.status_code == 200 and mine.json()["totals"]["shifts"] == 0
    other = club_reader.get("/api/v1/reports/figures/", {**year, "organisation": spejderne.pk})
    assert other.status_code == 404
    assert site_reader.get("/api/v1/reports/figures/", year).json()["organisation"] is None


def test_it_answers_a_problem_for_an_unknown_address():
    missing = api_client().post("/api/v1/nothing/here/")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert missing.json()["code"] == "not_found"


def test_it_serves_the_document_and_its_docs_without_a_cdn():
    client = api_client()
    document = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert document["openapi"].startswith("3.") and "Problem" in document["components"]["schemas"]
    docs = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs and "https://" not in docs
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
