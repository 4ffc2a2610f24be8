"""Adapters: each runs in the schema it was sent from, calls services, and is safe twice."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from apps.messaging.due import AUTOMATIC, MESSAGES, MESSAGES_TICK
from apps.messaging.services import (
    BATCH_SIZE,
    deliveries_claim,
    deliveries_send,
    message_finish,
    message_rate,
    message_send,
    messages_due,
    orientations_due,
    rate_give_back,
    rate_take,
    reminders_due,
    unfilled_alerts_due,
)
from apps.messaging.services.digests import digest_recipients, digest_send
from tenants import due
from tenants.selectors import current_tenant
from tenants.tasks import send_to_every_open_tenant


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_message(message_id: int) -> int:
    return message_send(actor=None, message_id=message_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def deliver_batch(message_id: int) -> dict[str, int]:
    """Claim one batch of this message's due rows (as many as the tenant's sending rate
    allows this minute, lifted for a broadcast: outbox.message_rate), send them, and
    carry on if more wait.

    A duplicated or redelivered task claims nothing that another has claimed (see the
    docstring of apps.messaging.services.outbox), so it is harmless. Rows held back by the
    rate stay pending; the beat's send_due_messages picks them up in the next minute.
    """
    now = timezone.now()
    # The tenant's rate, lifted for a kind that says so (the reserve pool's call-out).
    rate = message_rate(message_id=message_id, per_minute=current_tenant().mail_rate_per_minute)
    limit = rate_take(wanted=BATCH_SIZE, per_minute=rate, now=now)
    ids = deliveries_claim(message_id=message_id, limit=limit, now=now) if limit else []
    rate_give_back(unused=limit - len(ids), now=now)
    done = deliveries_send(delivery_ids=ids) if ids else {}
    if ids and len(ids) == limit:
        deliver_batch.delay(message_id)
    else:
        message_finish(message_id=message_id)
        # Rows held back by the rate or waiting for a retry: the beat carries on with them,
        # and its run a minute from now stores when (apps.messaging.due).
        due.wake(MESSAGES, now + MESSAGES_TICK)
    return done


@shared_task(ignore_result=True)
def send_due_messages() -> int:
    return due.run(MESSAGES, messages_due)


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_due_messages() -> int:
    """Beat runs this in public every minute; it wakes the tenants with messages due."""
    return due.send_to_due_tenants(MESSAGES, send_due_messages)


def _automatic() -> dict[str, int]:
    return {
        "reminders": reminders_due(),
        "orientations": orientations_due(),
        "unfilled": unfilled_alerts_due(),
    }


@shared_task(ignore_result=True)
def send_automatic_messages() -> dict[str, int]:
    """Reminders, orientation mails and unfilled-shift alerts that are due in this tenant."""
    return due.run(AUTOMATIC, _automatic)


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_automatic() -> int:
    """Beat runs this in public every minute; it wakes the tenants with a shift in or
    entering a reminder, orientation or unfilled-alert window."""
    return due.send_to_due_tenants(AUTOMATIC, send_automatic_messages)


# The follow digest (apps.messaging.services.digests).
@shared_task(ignore_result=True)
def send_digest(user_id: int) -> int:
    return digest_send(user_id=user_id)


@shared_task(ignore_result=True)
def send_digests() -> int:
    """One task per follower, so one bad address does not hold up the rest."""
    recipients = digest_recipients()
    for user_id in recipients:
        send_digest.delay(user_id)
    return len(recipients)


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_digests() -> None:
    """Beat runs this in public once a day; it fans out to every open tenant."""
    send_to_every_open_tenant(send_digests)
