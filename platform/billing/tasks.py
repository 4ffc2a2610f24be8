"""Beat's billing work: monthly metering, nightly trials, issuing and dunning. Each fans out
one task per tenant, which counts, issues or reminds for that tenant only."""

from datetime import date, timedelta

from celery import shared_task
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.dunning import dunning_candidates, dunning_run
from billing.issuing import invoices_issue_due, issuing_candidates
from billing.models import Subscription
from billing.services import subscriptions_end_trials, usage_record
from billing.stripe_events import stripe_event_handle
from billing.stripe_services import stripe_usage_push
from billing.stripe_sync import StripeUnavailable
from tenants.models import Tenant
from tenants.selectors import current_tenant


@shared_task(ignore_result=True)
def meter_month(month: str) -> int:
    """Count the tenant's usage for the month (ISO first day) and store it; idempotent:
    a rerun overwrites the same (tenant, month) row with the same figures."""
    tenant = current_tenant()
    row = usage_record(tenant=tenant, month=date.fromisoformat(month))
    if Subscription.objects.filter(tenant=tenant).exclude(stripe_customer_id="").exists():
        push_usage_to_stripe.delay(month)  # a card tenant: the extras go on its next invoice
    return row.pk


@shared_task(ignore_result=True, needs_tenant=False)  # type: ignore[call-overload]
def dispatch_meter_month(month: str = "") -> int:
    """Beat runs this in public on the 1st: last month for every tenant with a subscription
    that is not cancelled (suspended ones too: they still owe the month)."""
    if not month:
        month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1).isoformat()
    tenants = Tenant.objects.filter(
        pk__in=Subscription.objects.exclude(status=Subscription.Status.CANCELLED).values(
            "tenant_id"
        )
    ).order_by("pk")
    sent = 0
    for tenant in tenants:
        with tenant_context(tenant):
            meter_month.delay(month)
        sent += 1
    return sent


@shared_task(ignore_result=True, needs_tenant=False)  # type: ignore[call-overload]
def end_trials() -> int:
    """Beat runs this in public every night: a trial past its last day becomes active (the
    tenant a paying one). Safe to run twice: a subscription no longer in trial is left."""
    return subscriptions_end_trials(today=timezone.localdate())


@shared_task(
    ignore_result=True,
    needs_tenant=False,
    autoretry_for=(StripeUnavailable,),
    retry_backoff=True,
    max_retries=8,
)  # type: ignore[call-overload]
def handle_stripe_event(event_id: str) -> str:
    """Handle one stored Stripe event (public schema). Safe to run twice: a handled event is
    left as it is; a failure reaching Stripe is retried with back-off."""
    return stripe_event_handle(event_id=event_id)


@shared_task(ignore_result=True, autoretry_for=(ValidationError,), max_retries=5)
def push_usage_to_stripe(month: str) -> int:
    """After the month is metered: a card tenant's extra usage goes to Stripe as invoice
    items for its next invoice. Safe to run twice: a month is pushed once."""
    return stripe_usage_push(tenant=current_tenant(), month=date.fromisoformat(month))


@shared_task(ignore_result=True, needs_tenant=False)  # type: ignore[call-overload]
def dispatch_issue_invoices(today: str = "") -> int:
    """Beat runs this in public every night (after the metering on the 1st): one task per
    EAN tenant whose invoice date has come, so one failure stops nobody else's."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    tenants = issuing_candidates(today=day)
    for tenant_id in tenants:
        issue_invoices.delay(tenant_id, day.isoformat())
    return len(tenants)


@shared_task(ignore_result=True, needs_tenant=False)  # type: ignore[call-overload]
def issue_invoices(tenant_id: int, today: str) -> int:
    """Issue the tenant's due invoices and send its e-invoices; a rerun issues nothing."""
    tenant = Tenant.objects.get(pk=tenant_id)
    return len(invoices_issue_due(tenant=tenant, today=date.fromisoformat(today)))


@shared_task(ignore_result=True, needs_tenant=False)  # type: ignore[call-overload]
def dispatch_dunning(today: str = "") -> int:
    """Beat runs this in public every night: one task per tenant that is past due or has an
    e-invoice past its due date."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    tenants = dunning_candidates(today=day)
    for tenant_id in tenants:
        dunning.delay(tenant_id, day.isoformat())
    return len(tenants)


@shared_task(ignore_result=True, needs_tenant=False)  # type: ignore[call-overload]
def dunning(tenant_id: int, today: str) -> str:
    """Past due, remind (day 0, 7, 14) or suspend one tenant; safe to run twice a day."""
    tenant = Tenant.objects.get(pk=tenant_id)
    return dunning_run(tenant=tenant, today=date.fromisoformat(today))
