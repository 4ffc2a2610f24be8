"""The webhook outbox: claim due rows, sign and post them, record the answer.

Like the mail outbox (apps.messaging.services.outbox), and with the same honest limits:

* a row is claimed ('sending', a claim time, attempts + 1) in a short transaction with
  `SELECT ... FOR UPDATE SKIP LOCKED` before it is posted, so two workers (or a redelivered
  task) never post the same row: the second finds nothing to claim;
* the answer is recorded only if the row still holds that claim;
* a row left 'sending' longer than CLAIM_TIMEOUT belongs to a dead worker and is claimed
  again. A worker that died after the receiver answered but before the row was marked
  causes one repeat, with the same Tovholder-Event-Id, which receivers drop;
* a non-2xx answer, a timeout or a refused connection is retried with back-off
  (retry_delay) and given up after MAX_ATTEMPTS; every answer's code and time is kept for
  the delivery log.
"""

import hashlib
import hmac
import http.client
import json
import socket
import ssl
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from apps.webhooks import guard
from apps.webhooks.models import Delivery

BATCH_SIZE = 20  # at most 20 times TIMEOUT_SECONDS per batch: well inside CLAIM_TIMEOUT
MAX_ATTEMPTS = 6
CLAIM_TIMEOUT = timedelta(minutes=15)  # a claim older than this has lost its worker
TIMEOUT_SECONDS = 10
USER_AGENT = "Tovholder-Webhooks/1"


def retry_delay(attempts: int) -> timedelta:
    """30 s, 2 min, 8 min, 32 min, ~2 h after the 1st ... 5th failed attempt."""
    return timedelta(seconds=30 * 4 ** (attempts - 1))


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The Tovholder-Signature header's value (docs/webhooks.md shows how to check it)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def _due(now: datetime) -> Q:
    waiting = Q(status=Delivery.Status.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=Delivery.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    return waiting | abandoned


def deliveries_claim(*, limit: int = BATCH_SIZE, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    with transaction.atomic():
        rows = (
            Delivery.objects.filter(_due(now))
            .select_for_update(skip_locked=True)
            .order_by("id")
            .only("id")[:limit]
        )
        ids = [row.pk for row in rows]
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return ids


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the address the guard checked, with the host name for TLS."""

    def __init__(self, host: str, port: int, address: str, **kwargs: object) -> None:
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)  # type: ignore[arg-type]
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, **kwargs: object) -> None:
        super().__init__(host, port, **kwargs)  # type: ignore[arg-type]
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


def post(delivery: Delivery) -> int:
    """Post one row; the answer's status code. Raises guard.Refused or an OSError."""
    endpoint = delivery.endpoint
    host, port, address = guard.checked_address(endpoint.url)  # again: DNS may have changed
    parts = urlsplit(endpoint.url)
    body = json.dumps({"id": str(delivery.event_id), **delivery.payload}).encode()
    stamp = int(time.time())
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    conn = kind(host, port, address, timeout=TIMEOUT_SECONDS)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "Tovholder-Event-Id": str(delivery.event_id),
                "Tovholder-Event-Kind": delivery.kind,
                "Tovholder-Signature": signature(endpoint.secret, stamp, body),
            },
        )
        response = conn.getresponse()
        response.read(65536)  # redirects are not followed: a 3xx counts as a failure
        return response.status
    finally:
        conn.close()


def deliveries_send(*, delivery_ids: list[int]) -> dict[str, int]:
    done = {"sent": 0, "retry": 0, "failed": 0}
    rows = (
        Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.SENDING)
        .select_related("endpoint")
        .order_by("id")
    )
    for delivery in rows:
        mine = Delivery.objects.filter(
            pk=delivery.pk, status=Delivery.Status.SENDING, claimed_at=delivery.claimed_at
        )
        started = time.monotonic()
        code: int | None = None
        error = ""
        try:
            code = post(delivery)
        except (guard.Refused, OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
        took = int((time.monotonic() - started) * 1000)
        if code is not None and 200 <= code < 300:
            mine.update(
                status=Delivery.Status.SENT,
                delivered_at=timezone.now(),
                response_code=code,
                response_ms=took,
                last_error="",
            )
            done["sent"] += 1
            continue
        done[_record_failure(mine, delivery, code, took, error or f"HTTP {code}")] += 1
    return done


def _record_failure(
    mine: QuerySet[Delivery], delivery: Delivery, code: int | None, took: int, error: str
) -> str:
    common = {"response_code": code, "response_ms": took, "last_error": error}
    if delivery.attempts >= MAX_ATTEMPTS or not delivery.endpoint.is_active:
        mine.update(status=Delivery.Status.FAILED, **common)
        return "failed"
    mine.update(
        status=Delivery.Status.PENDING,
        next_attempt_at=timezone.now() + retry_delay(delivery.attempts),
        **common,
    )
    return "retry"


def deliver_due(*, now: datetime | None = None) -> dict[str, int]:
    """Everything due in this tenant, a batch at a time (the beat's per-tenant task)."""
    total = {"sent": 0, "retry": 0, "failed": 0}
    while True:
        ids = deliveries_claim(now=now)
        if ids:
            for key, value in deliveries_send(delivery_ids=ids).items():
                total[key] += value
        if len(ids) < BATCH_SIZE:
            return total
