"""The API of a suspended or archived site answers RFC 9457 problem JSON, not the HTML
page people get; Aarhus, open, answers as ever."""

import pytest
from django.test import Client

from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _close(tenant, status: str) -> None:
    tenant.status = status
    tenant.save(update_fields=["status"])


@pytest.mark.parametrize("status", ["suspended", "archived"])
def test_it_answers_the_api_of_a_closed_site_with_a_problem(nyborg, aarhus, status):
    _close(nyborg, status)
    client = Client(HTTP_HOST="nyborg.localhost")
    for path in ("/api/v1/events/", "/api/v1/schema/", "/api/v1/nowhere/"):
        answer = client.get(path)
        assert answer.status_code == 503 and answer["Content-Type"] == PROBLEM, path
        body = answer.json()
        assert (body["status"], body["code"]) == (503, "site_closed") and body["detail"]
        assert body["type"] == "urn:tovholder:problem:site_closed" and body["title"]
    page = client.get("/")
    assert page.status_code == 503 and page["Content-Type"].startswith("text/html")
    open_site = Client(HTTP_HOST="visitaarhus.localhost").get("/api/v1/events/")
    assert open_site.status_code == 200 and "problem" not in open_site["Content-Type"]


def test_it_refuses_a_write_on_an_archived_site_as_a_problem(nyborg, nanna):
    _close(nyborg, "archived")
    admin = signed_in(Client(HTTP_HOST="nyborg.localhost"), nanna, nyborg)
    answer = admin.post("/api/v1/signups/", {}, content_type="application/json")
    assert answer.status_code == 403 and answer["Content-Type"] == PROBLEM
    assert answer.json()["code"] == "read_only"
    assert admin.get("/konto/").status_code == 200  # the admin still reads the pages
