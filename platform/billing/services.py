"""Write paths for billing: subscriptions and their transitions, metering, invoices.

Everything here runs in the public schema (where plans, subscriptions and invoices live);
the metering enters the tenant's schema only to count.
"""

import math
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from apps.audit.services import audit_record
from billing.models import (
    VAT_PERCENT,
    Invoice,
    InvoiceLine,
    InvoiceSeries,
    Plan,
    PlanChange,
    Subscription,
    UsageMonth,
)
from billing.notice import past_due_notice_refresh
from billing.proration import base_lines, change_effective_on, changes_for, plan_on
from billing.selectors import month_end, month_start, next_month, usage_for_month
from tenants.models import Tenant
from tenants.services import tenant_resume, tenant_set_status

S = Subscription.Status
# Which status may follow which; cancelled may follow any (but leads nowhere).
ALLOWED = {
    S.TRIAL: {S.ACTIVE, S.CANCELLED},
    S.ACTIVE: {S.PAST_DUE, S.CANCELLED},
    S.PAST_DUE: {S.ACTIVE, S.SUSPENDED, S.CANCELLED},
    S.SUSPENDED: {S.ACTIVE, S.CANCELLED},
    S.CANCELLED: set(),
}
SERIES = "invoice"  # one gapless series for every invoice the vendor issues
PAYMENT_DAYS = 30  # netto 30 dage


def _today() -> date:
    return timezone.localdate()


def plan_save(*, plan: Plan, actor: object | None, created: bool) -> Plan:
    """Save a plan the vendor wrote (public schema), audited with its prices."""
    with transaction.atomic(), schema_context("public"):
        plan.save()
        audit_record(
            actor=actor,
            action="billing.plan_created" if created else "billing.plan_changed_prices",
            target=plan,
            base_price=plan.base_price,
            block_price=plan.block_price,
            sms_segment_price=plan.sms_segment_price,
            included_volunteers=plan.included_volunteers,
        )
    return plan


def subscription_start(
    *, tenant: Tenant, plan: Plan, actor: object | None, today: date | None = None
) -> Subscription:
    """Put a tenant on a plan: a trial of the plan's days, then the first paid period.

    A plan with no trial days starts active today. A cancelled subscription starts anew;
    a running one is refused (change its plan instead).
    """
    today = today or _today()
    if plan.kind != tenant.kind or not plan.is_active:
        raise ValidationError(_("This plan is not offered to this tenant."), code="plan")
    with transaction.atomic(), schema_context("public"):
        Tenant.objects.select_for_update().get(pk=tenant.pk)  # one start at a time
        current = Subscription.objects.filter(tenant=tenant).first()
        if current is not None and current.status != S.CANCELLED:
            raise ValidationError(_("The tenant already has a subscription."), code="running")
        trial_ends = today + timedelta(days=plan.trial_days) if plan.trial_days else None
        paid_from = trial_ends + timedelta(days=1) if trial_ends else today
        subscription = current or Subscription(tenant=tenant)
        subscription.plan = plan
        subscription.status = S.TRIAL if trial_ends else S.ACTIVE
        subscription.trial_ends_on = trial_ends
        subscription.current_period_start = paid_from
        subscription.current_period_end = _period_end(plan, paid_from)
        # Invoiced in arrears on the first of the month after the first paid month.
        subscription.next_invoice_on = next_month(paid_from)
        subscription.save()
        audit_record(
            actor=actor,
            action="billing.subscription_started",
            target=tenant,
            plan=plan.name,
            status=subscription.status,
            trial_ends_on=str(trial_ends or ""),
        )
        if subscription.status == S.ACTIVE:
            _tenant_follows(tenant, S.ACTIVE, actor)
    return subscription


def _period_end(plan: Plan, start: date) -> date:
    if plan.period == Plan.Period.YEARLY:
        try:
            return start.replace(year=start.year + 1) - timedelta(days=1)
        except ValueError:  # 29 February
            return start.replace(year=start.year + 1, day=28)
    return month_end(start)


def subscription_change_plan(
    *, tenant: Tenant, plan: Plan, actor: object | None, today: date | None = None
) -> Subscription:
    """Move a running subscription to another plan. A paying one records the change
    (PlanChange) so its month is billed on each plan by days (billing.proration: from
    today between monthly plans, from next month when a yearly plan is involved); a trial
    simply moves, as nothing is billed for it yet."""
    if plan.kind != tenant.kind or not plan.is_active:
        raise ValidationError(_("This plan is not offered to this tenant."), code="plan")
    today = today or _today()
    with transaction.atomic(), schema_context("public"):
        subscription = (
            Subscription.objects.select_for_update().select_related("plan").get(tenant=tenant)
        )
        if subscription.status == S.CANCELLED:
            raise ValidationError(_("The subscription is cancelled."), code="cancelled")
        if subscription.plan_id == plan.pk:
            raise ValidationError(_("The tenant is on this plan already."), code="same")
        old = subscription.plan
        effective = change_effective_on(old=old, new=plan, today=today)
        if subscription.status != S.TRIAL:
            PlanChange.objects.create(
                subscription=subscription, old_plan=old, new_plan=plan, effective_on=effective
            )
        subscription.plan = plan
        subscription.save(update_fields=["plan", "updated_at"])
        audit_record(
            actor=actor,
            action="billing.plan_changed",
            target=tenant,
            old=old.name,
            new=plan.name,
            effective_on=effective.isoformat(),
        )
    return subscription


def subscription_set_payment(
    *,
    tenant: Tenant,
    actor: object | None,
    payment_method: str,
    ean: str = "",
    order_reference: str = "",
    contact_person: str = "",
) -> Subscription:
    """Set how the tenant pays; the next invoice goes that way."""
    with transaction.atomic(), schema_context("public"):
        subscription = Subscription.objects.select_for_update().get(tenant=tenant)
        subscription.payment_method = payment_method
        subscription.ean = ean
        subscription.order_reference = order_reference
        subscription.contact_person = contact_person
        subscription.full_clean(exclude=["tenant", "plan"])
        subscription.save()
        audit_record(
            actor=actor,
            action="billing.payment_method",
            target=tenant,
            payment_method=payment_method,
            ean=ean,
            order_reference=order_reference,
        )
    return subscription


def subscription_transition(
    *, tenant: Tenant, status: str, actor: object | None, reason: str = ""
) -> Subscription:
    """Move the subscription to `status` if that is an allowed step, and keep the tenant's
    own status in step: suspended suspends the site (the existing suspended page, data
    intact); back to active resumes it."""
    with transaction.atomic(), schema_context("public"):
        subscription = Subscription.objects.select_for_update().get(tenant=tenant)
        old = subscription.status
        if status not in ALLOWED[S(old)]:
            raise ValidationError(
                _("A subscription cannot go from %(old)s to %(new)s.")
                % {"old": S(old).label, "new": status},
                code="transition",
            )
        subscription.status = status
        _dunning_dates(subscription, old, status)
        subscription.save(update_fields=["status", "past_due_since", "grace_until", "updated_at"])
        audit_record(
            actor=actor,
            action="billing.subscription_status",
            target=tenant,
            old=old,
            new=status,
            reason=reason,
        )
        _tenant_follows(tenant, status, actor)
        transaction.on_commit(lambda: past_due_notice_refresh(tenant=tenant))
    return subscription


def subscription_cancel(*, tenant: Tenant, actor: object | None, reason: str) -> bool:
    """End the subscription when the tenant is cancelled (offboarding): no more invoices,
    no dunning; a card tenant's subscription at Stripe ends too. False if there was none
    running."""
    current = Subscription.objects.filter(tenant=tenant).first()
    if current is None or current.status == S.CANCELLED:
        return False
    subscription_transition(tenant=tenant, status=S.CANCELLED, actor=actor, reason=reason)
    return True


def _dunning_dates(subscription: Subscription, old: str, new: str) -> None:
    """Past due starts the dunning clock (whatever moved it: an unpaid e-invoice or a failed
    card payment); suspension keeps it; being active (or cancelled) again stops it."""
    if new == S.PAST_DUE and old != S.PAST_DUE:
        since = _today()
        subscription.past_due_since = since
        subscription.grace_until = since + timedelta(days=subscription.plan.grace_days)
    elif new in (S.ACTIVE, S.CANCELLED, S.TRIAL):
        subscription.past_due_since = None
        subscription.grace_until = None


def subscriptions_end_trials(*, today: date) -> int:
    """Every trial whose last day is before `today` becomes active; how many did."""
    due = Subscription.objects.filter(status=S.TRIAL, trial_ends_on__lt=today).select_related(
        "tenant"
    )
    ended = 0
    for subscription in due:
        try:
            subscription_transition(tenant=subscription.tenant, status=S.ACTIVE, actor=None)
        except ValidationError:  # moved on since it was read (cancelled meanwhile)
            continue
        ended += 1
    return ended


def _tenant_follows(tenant: Tenant, status: str, actor: object | None) -> None:
    # A cancelled (archived) or purged tenant is offboarding: a late payment or the end of
    # a trial never reopens or suspends it (tenants.offboarding owns its status now).
    tenant.refresh_from_db(fields=["status"])
    if tenant.status in (Tenant.Status.ARCHIVED, Tenant.Status.PURGED):
        return
    if status == S.SUSPENDED:
        tenant_set_status(tenant=tenant, status=Tenant.Status.SUSPENDED, actor=actor)
    elif status == S.ACTIVE:
        resumed = tenant_resume(tenant=tenant, actor=actor)
        if resumed.status != Tenant.Status.ACTIVE:  # a trial tenant becomes a paying one
            tenant_set_status(tenant=resumed, status=Tenant.Status.ACTIVE, actor=actor)
    tenant.refresh_from_db(fields=["status", "status_before_closing", "status_changed_at"])


def usage_record(*, tenant: Tenant, month: date) -> UsageMonth:
    """Count the month and store it: a rerun overwrites the row with the same figures."""
    first = month_start(month)
    usage = usage_for_month(tenant=tenant, month=first)
    with schema_context("public"):
        row, _created = UsageMonth.objects.update_or_create(
            tenant=tenant,
            month=first,
            defaults={
                "active_volunteers": usage.active_volunteers,
                "sms_segments": usage.sms_segments,
            },
        )
    return row


def vat_of(net: int) -> int:
    """25 % of an amount in øre, rounded half up to whole øre (once per invoice)."""
    return (net * VAT_PERCENT + 50) // 100


def invoice_issue(*, tenant: Tenant, month: date, actor: object | None = None) -> Invoice:
    """Issue the invoice for a month (usage in arrears), numbered without gaps.

    The base price is billed every month on a monthly plan (by days on each plan when the
    plan changed in the month, billing.proration), and in full in the month a billing
    year starts on a yearly plan; extra volunteers in whole blocks; SMS per segment.
    Issuing a month twice gives the same invoice back.
    """
    first = month_start(month)
    with transaction.atomic(), schema_context("public"):
        subscription = (
            Subscription.objects.select_for_update().select_related("plan").get(tenant=tenant)
        )
        existing = (
            Invoice.objects.filter(tenant=tenant, period_start=first)
            .exclude(status=Invoice.Status.VOID)
            .first()
        )
        if existing is not None:
            return existing
        paid_from = subscription.current_period_start
        if subscription.status == S.CANCELLED or paid_from is None or paid_from > month_end(first):
            raise ValidationError(_("There is nothing to invoice for this month."), code="none")
        usage = UsageMonth.objects.filter(tenant=tenant, month=first).first()
        if usage is None:
            usage = usage_record(tenant=tenant, month=first)
        lines = _lines(subscription, first, usage)
        net = sum(line.amount for line in lines)
        vat = vat_of(net)
        issued = _today()
        invoice = Invoice.objects.create(
            number=_next_number(),
            tenant=tenant,
            subscription=subscription,
            period_start=first,
            period_end=month_end(first),
            status=Invoice.Status.ISSUED,
            issued_on=issued,
            due_on=issued + timedelta(days=PAYMENT_DAYS),
            net_total=net,
            vat_total=vat,
            gross_total=net + vat,
        )
        for line in lines:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(lines)
        subscription.next_invoice_on = next_month(next_month(first))
        subscription.save(update_fields=["next_invoice_on", "updated_at"])
        audit_record(
            actor=actor,
            action="billing.invoice_issued",
            target=tenant,
            number=invoice.number,
            gross=invoice.gross_total,
        )
    return invoice


def _lines(subscription: Subscription, first: date, usage: UsageMonth) -> list[InvoiceLine]:
    changes = changes_for(subscription)
    lines = base_lines(subscription, first, changes)  # by days, when the plan changed
    plan = plan_on(month_end(first), subscription.plan, changes)  # usage: the month's last
    extra = max(0, usage.active_volunteers - plan.included_volunteers)
    if extra:
        blocks = math.ceil(extra / plan.block_size)
        lines.append(
            _line(
                InvoiceLine.Kind.VOLUNTEERS,
                _("%(extra)s active volunteers above %(included)s, in blocks of %(size)s")
                % {"extra": extra, "included": plan.included_volunteers, "size": plan.block_size},
                blocks,
                plan.block_price,
            )
        )
    if usage.sms_segments and plan.sms_segment_price:
        lines.append(
            _line(
                InvoiceLine.Kind.SMS, _("SMS segments"), usage.sms_segments, plan.sms_segment_price
            )
        )
    return lines


def _line(kind: str, description: str, quantity: int, unit_price: int) -> InvoiceLine:
    return InvoiceLine(
        kind=kind,
        description=description[:200],
        quantity=quantity,
        unit_price=unit_price,
        amount=quantity * unit_price,
    )


def _next_number() -> int:
    """The series' next number, under a row lock held until the invoice commits: a rolled
    back invoice gives its number back, two at once wait for each other."""
    InvoiceSeries.objects.bulk_create([InvoiceSeries(name=SERIES)], ignore_conflicts=True)
    series = InvoiceSeries.objects.select_for_update().get(name=SERIES)
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return series.last_number
