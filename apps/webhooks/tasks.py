"""Adapters: each runs in the schema it was sent from, calls one service, safe twice."""

from celery import shared_task

from apps.webhooks.services import deliver_due
from apps.webhooks.services.emitting import DUE_KIND
from tenants import due


@shared_task(ignore_result=True)
def deliver_webhooks() -> dict[str, int]:
    """This tenant's due webhook rows (a second run finds nothing left to claim)."""
    return due.run(DUE_KIND, deliver_due)


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_webhooks() -> int:
    """Beat runs this in public every minute; it wakes the tenants with webhooks due."""
    return due.send_to_due_tenants(DUE_KIND, deliver_webhooks)
