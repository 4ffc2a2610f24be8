"""Stripe's webhook events: stored once by their id, then handled once by a Celery task.

Handling never trusts the order events arrive in, nor the object inside the event: it
reads the invoice or subscription as Stripe has it *now* and writes that. So
`invoice.paid` before `invoice.created` ends paid, and a late `invoice.created` does not
take a paid invoice back to draft.
"""

import json
import logging
from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.services import audit_record
from billing import stripe_sync
from billing.models import StripeEvent, StripeInvoice, Subscription
from billing.services import subscription_transition
from kernel.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)
S = Subscription.Status
INVOICE_EVENTS = {
    "invoice.created",
    "invoice.finalized",
    "invoice.updated",
    "invoice.paid",
    "invoice.payment_succeeded",
    "invoice.payment_failed",
    "invoice.voided",
    "invoice.marked_uncollectible",
}
SUBSCRIPTION_EVENTS = {
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
}
HANDLE_TASK = "billing.tasks.handle_stripe_event"


def stripe_event_store(*, event: dict[str, Any]) -> bool:
    """Keep a verified event; True if it is new. INSERT … ON CONFLICT DO NOTHING: a replay,
    or the same event delivered twice at once, inserts nothing and queues nothing."""
    with transaction.atomic(), schema_context("public"), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_stripeevent (id, type, payload, received_at, outcome)"
            " VALUES (%s, %s, %s, %s, '') ON CONFLICT (id) DO NOTHING RETURNING id",
            [str(event["id"]), str(event.get("type", "")), json.dumps(event), timezone.now()],
        )
        created = cursor.fetchone() is not None
        if created:
            enqueue_on_commit(HANDLE_TASK, str(event["id"]))
    return created


def stripe_event_handle(*, event_id: str) -> str:
    """Handle a stored event once (its row locked; a handled one is left) and keep what
    came of it. If Stripe cannot be reached, the error is kept on the row and raised, for
    the task to retry; nothing else is written."""
    try:
        return _handle(event_id)
    except stripe_sync.StripeUnavailable as exc:  # unreachable, or refusing: try again later
        with schema_context("public"):
            StripeEvent.objects.filter(pk=event_id, handled_at__isnull=True).update(
                outcome=f"error: {exc}"[:2000]
            )
        raise


def _handle(event_id: str) -> str:
    with transaction.atomic(), schema_context("public"):
        event = StripeEvent.objects.select_for_update().get(pk=event_id)
        if event.handled_at is not None:
            return event.outcome
        obj = event.payload.get("data", {}).get("object", {})
        if event.type in INVOICE_EVENTS:
            outcome = _invoice_event(event.type, str(obj.get("id", "")))
        elif event.type in SUBSCRIPTION_EVENTS:
            outcome = _subscription_event(event.type, obj)
        else:
            outcome = "ignored"
        event.handled_at = timezone.now()
        event.outcome = outcome
        event.save(update_fields=["handled_at", "outcome"])
    return outcome


def _subscription_for(customer_id: str, event_type: str) -> Subscription | None:
    found = (
        Subscription.objects.select_for_update()
        .select_related("tenant")
        .filter(stripe_customer_id=customer_id)
        .first()
        if customer_id
        else None
    )
    if found is None:
        logger.warning("Stripe event %s for an unknown customer %r", event_type, customer_id)
    return found


def _invoice_event(event_type: str, invoice_id: str) -> str:
    try:
        invoice = stripe_sync.invoice_retrieve(invoice_id)  # as it is now, whatever the order
    except stripe_sync.StripeMissing:  # a deleted draft: nothing to mirror, nothing to retry
        return f"invoice {invoice_id} is not at Stripe"
    # The subscription's row lock (taken here) makes two events of one invoice, handled by
    # two workers at once, take turns: the second reads Stripe after the first wrote.
    subscription = _subscription_for(str(invoice.get("customer") or ""), event_type)
    if subscription is None:
        return f"unknown customer {invoice.get('customer')}"
    mirror = _mirror(subscription, invoice)
    failed = invoice.get("status") == "open" and (
        event_type == "invoice.payment_failed" or stripe_sync.payment_failed(invoice)
    )
    if failed and subscription.status == S.ACTIVE:
        # Dunning (mails, grace, suspension) follows the status; it is not done here.
        _move(subscription, S.PAST_DUE, f"Stripe invoice {invoice_id} payment failed")
        return f"invoice {mirror.status}; subscription past due"
    if mirror.status == StripeInvoice.Status.PAID and subscription.status in (
        S.PAST_DUE,
        S.SUSPENDED,
    ):
        if _still_unpaid(subscription, exclude=mirror):
            return f"invoice {mirror.status}; other invoices still open"
        _move(subscription, S.ACTIVE, f"Stripe invoice {invoice_id} paid")
        return f"invoice {mirror.status}; subscription active again"
    return f"invoice {mirror.status}"


def _mirror(subscription: Subscription, invoice: dict[str, Any]) -> StripeInvoice:
    status = str(invoice.get("status") or "draft")
    fields = _fields(subscription, invoice, status)
    mirror, created = StripeInvoice.objects.select_for_update().get_or_create(
        stripe_id=str(invoice["id"]), defaults=fields
    )
    old = "" if created else mirror.status
    if not created:  # Stripe's state now, whatever the mirror said before
        for name, value in fields.items():
            setattr(mirror, name, value)
        mirror.save()
    if old != status:
        audit_record(
            actor=None,
            action="billing.stripe_invoice",
            target=subscription.tenant,
            invoice=mirror.stripe_id,
            status=status,
            amount_due=mirror.amount_due,
        )
    return mirror


def _fields(subscription: Subscription, invoice: dict[str, Any], status: str) -> dict[str, Any]:
    created = invoice.get("created") or invoice.get("date") or 0
    return {
        "tenant_id": subscription.tenant_id,
        "subscription": subscription,
        "number": str(invoice.get("number") or ""),
        "status": status,
        "amount_due": int(invoice.get("amount_due") or 0),
        "amount_paid": int(invoice.get("amount_paid") or 0),
        "currency": str(invoice.get("currency") or "dkk"),
        "period_start": _day(invoice.get("period_start")),
        "period_end": _day(invoice.get("period_end")),
        "hosted_invoice_url": str(invoice.get("hosted_invoice_url") or ""),
        "stripe_created": datetime.fromtimestamp(int(created), tz=UTC),
    }


def _day(stamp: object) -> date | None:
    return datetime.fromtimestamp(int(stamp), tz=UTC).date() if stamp else None  # type: ignore[call-overload]


def _still_unpaid(subscription: Subscription, *, exclude: StripeInvoice) -> bool:
    """Another of the subscription's invoices is open and its payment failed."""
    others = subscription.stripe_invoices.filter(status=StripeInvoice.Status.OPEN).exclude(
        pk=exclude.pk
    )
    return any(
        stripe_sync.payment_failed(stripe_sync.invoice_retrieve(other.stripe_id))
        for other in others
    )


def _move(subscription: Subscription, status: str, reason: str) -> None:
    try:
        subscription_transition(
            tenant=subscription.tenant, status=status, actor=None, reason=reason
        )
    except ValidationError:  # moved on since it was read; the event changes nothing
        logger.info("Subscription of %s not moved to %s", subscription.tenant, status)


def _subscription_event(event_type: str, obj: dict[str, Any]) -> str:
    subscription = _subscription_for(str(obj.get("customer") or ""), event_type)
    if subscription is None:
        return f"unknown customer {obj.get('customer')}"
    current = stripe_sync.subscription_retrieve(str(obj["id"]))
    status = str(current.get("status") or "")
    if subscription.stripe_subscription_id not in ("", current["id"]):
        return f"other subscription {current['id']}"
    if status != subscription.stripe_status:
        old = subscription.stripe_status
        subscription.stripe_subscription_id = str(current["id"])
        subscription.stripe_status = status
        subscription.save(update_fields=["stripe_subscription_id", "stripe_status", "updated_at"])
        audit_record(
            actor=None,
            action="billing.stripe_subscription_status",
            target=subscription.tenant,
            old=old,
            new=status,
        )
    return f"stripe subscription {status}"
