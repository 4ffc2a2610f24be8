"""Who sees which figures: coordinators their own organisations, the system-owner admin all,
volunteers nothing (404), and nobody anything of another tenant."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.organisations.models import OrganisationRole
from tests.apps.reports.conftest import build_world
from tests.apps.shifts.conftest import person
from tests.conftest import signed_in


def get(client, path, **params):
    return client.get(path, params, HTTP_HOST="nyborg.localhost")


def test_it_shows_the_admin_every_organisation_with_charts_and_tables(client, nyborg, nanna, world):
    signed_in(client, nanna, nyborg)
    response = get(client, "/rapporter/", year=2024)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Alle organisationer" in page
    for organisation in world.organisations:
        assert organisation.name in page
    # Each chart is an image with a name, and the same figures stand in a table beside it.
    assert page.count('role="img"') == 4
    assert 'aria-labelledby="chart-months-title"' in page
    assert "<caption>Timer pr. måned</caption>" in page
    assert '<th scope="col">Fremmødte vagter</th>' in page
    # SVG coordinates stay numbers a browser reads (12.5), not Danish text (12,5).
    bars = re.findall(
        r'<rect class="chart-bar" x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"', page
    )
    assert len(bars) >= 12  # a bar per month, and those of the other charts
    assert all(re.fullmatch(r"[0-9.]+", value) for bar in bars for value in bar)


def test_it_lets_the_admin_pick_one_organisation(client, nyborg, nanna, world):
    signed_in(client, nanna, nyborg)
    library = world.organisations[1]
    response = get(client, "/rapporter/", year=2024, organisation=library.pk)
    assert response.status_code == 200
    assert response.context["organisation"] == library
    assert response.context["report"]["organisations"][0]["key"] == library.pk
    assert len(response.context["report"]["organisations"]) == 1


def test_it_shows_a_coordinator_only_their_own_organisation(client, nyborg, world, rower):
    signed_in(client, rower, nyborg)
    response = get(client, "/rapporter/", year=2024)
    assert response.status_code == 200
    rowing = world.organisations[0]
    assert response.context["organisation"] == rowing
    assert {row["key"] for row in response.context["report"]["organisations"]} == {rowing.pk}
    page = response.content.decode()
    assert world.organisations[1].name not in page
    assert "Alle organisationer" not in page


def test_it_refuses_a_coordinator_another_organisation_even_by_url(client, nyborg, world, rower):
    signed_in(client, rower, nyborg)
    other = world.organisations[1].pk
    assert get(client, "/rapporter/", organisation=other).status_code == 404
    assert get(client, "/rapporter/eksport/csv/", organisation=other).status_code == 404
    assert get(client, "/rapporter/eksport/pdf/", organisation="x").status_code == 404
    # "All organisations" is the admin's: an empty choice falls back to their own.
    response = get(client, "/rapporter/", organisation="")
    assert response.context["organisation"] == world.organisations[0]


def test_it_forbids_volunteers_and_contact_persons(client, nyborg, world):
    volunteer = world.users[0]
    contact = person("Connie")
    OrganisationRole.objects.create(
        organisation=world.organisations[0], user=contact, role=OrganisationRole.Role.CONTACT
    )
    for user in (volunteer, contact):
        signed_in(client, user, nyborg)
        assert get(client, "/rapporter/").status_code == 404
        assert get(client, "/rapporter/eksport/xlsx/").status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(client, nyborg):
    response = get(client, "/rapporter/")
    assert response.status_code == 302 and "/konto/" in response["Location"]


def test_it_shows_aarhus_admin_nothing_of_nyborg(client, aarhus, anders, nyborg, world):
    signed_in(client, anders, aarhus)
    response = client.get("/rapporter/", {"year": 2024}, HTTP_HOST="visitaarhus.localhost")
    assert response.status_code == 200
    assert response.context["totals"]["attended"] == 0
    assert "Nyborg Roklub" not in response.content.decode()
    other = world.organisations[0].pk
    response = client.get("/rapporter/", {"organisation": other}, HTTP_HOST="visitaarhus.localhost")
    assert response.status_code == 404
    response = get(client, "/rapporter/", year=2024)
    assert response.status_code == 302  # not signed in on Nyborg's site


def test_it_keeps_a_bad_period_harmless(client, nyborg, nanna, world):
    signed_in(client, nanna, nyborg)
    response = get(client, "/rapporter/", start="2024-05-01", end="2024-01-01")
    assert response.status_code == 400
    assert "Den sidste dag (1. januar 2024) ligger før den første" in response.content.decode()
    response = get(client, "/rapporter/", start="2024-05-01", end="2024-06-30")
    assert response.context["period"].start.month == 5


@pytest.mark.parametrize("who", ["nanna", "rower"])
def test_it_runs_as_many_queries_however_much_data(client, nyborg, nanna, who, request, in_nyborg):
    user = nanna if who == "nanna" else None
    small = build_world(seed=1, volunteers=5, shifts_per_event=2)
    if user is None:
        user = person("Rasmus")
        OrganisationRole.objects.create(
            organisation=small.organisations[0], user=user, role=OrganisationRole.Role.COORDINATOR
        )
    signed_in(client, user, nyborg)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get(client, "/rapporter/", year=2024).status_code == 200
        return len(captured)

    before = queries()
    # Three times the organisations, events and people, and ten times the shifts per event.
    build_world(seed=2, volunteers=25, shifts_per_event=20)
    build_world(seed=3, volunteers=25, shifts_per_event=20)
    assert queries() == before
