"""Write paths of messaging, split by concern:

compose (coordinators write, schedule and send; the system makes notices), outbox
(claiming, sending and recording deliveries), automatic (reminders, orientation mails,
unfilled-shift alerts), preferences (what each person wants to get).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.messaging.models import Message
from apps.messaging.services.automatic import (
    orientation_save,
    orientations_due,
    reminders_due,
    unfilled_alerts_due,
)
from apps.messaging.services.compose import (
    addresses_forget,
    deliveries_expand,
    message_create,
    message_notify,
    message_schedule,
    message_send,
    message_to_addresses,
    message_withdraw,
)
from apps.messaging.services.outbox import (
    BATCH_SIZE,
    CLAIM_TIMEOUT,
    MAX_ATTEMPTS,
    deliveries_claim,
    deliveries_send,
    delivery_event_record,
    is_permanent,
    message_finish,
    messages_waiting,
    rate_give_back,
    rate_take,
    retry_delay,
)
from apps.messaging.services.preferences import preferences_save, unsubscribe
from kernel.tasks import enqueue_on_commit

__all__ = [
    "BATCH_SIZE",
    "CLAIM_TIMEOUT",
    "MAX_ATTEMPTS",
    "addresses_forget",
    "deliveries_claim",
    "deliveries_expand",
    "deliveries_send",
    "delivery_event_record",
    "is_permanent",
    "message_create",
    "message_finish",
    "message_notify",
    "message_schedule",
    "message_send",
    "message_to_addresses",
    "message_withdraw",
    "messages_due",
    "orientation_save",
    "orientations_due",
    "preferences_save",
    "rate_give_back",
    "rate_take",
    "reminders_due",
    "retry_delay",
    "unfilled_alerts_due",
    "unsubscribe",
]


def messages_due(*, now: datetime | None = None) -> int:
    """Beat: send scheduled messages whose time has come, and pick up retries, rows held
    back by the sending rate and rows abandoned by dead workers. Returns how many scheduled
    messages were started."""
    now = now or timezone.now()
    due = list(
        Message.objects.filter(status=Message.Status.SCHEDULED, send_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for message_id in due:
        message_send(actor=None, message_id=message_id)
    with transaction.atomic():
        for message_id in messages_waiting(now=now, exclude=due):
            enqueue_on_commit("apps.messaging.tasks.deliver_batch", message_id)
    return len(due)
