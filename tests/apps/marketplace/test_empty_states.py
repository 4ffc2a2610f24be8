"""A site without events says so, and shows staff where to start; filters keep their message."""

import pytest

from apps.organisations.models import OrganisationRole
from tests.conftest import host_client, signed_in
from tests.personas import person

pytestmark = pytest.mark.django_db

NO_MATCH = "Ingen arrangementer passer. Prøv med færre filtre."
NONE_YET = "Der er ingen arrangementer endnu."


def home(client, **params) -> str:
    response = client.get("/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_it_says_a_site_without_events_has_none_yet(in_nyborg, nyborg_client):
    body = home(nyborg_client)
    assert NONE_YET in body and NO_MATCH not in body
    assert "/planlaeg/arrangementer/nyt/" not in body


def test_it_keeps_the_filter_message_when_filters_are_set(in_nyborg, nyborg_client):
    for params in ({"q": "kajak"}, {"free_now": "on"}, {"area": "Ullerslev"}):
        body = home(nyborg_client, **params)
        assert NO_MATCH in body and NONE_YET not in body, params


def test_it_shows_a_coordinator_where_to_create_the_first_event(roklub, nyborg):
    rikke = person("Rikke")
    OrganisationRole.objects.create(
        organisation=roklub, user=rikke, role=OrganisationRole.Role.COORDINATOR
    )
    body = home(signed_in(host_client("nyborg.localhost"), rikke, nyborg))
    assert NONE_YET in body and 'href="/planlaeg/arrangementer/nyt/"' in body


def test_it_shows_an_admin_without_organisations_where_to_start(nanna, nyborg):
    body = home(signed_in(host_client("nyborg.localhost"), nanna, nyborg))
    assert NONE_YET in body and 'href="/organisationer/ny/"' in body


def test_it_shows_a_volunteer_no_planning_link(frida, nyborg):
    body = home(signed_in(host_client("nyborg.localhost"), frida, nyborg))
    assert NONE_YET in body and "/planlaeg/" not in body.split('id="results"')[1]
