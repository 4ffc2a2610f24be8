import pytest

pytestmark = pytest.mark.django_db


def test_it_serves_each_tenant_on_its_own_host(nyborg_client, aarhus_client):
    nyborg_page = nyborg_client.get("/").content.decode()
    aarhus_page = aarhus_client.get("/").content.decode()
    assert "Nyborg Kommune" in nyborg_page and "Velkommen til frivillige i Nyborg" in nyborg_page
    assert "VisitAarhus" in aarhus_page and "Aarhus byder velkommen" in aarhus_page
    assert "Nyborg" not in aarhus_page


def test_it_shows_a_friendly_404_for_an_unknown_host():
    from django.test import Client

    response = Client(HTTP_HOST="ukendt.localhost").get("/")
    assert response.status_code == 404
    assert "Vi kunne ikke finde denne side" in response.content.decode()
    assert "ukendt.localhost" in response.content.decode()


def test_it_routes_the_console_host_to_the_public_urlconf(console_client, nyborg_client):
    assert console_client.get("/tenants/new/").status_code == 302  # to the console sign-in
    assert nyborg_client.get("/tenants/new/").status_code == 404  # no console on tenant hosts
    assert console_client.get("/konto/").status_code == 404  # no tenant pages on the console


def test_it_applies_the_tenant_colours_as_css_custom_properties(aarhus_client, nyborg):
    page = aarhus_client.get("/").content.decode()
    assert '<link rel="stylesheet" href="/brand.css?v=' in page
    css = aarhus_client.get("/brand.css")
    assert css["Content-Type"] == "text/css; charset=utf-8"
    assert "--brand-primary: #1d5c4d" in css.content.decode()
    assert nyborg.primary_colour not in css.content.decode()  # another tenant's colours


def test_it_speaks_danish_first_and_english_on_request(nyborg_client):
    assert 'lang="da"' in nyborg_client.get("/").content.decode()
    nyborg_client.cookies["django_language"] = "en"
    page = nyborg_client.get("/").content.decode()
    assert 'lang="en"' in page and "Volunteering with Nyborg Kommune" in page


def test_it_answers_health_checks_on_every_host(nyborg_client, console_client):
    for client in (nyborg_client, console_client):
        body = client.get("/healthz").json()
        assert body["database"] is True and body["cache"] is True


def test_it_answers_liveness_without_touching_dependencies(
    nyborg_client, django_assert_num_queries
):
    with django_assert_num_queries(2):  # search_path and the host lookup; nothing else
        assert nyborg_client.get("/livez").json() == {"alive": True}
