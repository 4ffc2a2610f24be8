"""Sending through a real local SMTP server (aiosmtpd) and reading what arrived."""

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from apps.messaging.models import Delivery
from apps.messaging.services import message_send
from apps.messaging.tasks import deliver_batch

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self.greetings = 0  # one EHLO per connection

    async def handle_EHLO(self, server, session, envelope, hostname, responses) -> list[str]:
        self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address.startswith("bounce"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        self.mails.append(parsed)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


def test_each_volunteer_receives_one_branded_multipart_mail_with_one_click_unsubscribe(
    briefing, smtp_inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_send(actor=briefing.author, message_id=briefing.pk)
    deliver_batch.delay(briefing.pk)  # the task run twice
    deliver_batch.delay(briefing.pk)

    arrived = {mail["To"]: mail for mail in smtp_inbox.mails}
    assert len(smtp_inbox.mails) == 2
    assert sorted(arrived) == ["bo@example.dk", "frida@example.dk"]
    frida = arrived["frida@example.dk"]
    assert frida["Subject"] == "Praktisk info om regattaen"
    assert frida.get_content_type() == "multipart/alternative"
    text = frida.get_body(("plain",)).get_content()
    html = frida.get_body(("html",)).get_content()
    assert "Mød op **kl. 8**" in text and "<strong>kl. 8</strong>" in html
    assert "Nyborg Kommune" in html and "<script>" not in html
    assert frida["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(frida["List-Unsubscribe"]).strip()  # long, so folded onto a new line
    assert (
        unsubscribe.startswith(("<https://nyborg.", "<http://nyborg."))
        and "/afmeld/" in unsubscribe
    )
    delivery = Delivery.objects.get(message=briefing, address="frida@example.dk")
    assert frida["Message-ID"].startswith(f"<delivery.nyborg.{delivery.pk}@")


def test_a_refused_address_is_recorded_as_failed_at_once_and_the_rest_still_go(
    briefing, bo, smtp_inbox, django_capture_on_commit_callbacks
):
    bo.email = "bounce@example.dk"
    bo.save()
    with django_capture_on_commit_callbacks(execute=True):
        message_send(actor=None, message_id=briefing.pk)

    assert [mail["To"] for mail in smtp_inbox.mails] == ["frida@example.dk"]
    bounced = Delivery.objects.get(message=briefing, user=bo)
    assert (bounced.status, bounced.attempts) == (Delivery.Status.FAILED, 1)
    assert "550" in bounced.last_error and "No such mailbox" in bounced.last_error


def test_a_batch_goes_over_one_connection(briefing, smtp_inbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message_send(actor=briefing.author, message_id=briefing.pk)
    assert len(smtp_inbox.mails) == 2 and smtp_inbox.greetings == 1


def test_when_the_server_is_down_every_row_waits_for_its_retry(
    briefing, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    with django_capture_on_commit_callbacks(execute=True):
        message_send(actor=briefing.author, message_id=briefing.pk)
    rows = Delivery.objects.filter(message=briefing)
    assert {(d.status, d.attempts) for d in rows} == {(Delivery.Status.PENDING, 1)}
    assert all("Connection refused" in d.last_error and d.next_attempt_at for d in rows)
