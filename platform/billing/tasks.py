"""Monthly metering: beat fans out once a month; each tenant's task counts its own month."""

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import Subscription
from billing.services import subscriptions_end_trials, usage_record
from tenants.models import Tenant
from tenants.selectors import current_tenant


@shared_task(ignore_result=True)
def meter_month(month: str) -> int:
    """Count the tenant's usage for the month (ISO first day) and store it; idempotent:
    a rerun overwrites the same (tenant, month) row with the same figures."""
    row = usage_record(tenant=current_tenant(), month=date.fromisoformat(month))
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
