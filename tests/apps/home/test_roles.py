"""Who sees which section, where signing in lands, and the way there from every page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.services import email_link_url
from apps.organisations.models import OrganisationRole
from tests.apps.home.conftest import browser_for, published_event, shift_on
from tests.conftest import PASSWORD, host_client
from tests.personas import place

pytestmark = pytest.mark.django_db

SECTIONS = ('id="site"', 'id="coordinating"', 'id="volunteering"')


def sections(body: str) -> list[str]:
    return [section for section in SECTIONS if section in body]


def test_a_person_with_several_roles_sees_the_section_of_each(nanna, roklub, nyborg):
    OrganisationRole.objects.create(organisation=roklub, user=nanna, role="admin")
    soon = timezone.now() + timedelta(days=2)
    place(shift_on(published_event(roklub, "Regatta", soon), soon), nanna)
    body = browser_for(nanna, nyborg).get("/oversigt/").content.decode()
    assert sections(body) == list(SECTIONS)
    assert 'href="#coordinating"' in body  # and a way to jump between them


def test_each_role_alone_sees_its_own_section(nanna, kamilla, frida, nyborg):
    assert sections(browser_for(nanna, nyborg).get("/oversigt/").content.decode()) == ['id="site"']
    assert sections(browser_for(kamilla, nyborg).get("/oversigt/").content.decode()) == [
        'id="coordinating"'
    ]
    body = browser_for(frida, nyborg).get("/oversigt/").content.decode()
    assert sections(body) == ['id="volunteering"'] and 'href="#volunteering"' not in body


def test_it_asks_a_stranger_to_sign_in_first(nyborg_client):
    response = nyborg_client.get("/oversigt/")
    assert response.status_code == 302 and response.url == "/konto/log-ind/?next=/oversigt/"


def test_signing_in_with_a_password_lands_on_the_home_unless_next_says_otherwise(nanna, nyborg):
    def sign_in(next_path: str | None) -> str:
        data = {"username": nanna.email, "password": PASSWORD}
        if next_path is not None:
            data["next"] = next_path
        response = host_client("nyborg.localhost").post("/konto/log-ind/", data)
        assert response.status_code == 302
        return response.url

    assert sign_in(None) == "/oversigt/"
    assert sign_in("") == "/oversigt/"
    assert sign_in("/") == "/oversigt/"  # the header's link from the front page
    assert sign_in("/rapporter/") == "/rapporter/"
    assert sign_in("https://evil.example/") == "/oversigt/"


def test_a_sign_in_link_lands_on_the_home_unless_next_says_otherwise(
    frida, nyborg, django_capture_on_commit_callbacks
):
    with tenant_context(nyborg):
        plain = email_link_url(user=frida, next_path="/oversigt/")
    assert host_client("nyborg.localhost").get(plain.split("localhost", 1)[1]).url == "/oversigt/"

    with django_capture_on_commit_callbacks(execute=True):
        response = host_client("nyborg.localhost").post(
            "/konto/link/", {"email": frida.email, "next": ""}
        )
    assert response.status_code == 200

    link = next(w for w in mail.outbox[-1].body.split() if "/konto/link/" in w)
    assert "next=%2Foversigt%2F" in link
    landed = host_client("nyborg.localhost").get(link.split("localhost", 1)[1])
    assert landed.url == "/oversigt/"


def test_signed_in_people_have_a_link_to_their_overview_in_the_header(frida, nyborg):
    body = browser_for(frida, nyborg).get("/").content.decode()
    assert 'href="/oversigt/">Oversigt</a>' in body  # the first item of the short menu
    assert "/oversigt/" not in host_client("nyborg.localhost").get("/").content.decode()
