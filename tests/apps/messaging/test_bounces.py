"""Bounces and complaints reported later by an email provider (django-anymail's tracking
webhook, here Postmark's format) reach the delivery they are about, in the right tenant."""

import base64
import json

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from apps.messaging.models import Delivery, Kind, Message, Preference

pytestmark = pytest.mark.django_db

WEBHOOK = "/anymail/postmark/tracking/"


def auth() -> dict[str, str]:
    secret = base64.b64encode(settings.ANYMAIL["WEBHOOK_SECRET"].encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {secret}"}


def postmark(record_type: str, kind: str, message_id: str) -> dict:
    return {
        "RecordType": record_type,
        "Type": kind,
        "MessageID": message_id,
        "Email": "frida@example.dk",
        "Description": "The server was unable to deliver your message",
        "ID": 42,
    }


@pytest.fixture
def sent(roklub, frida, bo) -> list[Delivery]:
    message = Message.objects.create(
        organisation=roklub,
        subject="Info",
        body_markdown="Hej",
        audience_kind=Message.Audience.EVENT,
        audience_id=0,
        status=Message.Status.SENT,
    )
    return [
        Delivery.objects.create(
            message=message,
            user=person,
            address=person.email,
            status=Delivery.Status.SENT,
            provider_id=f"pm-{person.pk}",
        )
        for person in (frida, bo)
    ]


def post(client, body: dict, **headers):
    return client.post(WEBHOOK, json.dumps(body), content_type="application/json", **headers)


def test_a_hard_bounce_marks_the_delivery_failed_for_the_sender_to_see(sent, nyborg_client, frida):
    response = post(nyborg_client, postmark("Bounce", "HardBounce", f"pm-{frida.pk}"), **auth())
    assert response.status_code == 200
    frida_row, bo_row = (Delivery.objects.get(pk=d.pk) for d in sent)
    assert frida_row.status == Delivery.Status.FAILED and "bounced" in frida_row.last_error
    assert "unable to deliver" in frida_row.last_error
    assert bo_row.status == Delivery.Status.SENT


def test_a_spam_complaint_switches_that_kind_of_mail_off(sent, nyborg_client, frida):
    post(nyborg_client, postmark("SpamComplaint", "SpamComplaint", f"pm-{frida.pk}"), **auth())
    assert Preference.objects.get(user=frida, kind=Kind.INFO).email is False


def test_webhooks_without_the_secret_or_for_another_tenant_change_nothing(
    sent, nyborg, nyborg_client, aarhus, aarhus_client, frida
):
    body = postmark("Bounce", "HardBounce", f"pm-{frida.pk}")
    assert post(nyborg_client, body).status_code in (400, 401, 403)
    assert post(aarhus_client, body, **auth()).status_code == 200  # Aarhus has no such mail
    with tenant_context(nyborg):
        assert all(Delivery.objects.get(pk=d.pk).status == Delivery.Status.SENT for d in sent)
    with tenant_context(aarhus):
        assert not Delivery.objects.exists()
