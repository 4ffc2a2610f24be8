"""Signing in by a link in a mail (volunteers often have no password): Frida asks for one on
Nyborg's site. A link works once, for 15 minutes, only the newest one, and only on the site
it was made for (a coordinator's welcome link keeps an invitation's week):
Pia (Nyborg) and Ida (VisitAarhus) have the same id in their two schemas."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.accounts.services import email_link_url
from apps.audit.models import AuditEvent
from tests.mails import link_in_mail, path_of

pytestmark = pytest.mark.django_db

NYBORG_HOST = "nyborg.localhost"


def link_for(user: User, tenant, next_path: str = "/mine-vagter/") -> str:
    with tenant_context(tenant):
        return path_of(
            email_link_url(user=user, next_path=next_path), f"{tenant.schema_name}.localhost"
        )


def signed_in_as(client) -> str | None:
    response = client.get("/konto/")
    return response.context["user"].email if response.status_code == 200 else None


def test_it_signs_in_by_a_valid_link_and_verifies_the_address(frida, nyborg, nyborg_client):
    response = nyborg_client.get(link_for(frida, nyborg))
    assert response.status_code == 302 and response.url == "/mine-vagter/"
    assert signed_in_as(nyborg_client) == "frida@example.dk"
    with tenant_context(nyborg):
        assert User.objects.get(pk=frida.pk).email_verified_at is not None
        assert (
            AuditEvent.objects.filter(
                action="user.email_verified", actor=frida.email, target_id=str(frida.pk)
            ).count()
            == 1
        )


def test_it_mails_the_link_asked_for_and_the_link_signs_in(
    frida, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        asked = nyborg_client.post(
            "/konto/link/", {"email": "Frida@Example.dk", "next": "/profil/"}
        )
    assert asked.status_code == 200
    link = link_in_mail("/konto/link/", to=frida.email)
    assert nyborg_client.get(path_of(link, NYBORG_HOST)).url == "/profil/"
    assert signed_in_as(nyborg_client) == frida.email


def test_it_refuses_a_link_used_once_already(frida, nyborg, nyborg_client):
    link = link_for(frida, nyborg)
    assert nyborg_client.get(link).status_code == 302
    nyborg_client.logout()
    again = nyborg_client.get(link)
    assert again.status_code == 400 and "Linket virker ikke længere" in again.content.decode()
    assert signed_in_as(nyborg_client) is None


def test_it_refuses_a_link_older_than_fifteen_minutes(frida, nyborg, nyborg_client):
    link = link_for(frida, nyborg)
    # In the tenant's zone: Django's tokens count in naive local time, and time-machine moves
    # the zone only for a destination with a ZoneInfo.
    with time_machine.travel(timezone.localtime() + timedelta(minutes=15, seconds=5)):
        expired = nyborg_client.get(link)
    assert expired.status_code == 400
    assert signed_in_as(nyborg_client) is None
    with tenant_context(nyborg):
        assert User.objects.get(pk=frida.pk).email_verified_at is None


def test_it_still_takes_a_link_in_its_last_minute(frida, nyborg, nyborg_client):
    link = link_for(frida, nyborg)
    with time_machine.travel(timezone.localtime() + timedelta(minutes=14, seconds=30)):
        assert nyborg_client.get(link).status_code == 302


def test_it_takes_only_the_newest_link_asked_for(
    frida, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nyborg_client.post("/konto/link/", {"email": frida.email, "next": "/profil/"})
    first = path_of(link_in_mail("/konto/link/", to=frida.email), NYBORG_HOST)
    with django_capture_on_commit_callbacks(execute=True):
        nyborg_client.post("/konto/link/", {"email": frida.email, "next": "/mine-vagter/"})
    second = path_of(link_in_mail("/konto/link/", to=frida.email), NYBORG_HOST)
    assert first != second
    assert nyborg_client.get(first).status_code == 400
    assert signed_in_as(nyborg_client) is None
    assert nyborg_client.get(second).url == "/mine-vagter/"


def test_it_keeps_a_coordinators_welcome_link_for_a_week(frida, nyborg, nyborg_client):
    with tenant_context(nyborg):
        welcome = path_of(
            email_link_url(user=frida, next_path="/profil/", invited=True), "nyborg.localhost"
        )
    with time_machine.travel(timezone.localtime() + timedelta(days=6, hours=23)):
        assert nyborg_client.get(welcome).url == "/profil/"
    nyborg_client.logout()
    assert nyborg_client.get(welcome).status_code == 400  # and once


def test_it_refuses_a_welcome_link_older_than_a_week(frida, nyborg, nyborg_client):
    with tenant_context(nyborg):
        welcome = path_of(
            email_link_url(user=frida, next_path="/profil/", invited=True), "nyborg.localhost"
        )
    with time_machine.travel(timezone.localtime() + timedelta(days=7, minutes=1)):
        assert nyborg_client.get(welcome).status_code == 400
    assert signed_in_as(nyborg_client) is None


def test_it_refuses_nyborgs_link_on_visitaarhus_for_the_person_with_the_same_id(
    nyborg, aarhus, aarhus_client
):
    with tenant_context(nyborg):
        pia = User.objects.get(email="pia@nyborg.dk")
    with tenant_context(aarhus):
        ida = User.objects.get(email="ida@visitaarhus.dk")
    assert pia.pk == ida.pk  # the point of the test
    response = aarhus_client.get(link_for(pia, nyborg))
    assert response.status_code == 400
    assert signed_in_as(aarhus_client) is None
    with tenant_context(aarhus):
        assert User.objects.get(pk=ida.pk).email_verified_at is None


def test_it_refuses_a_made_up_or_mangled_link(frida, nyborg, nyborg_client):
    good = link_for(frida, nyborg)
    for bad in ("/konto/link/MQ/abc-123/", good.replace("/konto/link/", "/konto/link/x")):
        assert nyborg_client.get(bad).status_code in (400, 404), bad
    assert signed_in_as(nyborg_client) is None


def test_it_mails_nothing_for_an_unknown_address_and_says_the_same(
    nyborg_client, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = nyborg_client.post("/konto/link/", {"email": "nobody@example.dk"})
    assert response.status_code == 200 and "nobody@example.dk" in response.content.decode()
    assert mail.outbox == []
