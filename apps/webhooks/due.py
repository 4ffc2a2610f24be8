"""When this tenant's webhook outbox next needs the beat (tenants.due)."""

from datetime import datetime

from django.db.models import Min, Q

from apps.webhooks.models import Delivery
from apps.webhooks.services.delivery import CLAIM_TIMEOUT
from apps.webhooks.services.emitting import DUE_KIND
from tenants import due

PENDING = Q(status=Delivery.Status.PENDING)
SENDING = Q(status=Delivery.Status.SENDING)


def webhooks_next_due(now: datetime) -> datetime | None:
    """Now for rows ready; else the first retry, or a claim's timeout (a dead worker)."""
    found = Delivery.objects.filter(PENDING | SENDING).aggregate(
        retry=Min("next_attempt_at", filter=PENDING),
        fresh=Min("created_at", filter=PENDING & Q(next_attempt_at__isnull=True)),
        claim=Min("claimed_at", filter=SENDING),
    )
    times = [found["retry"], now if found["fresh"] else None]
    if found["claim"] is not None:
        times.append(found["claim"] + CLAIM_TIMEOUT)
    known = [at for at in times if at is not None]
    return max(min(known), now) if known else None


def connect() -> None:
    due.register(DUE_KIND, webhooks_next_due)
