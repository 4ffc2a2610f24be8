"""Adapters: each runs in the schema it was sent from, calls services, and is safe twice."""

from celery import shared_task
from django.db import OperationalError

from apps.messaging.services import (
    BATCH_SIZE,
    deliveries_claim,
    deliveries_send,
    message_finish,
    message_send,
    messages_due,
)
from config.celery import send_to_every_open_tenant


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_message(message_id: int) -> int:
    return message_send(actor=None, message_id=message_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def deliver_batch(message_id: int) -> dict[str, int]:
    """Claim one batch of this message's due rows, send them, and carry on if more wait.

    A duplicated or redelivered task claims nothing that another has claimed (see the
    docstring of apps.messaging.services), so it is harmless.
    """
    ids = deliveries_claim(message_id=message_id)
    done = deliveries_send(delivery_ids=ids) if ids else {}
    if len(ids) == BATCH_SIZE:
        deliver_batch.delay(message_id)
    else:
        message_finish(message_id=message_id)
    return done


@shared_task
def send_due_messages() -> int:
    return messages_due()


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_due_messages() -> None:
    """Beat runs this in public every minute; it fans out to every open tenant."""
    send_to_every_open_tenant(send_due_messages)
