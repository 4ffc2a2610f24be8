"""The system owner's admin lists the web sites and gets the snippet (site settings and the
snippet page); nobody else sees either."""

import pytest
from django.test import Client

from tenants.models import Tenant
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

POLICY = {
    "cancel_deadline_hours": "24",
    "waitlist_stop_hours": "2",
    "reminder_hours": "24",
    "unfilled_alert_hours": "48",
    "hours_margin": "2",
    "staff_idle_minutes": "60",
}


def test_it_saves_the_listed_sites_normalised(nyborg, nanna, nyborg_client):
    admin = signed_in(nyborg_client, nanna, nyborg)
    sites = "https://www.nyborg.dk/\r\n\r\nHTTPS://*.Nyborg.dk\r\nhttps://www.nyborg.dk"
    assert admin.post("/indstillinger/", {**POLICY, "embed_origins": sites}).status_code == 302
    saved = Tenant.objects.get(pk=nyborg.pk).embed_origins
    assert saved == ["https://www.nyborg.dk", "https://*.nyborg.dk"]
    page = admin.get("/indstillinger/").content.decode()
    assert "https://www.nyborg.dk\nhttps://*.nyborg.dk</textarea>" in page
    Tenant.objects.filter(pk=nyborg.pk).update(embed_origins=[])


def test_it_refuses_bad_sites_and_says_which(nyborg, nanna, nyborg_client):
    admin = signed_in(nyborg_client, nanna, nyborg)
    sites = "https://www.nyborg.dk\nhttp://intra.nyborg.dk\nhttps://*"
    response = admin.post("/indstillinger/", {**POLICY, "embed_origins": sites})
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["embed_origins"]
    assert [error.code for error in errors] == ["embed_not_https", "embed_invalid_origin"]
    page = response.content.decode()
    assert "http://intra.nyborg.dk" in page and "https://*" in page
    assert Tenant.objects.get(pk=nyborg.pk).embed_origins == []


def test_it_shows_the_snippet_and_feed_on_the_settings_page(nyborg, nanna, nyborg_client):
    page = signed_in(nyborg_client, nanna, nyborg).get("/indstillinger/").content.decode()
    assert "&lt;iframe src=&quot;http://nyborg.localhost/indlejret/&quot; title=&quot;" in page
    assert "loading=&quot;lazy&quot;" in page
    assert 'value="http://nyborg.localhost/indlejret/feed.json"' in page
    assert 'href="/indstillinger/indlejring/"' in page


def test_it_makes_a_snippet_for_one_organisation(nyborg, nanna, nyborg_client, roklub):
    admin = signed_in(nyborg_client, nanna, nyborg)
    page = admin.get(f"/indstillinger/indlejring/?organisation={roklub.pk}").content.decode()
    assert f"http://nyborg.localhost/indlejret/?organisation={roklub.pk}&quot;" in page
    assert f'value="http://nyborg.localhost/indlejret/feed.json?organisation={roklub.pk}"' in page
    assert "Nyborg Roklub" in page


def test_it_hides_the_snippet_page_from_everyone_else(nyborg, frida, nyborg_client, anders, aarhus):
    assert (
        signed_in(nyborg_client, frida, nyborg).get("/indstillinger/indlejring/").status_code == 404
    )
    assert Client(HTTP_HOST="nyborg.localhost").get("/indstillinger/indlejring/").status_code == 302
