"""Writing, scheduling and sending info mails, and the outbox that delivers them.

Delivery guarantees, honestly: SMTP cannot take part in a database transaction, so no
design can promise exactly-once across a crash *between* handing a mail to the server and
recording that it was handed over. What this outbox does guarantee:

* one Delivery row per (message, recipient), enforced by a unique constraint, so expanding
  an audience twice (a duplicated task, a double click, a re-run) adds nobody twice;
* a row is claimed (marked 'sending', with a claim timestamp) in a short transaction with
  `SELECT ... FOR UPDATE SKIP LOCKED` *before* its mail is sent, so concurrent workers and
  redelivered tasks never send the same row twice: a second task finds nothing to claim;
* after sending, the row is marked 'sent' only if it still holds the same claim;
* a row left in 'sending' longer than CLAIM_TIMEOUT belongs to a dead worker and is
  reclaimed. If that worker died after the SMTP server accepted the mail but before the
  row was marked, the recipient gets it again: at most one resend per such crash, and the
  resend carries the same Message-ID (derived from the delivery id), so it is identifiable
  and many receivers drop it. That is at-least-once with a bounded, traceable duplicate,
  which is the honest best for SMTP; everything short of a crash in that window is
  exactly-once.

Failures are retried with exponential back-off up to MAX_ATTEMPTS, then recorded as
'failed' with the error, and shown to the sender; an address the server refuses for good
(a 5xx answer, a synchronous bounce) fails at once. Asynchronous bounces (a DSN mailed
back later) are not read yet.
"""

import smtplib
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.messaging.models import Delivery, Message, Unsubscribe
from apps.messaging.rendering import delivery_email
from apps.messaging.selectors import audience_organisation, audience_users
from apps.organisations.models import Organisation
from apps.organisations.selectors import can_coordinate
from config.celery import enqueue_on_commit
from tenants.selectors import current_tenant

BATCH_SIZE = 200  # rows per claim, and per bulk insert when an audience is expanded
MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = timedelta(minutes=15)  # a 'sending' row older than this has lost its worker


def retry_delay(attempts: int) -> timedelta:
    """1, 4, 16, 64 minutes after the 1st, 2nd, 3rd, 4th failed attempt."""
    return timedelta(minutes=4 ** (attempts - 1))


def _check_may(actor: User | None, organisation: Organisation) -> None:
    if actor is not None and not can_coordinate(actor, organisation):
        raise PermissionDenied


def message_create(
    *,
    actor: User,
    organisation: Organisation,
    subject: str,
    body_markdown: str,
    audience_kind: str,
    audience_id: int,
) -> Message:
    _check_may(actor, organisation)
    owner = audience_organisation(audience_kind, audience_id)
    if owner is None or owner.pk != organisation.pk:
        raise ValidationError(_("Choose who gets the message."))
    return Message.objects.create(
        organisation=organisation,
        author=actor,
        subject=subject,
        body_markdown=body_markdown,
        audience_kind=audience_kind,
        audience_id=audience_id,
    )


def message_schedule(*, actor: User, message_id: int, send_at: datetime) -> Message:
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        _check_may(actor, message.organisation)
        if message.status not in (Message.Status.DRAFT, Message.Status.SCHEDULED):
            raise ValidationError(_("This message has already been sent."))
        message.status = Message.Status.SCHEDULED
        message.send_at = send_at
        message.save(update_fields=["status", "send_at"])
    return message


def message_send(*, actor: User | None, message_id: int) -> int:
    """Expand the audience into Delivery rows (idempotent) and enqueue delivery batches.

    `actor` None is the scheduler. Returns how many rows were new.
    """
    from apps.messaging.tasks import deliver_batch

    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        _check_may(actor, message.organisation)
        if message.status == Message.Status.SENT:
            return 0
        if message.status != Message.Status.SENDING:
            message.status = Message.Status.SENDING
            message.save(update_fields=["status"])
    created = 0
    users = audience_users(message.audience_kind, message.audience_id).values_list("pk", "email")
    chunk: list[Delivery] = []
    for user_id, email in users.iterator(chunk_size=BATCH_SIZE):
        chunk.append(Delivery(message_id=message.pk, user_id=user_id, email=email))
        if len(chunk) == BATCH_SIZE:
            created += _insert(chunk)
            chunk = []
    created += _insert(chunk)
    total = Delivery.objects.filter(message_id=message.pk, status=Delivery.Status.PENDING).count()
    with transaction.atomic():
        for _batch in range(max(1, -(-total // BATCH_SIZE))):
            enqueue_on_commit(deliver_batch, message.pk)
    return created


def _insert(rows: list[Delivery]) -> int:
    if not rows:
        return 0
    with transaction.atomic():
        before = Delivery.objects.filter(message_id=rows[0].message_id).count()
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        return Delivery.objects.filter(message_id=rows[0].message_id).count() - before


def deliveries_claim(
    *, message_id: int, limit: int = BATCH_SIZE, now: datetime | None = None
) -> list[int]:
    """Claim up to `limit` due rows for this worker, in one short transaction."""
    now = now or timezone.now()
    due = Q(status=Delivery.Status.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=Delivery.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    with transaction.atomic():
        rows = (
            Delivery.objects.filter(due | abandoned, message_id=message_id)
            .select_for_update(skip_locked=True)
            .order_by("id")
            .only("id")[:limit]
        )
        ids = [row.pk for row in rows]
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return ids


def deliveries_send(*, delivery_ids: list[int]) -> dict[str, int]:
    """Send the claimed rows over one connection; mark each sent, retried or failed."""
    tenant = current_tenant()
    done = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    deliveries = list(
        Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.SENDING)
        .select_related("message")
        .order_by("id")
    )
    unsubscribed = set(
        Unsubscribe.objects.filter(
            kind=Unsubscribe.Kind.INFO, user_id__in=[d.user_id for d in deliveries]
        ).values_list("user_id", flat=True)
    )
    connection = get_connection(fail_silently=False)
    try:
        for delivery in deliveries:
            mine = Delivery.objects.filter(
                pk=delivery.pk, status=Delivery.Status.SENDING, claimed_at=delivery.claimed_at
            )
            if delivery.user_id in unsubscribed:
                mine.update(status=Delivery.Status.SKIPPED)
                done["skipped"] += 1
                continue
            try:
                connection.send_messages([delivery_email(tenant, delivery)])
            except Exception as error:  # any failure is recorded on the row
                done[_record_failure(mine, delivery, error)] += 1
                continue
            mine.update(status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="")
            done["sent"] += 1
    finally:
        connection.close()
    return done


def is_bounce(error: Exception) -> bool:
    """The server refused the address for good (5xx): retrying will not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _record_failure(mine: QuerySet[Delivery], delivery: Delivery, error: Exception) -> str:
    text = f"{type(error).__name__}: {error}"[:2000]
    if delivery.attempts >= MAX_ATTEMPTS or is_bounce(error):
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


def messages_due(*, now: datetime | None = None) -> int:
    """Beat: send scheduled messages whose time has come, and pick up retries and rows
    abandoned by dead workers. Returns how many scheduled messages were started."""
    from apps.messaging.tasks import deliver_batch

    now = now or timezone.now()
    due = list(
        Message.objects.filter(status=Message.Status.SCHEDULED, send_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for message_id in due:
        message_send(actor=None, message_id=message_id)
    retry = Q(status=Delivery.Status.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=Delivery.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    waiting = (
        Delivery.objects.filter(retry | abandoned, message__status=Message.Status.SENDING)
        .exclude(message_id__in=due)
        .values_list("message_id", flat=True)
        .distinct()
    )
    with transaction.atomic():
        for message_id in waiting:
            enqueue_on_commit(deliver_batch, message_id)
    return len(due)


def unsubscribe(*, user_id: int) -> bool:
    """Record that this user wants no more info mails. True when the user exists."""
    if not User.objects.filter(pk=user_id).exists():
        return False
    Unsubscribe.objects.get_or_create(user_id=user_id, kind=Unsubscribe.Kind.INFO)
    return True
