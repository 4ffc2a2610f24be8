"""The outbox: claiming due deliveries, sending them, and recording how it went.

Delivery guarantees, honestly: SMTP (or an SMS gateway) cannot take part in a database
transaction, so no design can promise exactly-once across a crash *between* handing a
message over and recording that it was handed over. What this outbox does guarantee:

* one Delivery row per (message, recipient, channel), enforced by a unique constraint, so
  expanding an audience twice (a duplicated task, a double click, a re-run) adds nobody twice;
* a row is claimed (marked 'sending', with a claim timestamp) in a short transaction with
  `SELECT ... FOR UPDATE SKIP LOCKED` *before* it is sent, so concurrent workers and
  redelivered tasks never send the same row twice: a second task finds nothing to claim;
* after sending, the row is marked 'sent' only if it still holds the same claim;
* a row left in 'sending' longer than CLAIM_TIMEOUT belongs to a dead worker and is
  reclaimed. If that worker died after the server accepted the mail but before the row was
  marked, the recipient gets it again: at most one resend per such crash, and the resend
  carries the same Message-ID (derived from the delivery id), so it is identifiable and
  many receivers drop it. That is at-least-once with a bounded, traceable duplicate, which
  is the honest best for SMTP; everything short of a crash in that window is exactly-once.

Failures are retried with exponential back-off up to MAX_ATTEMPTS, then recorded as
'failed' with the error and shown to the sender; an address the server refuses for good
(a 5xx answer, a synchronous bounce) fails at once. Bounces reported later by an email
provider arrive through django-anymail's tracking webhook (see bounces.py).

Each tenant has a sending rate (Tenant.mail_rate_per_minute), counted in the shared cache
per minute; a batch takes only what is left of the minute and the beat picks up the rest.
"""

import smtplib
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from apps.messaging.models import Delivery, Message, Preference
from apps.messaging.rendering import (
    attachment_payloads,
    delivery_email,
    delivery_sms_text,
    preference_slug,
)
from kernel import messages
from tenants.models import Tenant
from tenants.selectors import current_tenant

BATCH_SIZE = 200  # rows per claim, and per bulk insert when an audience is expanded
MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = timedelta(minutes=15)  # a 'sending' row older than this has lost its worker


def retry_delay(attempts: int) -> timedelta:
    """1, 4, 16, 64 minutes after the 1st, 2nd, 3rd, 4th failed attempt."""
    return timedelta(minutes=4 ** (attempts - 1))


def rate_take(*, wanted: int, per_minute: int, now: datetime | None = None) -> int:
    """Take up to `wanted` sends from this minute's allowance; returns how many were granted.

    The counter lives in the shared cache (Redis), whose keys carry the schema, so every
    worker of every tenant counts against its own tenant's rate.
    """
    key = _rate_key(now or timezone.now())
    cache.add(key, 0, timeout=120)
    used = cache.incr(key, wanted)
    granted = max(0, min(wanted, per_minute - (used - wanted)))
    if granted < wanted:
        cache.decr(key, wanted - granted)
    return granted


def rate_give_back(*, unused: int, now: datetime) -> None:
    """Return what a batch took but did not need (fewer rows were due than it asked for)."""
    if unused > 0:
        cache.decr(_rate_key(now), unused)


def _rate_key(now: datetime) -> str:
    return f"messaging.rate.{now:%Y%m%d%H%M}"


def _due(now: datetime) -> Q:
    waiting = Q(status=Delivery.Status.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=Delivery.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    return waiting | abandoned


def deliveries_claim(
    *, message_id: int, limit: int = BATCH_SIZE, now: datetime | None = None
) -> list[int]:
    """Claim up to `limit` due rows for this worker, in one short transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = (
            Delivery.objects.filter(_due(now), message_id=message_id)
            .select_for_update(skip_locked=True)
            .order_by("id")
            .only("id")[:limit]
        )
        ids = [row.pk for row in rows]
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return ids


def _opted_out(deliveries: list[Delivery]) -> set[tuple[int, str]]:
    """(user, channel) pairs that switched this kind off after the audience was expanded."""
    if not deliveries:
        return set()
    message_kind = messages.kind(deliveries[0].message.kind)
    if not message_kind.switchable:  # essential: preferences are deliberately ignored
        return set()
    rows = Preference.objects.filter(
        kind=preference_slug(message_kind), user_id__in=[d.user_id for d in deliveries]
    ).values_list("user_id", "email", "sms")
    out = set()
    for user_id, email, sms in rows:
        out |= {(user_id, "email")} if not email else set()
        out |= {(user_id, "sms")} if not sms else set()
    return out


def deliveries_send(*, delivery_ids: list[int]) -> dict[str, int]:
    """Send the claimed rows (mail over one connection); mark each sent, retried or failed."""
    tenant = current_tenant()
    done = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    deliveries = list(
        Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.SENDING)
        .select_related("message", "message__shift__task__event")
        .order_by("id")
    )
    opted_out = _opted_out(deliveries)
    files = attachment_payloads(deliveries[0].message) if deliveries else []
    connection = get_connection(fail_silently=False)
    try:
        if any(d.channel == Delivery.Channel.EMAIL for d in deliveries):
            connection.open()  # one connection for the whole batch, not one per mail
    except Exception as error:  # the server is down: every row waits for its retry
        for delivery in deliveries:
            mine = Delivery.objects.filter(pk=delivery.pk, claimed_at=delivery.claimed_at)
            done[_record_failure(mine, delivery, error)] += 1
        return done
    try:
        for delivery in deliveries:
            mine = Delivery.objects.filter(
                pk=delivery.pk, status=Delivery.Status.SENDING, claimed_at=delivery.claimed_at
            )
            if (delivery.user_id, delivery.channel) in opted_out:
                mine.update(status=Delivery.Status.SKIPPED)
                done["skipped"] += 1
                continue
            try:
                provider_id, segments = _send_one(tenant, delivery, connection, files)
            except Exception as error:  # any failure is recorded on the row
                done[_record_failure(mine, delivery, error)] += 1
                continue
            mine.update(
                status=Delivery.Status.SENT,
                sent_at=timezone.now(),
                last_error="",
                provider_id=provider_id[:200],
                segments=segments,
            )
            done["sent"] += 1
    finally:
        connection.close()
    return done


def _send_one(
    tenant: Tenant, delivery: Delivery, connection, files: list
) -> tuple[str, int | None]:
    """Send one row; the provider's id and, for an SMS, the segments it cost."""
    if delivery.channel == Delivery.Channel.SMS:
        # Here, not at the top: sms loads phonenumbers' numbering plans, only needed for SMS.
        from apps.messaging.sms import SmsPermanentError, send_sms
        from kernel.phones import normalise_phone

        to = normalise_phone(delivery.address)
        if to is None:
            raise SmsPermanentError(f"not a phone number: {delivery.address}")
        text = delivery_sms_text(tenant, delivery)
        result = send_sms(to=to, text=text, sender=tenant.sms_sender or tenant.name)
        return result.provider_id, result.segments
    mail = delivery_email(tenant, delivery, files)
    connection.send_messages([mail])
    status = getattr(mail, "anymail_status", None)  # set by django-anymail's backends
    return (status and status.message_id) or mail.extra_headers["Message-ID"], None


def is_permanent(error: Exception) -> bool:
    """The server refused the address for good (5xx, a rejected number), or what the mail
    is about is gone (a deleted sign-up): retrying will not help."""
    from apps.messaging.sms import SmsPermanentError  # phonenumbers only when needed (above)

    if isinstance(error, SmsPermanentError | ObjectDoesNotExist):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _record_failure(mine: QuerySet[Delivery], delivery: Delivery, error: Exception) -> str:
    text = f"{type(error).__name__}: {error}"[:2000]
    if delivery.attempts >= MAX_ATTEMPTS or is_permanent(error):
        mine.update(status=Delivery.Status.FAILED, last_error=text)
        return "failed"
    mine.update(
        status=Delivery.Status.PENDING,
        last_error=text,
        next_attempt_at=timezone.now() + retry_delay(delivery.attempts),
    )
    return "retry"


def message_finish(*, message_id: int) -> bool:
    """Mark the message sent once no row is waiting or being sent."""
    open_rows = Delivery.objects.filter(
        message_id=message_id, status__in=(Delivery.Status.PENDING, Delivery.Status.SENDING)
    )
    if open_rows.exists():
        return False
    return bool(
        Message.objects.filter(pk=message_id, status=Message.Status.SENDING).update(
            status=Message.Status.SENT, sent_at=timezone.now()
        )
    )


def messages_waiting(*, now: datetime, exclude: list[int]) -> list[int]:
    """Messages with rows due for a retry, left by a dead worker, or held back by the rate."""
    return list(
        Delivery.objects.filter(_due(now), message__status=Message.Status.SENDING)
        .exclude(message_id__in=exclude)
        .values_list("message_id", flat=True)
        .distinct()
    )


def delivery_event_record(*, provider_id: str, event_type: str, description: str = "") -> int:
    """A later report about a sent message: a bounce or rejection marks the delivery failed
    (shown to the sender); a spam complaint also switches that kind of mail off for the
    person. Unknown ids (another system's mail) change nothing. Returns rows changed."""
    if event_type not in ("bounced", "rejected", "failed", "complained"):
        return 0
    deliveries = Delivery.objects.filter(provider_id=provider_id).select_related("message")
    changed = 0
    for delivery in deliveries:
        changed += Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, last_error=f"{event_type}: {description}"[:2000]
        )
        complained = event_type == "complained" and delivery.user_id is not None
        if complained and messages.kind(delivery.message.kind).switchable:
            Preference.objects.update_or_create(
                user_id=delivery.user_id,
                kind=preference_slug(messages.kind(delivery.message.kind)),
                defaults={"email": False},
            )
    return changed
