"""One-click unsubscribe (RFC 8058), honoured next time; and messages sent on schedule."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from apps.messaging.models import Delivery, Message, Preference
from apps.messaging.rendering import unsubscribe_token
from apps.messaging.services import message_create, message_schedule, message_send
from apps.messaging.tasks import dispatch_due_messages

pytestmark = pytest.mark.django_db


def unsubscribe_path(mail_message) -> str:
    url = mail_message.extra_headers["List-Unsubscribe"].strip("<>")
    return url.split("nyborg.localhost", 1)[1]


def test_one_click_unsubscribe_without_login_is_honoured_on_the_next_message(
    briefing, nyborg_client, frida, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_send(actor=None, message_id=briefing.pk)
    path = unsubscribe_path(next(m for m in mail.outbox if m.to == ["frida@example.dk"]))

    assert nyborg_client.get(path).status_code == 200  # asking changes nothing
    assert not Preference.objects.exists()
    response = nyborg_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Preference.objects.filter(user=frida, kind="info", email=False).exists()

    mail.outbox.clear()
    again = message_create(
        actor=briefing.author,
        organisation=briefing.organisation,
        subject="Husk solcreme",
        body_markdown="Det bliver varmt.",
        audience_kind=briefing.audience_kind,
        audience_id=briefing.audience_id,
    )
    with django_capture_on_commit_callbacks(execute=True):
        message_send(actor=None, message_id=again.pk)
    assert [m.to for m in mail.outbox] == [["bo@example.dk"]]


def test_a_row_waiting_when_its_recipient_unsubscribes_is_skipped(
    briefing, frida, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message_send(actor=None, message_id=briefing.pk)
    Preference.objects.create(user=frida, kind="info", email=False)
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["bo@example.dk"]]
    assert Delivery.objects.get(user=frida).status == Delivery.Status.SKIPPED


def test_a_forged_or_foreign_token_unsubscribes_nobody(frida, nyborg_client, aarhus, aarhus_client):
    assert nyborg_client.post("/beskeder/afmeld/forged/").status_code == 400
    aarhus_token = unsubscribe_token(aarhus, frida.pk)
    assert nyborg_client.post(f"/beskeder/afmeld/{aarhus_token}/").status_code == 400
    assert not Preference.objects.exists()


def test_a_scheduled_message_goes_out_once_when_its_time_has_come(
    briefing, nanna, django_capture_on_commit_callbacks
):
    send_at = timezone.now() + timedelta(hours=2)
    message_schedule(actor=nanna, message_id=briefing.pk, send_at=send_at)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_due_messages.delay()
    assert mail.outbox == []

    with time_machine.travel(send_at + timedelta(minutes=1)):
        for _tick in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                dispatch_due_messages.delay()
    assert sorted(m.to[0] for m in mail.outbox) == ["bo@example.dk", "frida@example.dk"]
    briefing.refresh_from_db()
    assert briefing.status == Message.Status.SENT
