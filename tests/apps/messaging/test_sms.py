"""The SMS backends, against a real HTTP server standing in for GatewayAPI."""

import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.messaging import sms
from apps.messaging.sms import (
    SmsPermanentError,
    SmsResult,
    SmsTemporaryError,
    clean_sender,
    segments,
    send_sms,
)
from kernel.phones import normalise_phone

TOKEN = "test-token-123"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict


@dataclass
class FakeGatewayApi:
    """What the next request gets, and every request it got."""

    url: str
    status: int = 200
    answer: bytes = b'{"ids": [421332671], "usage": {"total_cost": 0.16}}'
    delay: float = 0.0
    requests: list[Recorded] = field(default_factory=list)


@pytest.fixture
def gateway(settings) -> Iterator[FakeGatewayApi]:
    fake = FakeGatewayApi(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"null")
            fake.requests.append(Recorded("POST", self.path, dict(self.headers), body))
            time.sleep(fake.delay)
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(fake.answer)))
            self.end_headers()
            self.wfile.write(fake.answer)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SMS_BACKEND = "apps.messaging.sms.GatewayApiBackend"
    settings.GATEWAYAPI_URL = fake.url + "/"
    settings.GATEWAYAPI_TOKEN = TOKEN
    settings.SMS_TIMEOUT = 2
    yield fake
    server.shutdown()
    server.server_close()


# --- GatewayAPI over HTTP ------------------------------------------------------------------


def test_it_posts_the_message_to_gatewayapi_with_the_token_and_digits_only(gateway):
    result = send_sms(to="20 12 34 56", text="Husk din vagt i morgen kl. 8", sender="Nyborg")

    assert result == SmsResult(provider_id="421332671", segments=1)
    [request] = gateway.requests
    assert request.path == "/rest/mtsms"
    assert request.headers["Authorization"] == f"Token {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.body == {
        "sender": "Nyborg",
        "message": "Husk din vagt i morgen kl. 8",
        "recipients": [{"msisdn": 4520123456}],
    }


def test_it_counts_the_parts_of_a_long_message_it_sent(gateway):
    result = send_sms(to="+46 70 123 45 67", text="æøå " * 50, sender="Tovholder")

    assert result.segments == 2
    assert gateway.requests[0].body["recipients"] == [{"msisdn": 46701234567}]
    assert "encoding" not in gateway.requests[0].body  # æøå are GSM-7


def test_it_asks_for_ucs2_when_the_text_is_not_gsm7(gateway):
    result = send_sms(to="20123456", text="Tak for i dag 🎉", sender="Tovholder")

    assert result.segments == 1
    assert gateway.requests[0].body["encoding"] == "UCS2"
    assert gateway.requests[0].body["message"] == "Tak for i dag 🎉"


def test_it_uses_the_configured_sender_cut_to_eleven_characters(gateway, settings):
    settings.SMS_SENDER = "Nyborg Kommune"

    send_sms(to="20123456", text="Hej", sender=None)

    assert gateway.requests[0].body["sender"] == "Nyborg Komm"


@pytest.mark.parametrize("status", [400, 422])
def test_it_reports_a_refused_request_as_permanent_with_the_providers_words(gateway, status):
    gateway.status = status
    gateway.answer = json.dumps(
        {"code": "0x0215", "incident_uuid": "d8127ee5", "message": "MSISDN 4520123456 blacklisted"}
    ).encode()

    with pytest.raises(SmsPermanentError) as refused:
        send_sms(to="20123456", text="Hej", sender="Tovholder")

    assert "MSISDN 4520123456 blacklisted" in str(refused.value)
    assert "0x0215" in str(refused.value)
    assert str(status) in str(refused.value)


@pytest.mark.parametrize("status", [500, 502, 503, 429, 401])
def test_it_reports_server_trouble_throttling_and_our_credentials_as_temporary(gateway, status):
    gateway.status = status
    gateway.answer = b'{"message": "Something broke", "incident_uuid": "x"}'

    with pytest.raises(SmsTemporaryError, match="Something broke"):
        send_sms(to="20123456", text="Hej", sender="Tovholder")

    assert len(gateway.requests) == 1


def test_it_reports_an_html_error_page_as_temporary_too(gateway):
    gateway.status = 502
    gateway.answer = b"<html>Bad Gateway</html>"

    with pytest.raises(SmsTemporaryError, match="Bad Gateway"):
        send_sms(to="20123456", text="Hej", sender="Tovholder")


def test_it_reports_a_timeout_as_temporary(gateway, settings):
    settings.SMS_TIMEOUT = 0.2
    gateway.delay = 3.0

    started = time.monotonic()
    with pytest.raises(SmsTemporaryError):
        send_sms(to="20123456", text="Hej", sender="Tovholder")

    assert time.monotonic() - started < 2.0  # gave up, rather than wait for the answer


def test_it_reports_a_refused_connection_as_temporary(settings):
    with socket.socket() as probe:  # a port nobody listens on once this is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SMS_BACKEND = "apps.messaging.sms.GatewayApiBackend"
    settings.GATEWAYAPI_URL = f"http://127.0.0.1:{port}"
    settings.GATEWAYAPI_TOKEN = TOKEN

    with pytest.raises(SmsTemporaryError, match="unreachable"):
        send_sms(to="20123456", text="Hej", sender="Tovholder")


def test_it_does_not_retry_an_accepted_message_whose_answer_it_cannot_read(gateway):
    gateway.answer = b"{}"

    with pytest.raises(SmsPermanentError, match="unreadable"):
        send_sms(to="20123456", text="Hej", sender="Tovholder")


def test_it_refuses_a_bad_number_before_calling_the_provider(gateway):
    with pytest.raises(SmsPermanentError, match="Not a phone number"):
        send_sms(to="123", text="Hej", sender="Tovholder")

    assert gateway.requests == []


def test_it_will_not_start_without_a_token(gateway, settings):
    settings.GATEWAYAPI_TOKEN = None

    with pytest.raises(ImproperlyConfigured, match="GATEWAYAPI_TOKEN"):
        send_sms(to="20123456", text="Hej", sender="Tovholder")

    assert gateway.requests == []


# --- the test and development backends ---------------------------------------------------


def test_it_keeps_messages_in_the_outbox_under_tests():
    result = send_sms(to="0045 20 12 34 56", text="Hej Frida", sender="Roklubben")

    assert sms.outbox == [
        sms.SentSms("+4520123456", "Hej Frida", "Roklubben", 1, result.provider_id)
    ]


def test_it_prints_the_message_on_the_console_backend():
    stream = io.StringIO()

    result = sms.ConsoleSmsBackend(stream).send(to="+4520123456", text="Hej Bo", sender="Nyborg")

    assert "SMS from Nyborg to +4520123456" in stream.getvalue()
    assert "Hej Bo" in stream.getvalue()
    assert result.segments == 1
    assert sms.outbox == []


# --- counting parts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("æøåÆØÅ" * 26 + "æøåé", 1),  # 160 characters, all GSM-7
        ("æøåÆØÅ" * 26 + "æøåéÉ", 2),
        ("€" * 80, 1),  # an extension character costs two septets
        ("€" * 80 + "a", 2),
        ("{" * 79 + "ab", 1),
        ("{" * 79 + "abc", 2),
        ("a" * 152 + "€" + "a" * 152, 3),  # the € cannot straddle parts 1 and 2
        ("😀" + "a" * 68, 1),  # UCS-2: 70 code units, the emoji takes two
        ("😀" + "a" * 69, 2),
        ("ж" * 70, 1),
        ("ж" * 71, 2),
        ("ж" * 134, 2),
        ("ж" * 135, 3),
        ("", 1),
    ],
)
def test_it_counts_sms_parts_like_the_networks(text, parts):
    assert segments(text) == parts


# --- phone numbers and senders -----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("12 34 56 78", "+4512345678"),
        ("+45 12345678", "+4512345678"),
        ("004512345678", "+4512345678"),
        ("0046 70 123 45 67", "+46701234567"),
        ("+45 20-12-34-56", "+4520123456"),
        ("123", None),
        ("123456789", None),  # nine digits are not a Danish number
        ("ring til mig", None),
        ("", None),
    ],
)
def test_it_normalises_phone_numbers_to_e164(raw, e164):
    assert normalise_phone(raw) == e164


def test_it_reads_a_local_number_in_another_region():
    assert normalise_phone("070-123 45 67", default_region="SE") == "+46701234567"


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Tovholder", "Tovholder"),
        ("Nyborg Kommune", "Nyborg Komm"),
        ("Ærø Kommune", "AEro Kommun"),
        ("Visit-Aarhus!", "VisitAarhus"),
        ("+4520123456", "4520123456"),
        ("1234567890123456789", "123456789012345"),
    ],
)
def test_it_cleans_the_sender_to_what_networks_accept(raw, cleaned):
    assert clean_sender(raw) == cleaned


def test_it_refuses_a_sender_with_nothing_usable():
    with pytest.raises(SmsPermanentError):
        clean_sender("!!!")
