"""The page Webhooks: admins register an address (the secret shown once) and read the log;
volunteers and another organisation's admins cannot."""

import pytest
from django.urls import reverse

from apps.organisations.models import Organisation, OrganisationRole
from apps.webhooks.models import Delivery, Endpoint
from apps.webhooks.services import deliver_due, endpoint_create, event_emit
from tests.conftest import signed_in
from tests.personas import person

pytestmark = pytest.mark.django_db
URL = "/webhooks/"


def test_an_organisation_admin_registers_an_address(
    nyborg_client, nyborg, rikke, roklub, receiver, allow_private
):
    browser = signed_in(nyborg_client, rikke, nyborg)
    page = browser.post(
        URL,
        {
            "url": receiver.url,
            "kinds": ["signup.created", "member.created"],
            "organisation": roklub.pk,
        },
    )
    assert page.status_code == 200
    endpoint = Endpoint.objects.get()
    assert endpoint.organisation == roklub and endpoint.created_by == rikke
    assert endpoint.secret in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    again = browser.get(URL).content.decode()
    assert endpoint.secret not in again and receiver.url in again


def test_it_refuses_a_private_address_in_danish(nyborg_client, nyborg, rikke, roklub):
    browser = signed_in(nyborg_client, rikke, nyborg)
    page = browser.post(
        URL,
        {"url": "http://169.254.169.254/", "kinds": ["signup.created"], "organisation": roklub.pk},
    )
    assert page.status_code == 200 and not Endpoint.objects.exists()
    assert "privat" in page.content.decode() or "private" in page.content.decode()


def test_it_shows_the_delivery_log_with_codes(
    nyborg_client, nyborg, rikke, roklub, receiver, allow_private
):
    endpoint_create(actor=rikke, url=receiver.url, kinds=["member.created"], organisation=roklub)
    receiver.status = 503
    event_emit(kind="member.created", organisation_id=roklub.pk, payload={})
    deliver_due()
    page = signed_in(nyborg_client, rikke, nyborg).get(URL).content.decode()
    assert "member.created" in page and "503" in page


def test_a_volunteer_and_another_organisations_admin_cannot_manage(
    nyborg_client, nyborg, rikke, roklub, frida, receiver, allow_private
):
    endpoint = endpoint_create(
        actor=rikke, url=receiver.url, kinds=["member.created"], organisation=roklub
    )
    assert signed_in(nyborg_client, frida, nyborg).get(URL).status_code == 404
    other = Organisation.objects.create(name="Nyborg Sejlklub", is_approved=True)
    olaf = person("Olaf")
    OrganisationRole.objects.create(organisation=other, user=olaf, role=OrganisationRole.Role.ADMIN)
    browser = signed_in(nyborg_client, olaf, nyborg)
    page = browser.get(URL).content.decode()
    assert receiver.url not in page
    # He cannot aim an endpoint at the rowing club's events, nor switch its endpoint off.
    browser.post(URL, {"url": receiver.url, "kinds": ["member.created"], "organisation": roklub.pk})
    assert Endpoint.objects.count() == 1
    deactivate = reverse("webhook-deactivate", args=[endpoint.pk])
    assert browser.post(deactivate).status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_an_admin_switches_an_address_off(
    nyborg_client, nyborg, rikke, roklub, receiver, allow_private
):
    endpoint = endpoint_create(
        actor=rikke, url=receiver.url, kinds=["member.created"], organisation=roklub
    )
    browser = signed_in(nyborg_client, rikke, nyborg)
    browser.post(reverse("webhook-deactivate", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    event_emit(kind="member.created", organisation_id=roklub.pk, payload={})
    assert not Delivery.objects.exists()
