"""Text messages: one call, `send_sms`, and a backend chosen by the SMS_BACKEND setting.

Like Django's mail backends: GatewayApiBackend talks to the GatewayAPI REST API,
LocmemSmsBackend keeps messages in `outbox` (the test suite's backend), ConsoleSmsBackend
prints them (the development default).

Errors say what the caller should do next. SmsPermanentError: the provider refused this
message (a bad number, a rejected request), so sending it again unchanged cannot help.
SmsTemporaryError: timeouts, refused connections, throttling and server errors, or our own
credentials refused (a revoked token is fixed by an operator, not by giving up on every
recipient): send again later. An answer the provider accepted but that cannot be read is
permanent too, because the message may well be on its way and a retry could send it twice.
"""

import itertools
import json
import logging
import sys
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from http.client import HTTPException
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from kernel.phones import normalise_phone

logger = logging.getLogger(__name__)

# GSM 03.38: the default alphabet, one septet each, and the extension table, reached
# through an escape septet and so costing two. ESC itself is not a character of the text.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
# One message carries 140 octets: 160 septets or 70 UTF-16 units. A concatenated message
# spends 6 octets of each part on the header that joins them: 153 septets or 67 units left.
GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

SENDER_ALPHANUMERIC_MAX = 11  # the GSM limit for a sender name ...
SENDER_NUMERIC_MAX = 15  # ... and for a sender number
SENDER_TRANSLITERATION = str.maketrans(
    {"Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Å": "AA", "å": "aa"}
)


class SmsError(Exception):
    """Sending failed; the subclasses say whether to try again."""


class SmsPermanentError(SmsError):
    """The provider refused this message for good: do not retry."""


class SmsTemporaryError(SmsError):
    """The provider could not take the message now: retry later."""


@dataclass(frozen=True)
class SmsResult:
    provider_id: str
    segments: int


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def segments(text: str) -> int:
    """How many SMS parts the text is sent (and billed) as; an empty text still is one.

    A part never ends inside an escape pair (GSM-7) or a surrogate pair (UCS-2), so a
    long text with € or an emoji at a boundary can take one part more than its length
    divided by 153 or 67 suggests.
    """
    if is_gsm7(text):
        costs = [2 if char in GSM7_EXTENSION else 1 for char in text]
        single, part = GSM7_SINGLE, GSM7_PART
    else:
        costs = [2 if ord(char) > 0xFFFF else 1 for char in text]  # UTF-16 code units
        single, part = UCS2_SINGLE, UCS2_PART
    if sum(costs) <= single:
        return 1
    parts, room = 1, part
    for cost in costs:
        if cost > room:
            parts, room = parts + 1, part
        room -= cost
    return parts


def clean_sender(raw: str) -> str:
    """A sender the networks accept: up to 15 digits, or up to 11 letters, digits, spaces.

    Other characters are dropped (æøå spelled out first), then the name is cut to 11.
    """
    stripped = raw.strip()
    digits = stripped.removeprefix("+")
    if digits.isdigit() and digits.isascii():
        return digits[:SENDER_NUMERIC_MAX]
    spelled = stripped.translate(SENDER_TRANSLITERATION)
    kept = "".join(char for char in spelled if char.isascii() and (char.isalnum() or char == " "))
    name = " ".join(kept.split())[:SENDER_ALPHANUMERIC_MAX].strip()
    if not name:
        raise SmsPermanentError(f"No usable SMS sender in {raw!r}.")
    return name


def send_sms(*, to: str, text: str, sender: str | None = None) -> SmsResult:
    """Send one text through the configured backend.

    `to` may be written as people write it ("12 34 56 78", "0046 ..."); Danish unless it
    says otherwise. `sender` defaults to settings.SMS_SENDER.
    """
    number = normalise_phone(to)
    if number is None:
        raise SmsPermanentError(f"Not a phone number: {to!r}.")
    name = clean_sender(sender or settings.SMS_SENDER)
    return get_backend().send(to=number, text=text, sender=name)


def get_backend(path: str | None = None) -> "BaseSmsBackend":
    backend_class = import_string(path or settings.SMS_BACKEND)
    return backend_class()


class BaseSmsBackend:
    def send(self, *, to: str, text: str, sender: str) -> SmsResult:
        """Send to `to` (E.164) from `sender` (already cleaned)."""
        raise NotImplementedError


# --- GatewayAPI -------------------------------------------------------------------------


class GatewayApiBackend(BaseSmsBackend):
    """POST {GATEWAYAPI_URL}/rest/mtsms with `Authorization: Token ...` (GatewayAPI's REST
    API); the answer to a good request is {"ids": [...]}, to a bad one {"code": "0x0215",
    "message": ..., "incident_uuid": ...}."""

    # The request itself is wrong or refused: sending it again unchanged cannot succeed.
    PERMANENT_STATUSES = frozenset({400, 404, 405, 410, 413, 415, 422})

    def __init__(self) -> None:
        self.token = settings.GATEWAYAPI_TOKEN
        if not self.token:
            raise ImproperlyConfigured("GATEWAYAPI_TOKEN is not set (SMS_BACKEND is GatewayAPI).")
        self.url = settings.GATEWAYAPI_URL.rstrip("/") + "/rest/mtsms"
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(f"GATEWAYAPI_URL must be an http(s) URL: {self.url!r}")
        self.timeout = settings.SMS_TIMEOUT

    def send(self, *, to: str, text: str, sender: str) -> SmsResult:
        payload: dict[str, Any] = {
            "sender": sender,
            "message": text,
            "recipients": [{"msisdn": int(to.removeprefix("+"))}],
        }
        if not is_gsm7(text):
            # Without it GatewayAPI transcodes to GSM-7 and replaces what does not fit.
            payload["encoding"] = "UCS2"
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            self.url,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Authorization": f"Token {self.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as error:
            raise self._refusal(error.code, _read(error)) from error
        except (urllib.error.URLError, TimeoutError, ConnectionError, HTTPException) as error:
            raise SmsTemporaryError(f"GatewayAPI unreachable: {error}") from error
        try:
            provider_id = str(json.loads(body)["ids"][0])
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise SmsPermanentError(
                f"GatewayAPI accepted the message but its answer is unreadable: {body[:200]!r}"
            ) from error
        return SmsResult(provider_id=provider_id, segments=segments(text))

    def _refusal(self, status: int, body: bytes) -> SmsError:
        detail = _provider_message(body)
        message = f"GatewayAPI answered {status}: {detail}"
        if status in self.PERMANENT_STATUSES:
            return SmsPermanentError(message)
        if status in (401, 403):
            logger.error("GatewayAPI refused our credentials: %s", detail)
        return SmsTemporaryError(message)


def _read(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read()
    except (OSError, HTTPException):
        return b""


def _provider_message(body: bytes) -> str:
    try:
        answer = json.loads(body)
    except ValueError:
        return body[:200].decode(errors="replace") or "(no details)"
    if not isinstance(answer, dict):
        return str(answer)[:200]
    code = answer.get("code")
    message = str(answer.get("message") or "(no details)")
    return f"{message} ({code})" if code else message


# --- for tests and development ----------------------------------------------------------


@dataclass(frozen=True)
class SentSms:
    to: str
    text: str
    sender: str
    segments: int
    provider_id: str


# What LocmemSmsBackend has "sent", like django.core.mail.outbox (tests/conftest.py
# empties it before each test).
outbox: list[SentSms] = []
_locmem_ids = itertools.count(1)


class LocmemSmsBackend(BaseSmsBackend):
    def send(self, *, to: str, text: str, sender: str) -> SmsResult:
        result = SmsResult(provider_id=f"locmem-{next(_locmem_ids)}", segments=segments(text))
        outbox.append(SentSms(to, text, sender, result.segments, result.provider_id))
        return result


class ConsoleSmsBackend(BaseSmsBackend):
    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, *, to: str, text: str, sender: str) -> SmsResult:
        result = SmsResult(provider_id=f"console-{uuid.uuid4()}", segments=segments(text))
        self.stream.write(
            f"SMS from {sender} to {to} ({result.segments} part(s), {result.provider_id}):\n"
            f"{text}\n{'-' * 40}\n"
        )
        self.stream.flush()
        return result
