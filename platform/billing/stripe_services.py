"""Write paths for card tenants at Stripe: customer and subscription, payment method, and
the month's extra usage as invoice items. The calls themselves are in stripe_sync.

Each step saves what Stripe created in its own transaction, under the subscription's row
lock: a customer made at Stripe is never forgotten because a later step failed, and two
clicks at once wait for each other instead of making two customers.
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from apps.audit.services import audit_record
from billing import stripe_sync
from billing.models import InvoiceLine, Plan, Subscription, UsageMonth
from billing.selectors import month_start
from billing.services import _lines, usage_record
from tenants.models import Tenant
from tenants.selectors import tenant_zone

S = Subscription.Status


def _locked(tenant: Tenant) -> Subscription:
    return Subscription.objects.select_for_update().select_related("plan").get(tenant=tenant)


def _refused(exc: stripe_sync.StripeUnavailable) -> ValidationError:
    return ValidationError(_("Stripe refused: %(reason)s") % {"reason": str(exc)}, code="stripe")


def stripe_plan_id(*, plan: Plan) -> str:
    """The plan's Stripe plan, created the first time a card tenant needs it."""
    with transaction.atomic(), schema_context("public"):
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if not locked.stripe_plan_id:
            locked.stripe_plan_id = stripe_sync.plan_create(
                name=locked.name,
                amount=locked.base_price,
                yearly=locked.period == Plan.Period.YEARLY,
                plan_pk=locked.pk,
            )
            locked.save(update_fields=["stripe_plan_id"])
            audit_record(
                actor=None,
                action="billing.stripe_plan_created",
                target=locked,
                stripe_plan_id=locked.stripe_plan_id,
            )
    plan.stripe_plan_id = locked.stripe_plan_id
    return locked.stripe_plan_id


def stripe_setup(
    *, tenant: Tenant, actor: object | None, payment_method_id: str = ""
) -> Subscription:
    """Put a card tenant on Stripe: its customer, then (once it has a payment method, or
    while in trial) its subscription on the plan's Stripe plan with Danish VAT. Steps done
    already are skipped, so a second call finishes what an earlier one left."""
    try:
        _customer(tenant=tenant, actor=actor)
        if payment_method_id:
            stripe_payment_method_set(
                tenant=tenant, payment_method_id=payment_method_id, actor=actor
            )
        return _subscription(tenant=tenant, actor=actor)
    except stripe_sync.StripeUnavailable as exc:
        raise _refused(exc) from exc


def _customer(*, tenant: Tenant, actor: object | None) -> Subscription:
    with transaction.atomic(), schema_context("public"):
        subscription = _locked(tenant)
        if subscription.payment_method != Subscription.Method.CARD:
            raise ValidationError(_("The tenant does not pay by card."), code="method")
        if subscription.status == S.CANCELLED:
            raise ValidationError(_("The subscription is cancelled."), code="cancelled")
        if subscription.stripe_customer_id:
            return subscription
        subscription.stripe_customer_id = stripe_sync.customer_create(
            name=tenant.name,
            email=tenant.contact_email,
            metadata={"tenant_id": str(tenant.pk), "schema": tenant.schema_name},
            key=f"customer-{subscription.pk}-{subscription.created_at:%Y%m%d%H%M%S%f}",
        )
        subscription.save(update_fields=["stripe_customer_id", "updated_at"])
        audit_record(
            actor=actor,
            action="billing.stripe_customer_created",
            target=tenant,
            customer=subscription.stripe_customer_id,
        )
    return subscription


def _subscription(*, tenant: Tenant, actor: object | None) -> Subscription:
    current = Subscription.objects.select_related("plan").get(tenant=tenant)
    if current.stripe_subscription_id:
        return current
    in_trial = _trial_end(tenant, current) is not None
    if not in_trial and not stripe_sync.customer_can_pay(current.stripe_customer_id):
        return current  # charged at once: waits for the tenant's card or SEPA mandate
    plan_id = stripe_plan_id(plan=current.plan)
    vat = stripe_sync.vat_rate_id()
    with transaction.atomic(), schema_context("public"):
        subscription = _locked(tenant)
        if subscription.stripe_subscription_id:
            return subscription
        created = stripe_sync.subscription_create(
            customer_id=subscription.stripe_customer_id,
            plan_id=plan_id,
            tax_rate_id=vat,
            trial_end=_trial_end(tenant, subscription),
            key=f"subscription-{subscription.stripe_customer_id}-{plan_id}",
        )
        subscription.stripe_subscription_id = str(created["id"])
        subscription.stripe_status = str(created.get("status", ""))
        subscription.save(update_fields=["stripe_subscription_id", "stripe_status", "updated_at"])
        audit_record(
            actor=actor,
            action="billing.stripe_subscription_created",
            target=tenant,
            subscription=subscription.stripe_subscription_id,
            status=subscription.stripe_status,
        )
    return subscription


def stripe_plan_change(*, tenant: Tenant, actor: object | None) -> bool:
    """After the plan changed here: the tenant's Stripe subscription follows, so Stripe
    charges the new price. True if Stripe's subscription was moved."""
    with schema_context("public"):
        current = Subscription.objects.select_related("plan").get(tenant=tenant)
    if not current.stripe_subscription_id:
        return False
    try:
        plan_id = stripe_plan_id(plan=current.plan)
        with transaction.atomic(), schema_context("public"):
            subscription = _locked(tenant)  # one change at a time
            moved = stripe_sync.subscription_plan_set(
                subscription_id=subscription.stripe_subscription_id, plan_id=plan_id
            )
            if moved:
                audit_record(
                    actor=actor,
                    action="billing.stripe_plan_changed",
                    target=tenant,
                    subscription=subscription.stripe_subscription_id,
                    plan=plan_id,
                )
    except stripe_sync.StripeUnavailable as exc:
        raise _refused(exc) from exc
    return moved


def stripe_cancel(*, tenant: Tenant, actor: object | None) -> bool:
    """The tenant was cancelled: its Stripe subscription ends too, so Stripe charges
    nothing more. True if there was one to end."""
    with transaction.atomic(), schema_context("public"):
        subscription = Subscription.objects.select_for_update().filter(tenant=tenant).first()
        if subscription is None or not subscription.stripe_subscription_id:
            return False
        if subscription.stripe_status == "canceled":
            return False
        try:
            status = stripe_sync.subscription_cancel(
                subscription_id=subscription.stripe_subscription_id
            )
        except stripe_sync.StripeUnavailable as exc:
            raise _refused(exc) from exc
        subscription.stripe_status = status
        subscription.save(update_fields=["stripe_status", "updated_at"])
        audit_record(
            actor=actor,
            action="billing.stripe_subscription_cancelled",
            target=tenant,
            subscription=subscription.stripe_subscription_id,
        )
    return True


def _trial_end(tenant: Tenant, subscription: Subscription) -> int | None:
    """Stripe charges first when our trial is over: midnight after its last day, on the
    tenant's wall clock."""
    ends = subscription.trial_ends_on
    if subscription.status != S.TRIAL or ends is None or ends < timezone.localdate():
        return None
    after = datetime.combine(ends + timedelta(days=1), time.min, tzinfo=tenant_zone(tenant))
    return int(after.timestamp())


def stripe_payment_method_set(
    *, tenant: Tenant, payment_method_id: str, actor: object | None
) -> Subscription:
    """Attach a payment method to the tenant's customer; its invoices are charged to it."""
    with transaction.atomic(), schema_context("public"):
        subscription = _locked(tenant)
        if not subscription.stripe_customer_id:
            raise ValidationError(_("The tenant is not set up in Stripe."), code="customer")
        try:
            method = stripe_sync.payment_method_attach(
                customer_id=subscription.stripe_customer_id,
                payment_method_id=payment_method_id,
            )
        except stripe_sync.StripeUnavailable as exc:
            raise _refused(exc) from exc
        audit_record(
            actor=actor,
            action="billing.stripe_payment_method",
            target=tenant,
            payment_method=payment_method_id,
            type=str(method.get("type", "")),
        )
    return subscription


def stripe_usage_push(*, tenant: Tenant, month: date, actor: object | None = None) -> int:
    """Put the month's extra usage (volunteer blocks above the plan, SMS segments) on the
    card tenant's next Stripe invoice as pending invoice items, once per month: Stripe
    takes pending items into the invoice it creates at the renewal, before finalising it.
    The base price is the Stripe subscription's own line. Returns how many items were made.
    """
    first = month_start(month)
    with schema_context("public"):
        if not UsageMonth.objects.filter(tenant=tenant, month=first).exists():
            usage_record(tenant=tenant, month=first)
    with transaction.atomic(), schema_context("public"):
        # The month's row lock: two pushes at once wait, and the second finds it pushed.
        usage = UsageMonth.objects.select_for_update().get(tenant=tenant, month=first)
        subscription = _locked(tenant)
        if usage.stripe_pushed_at or not subscription.stripe_customer_id:
            return 0
        if subscription.current_period_start is None:
            return 0
        extras = [
            line
            for line in _lines(subscription, first, usage)  # the EAN invoice's own figures
            if line.kind != InvoiceLine.Kind.BASE
        ]
        try:
            vat = stripe_sync.vat_rate_id()
            for line in extras:
                stripe_sync.invoice_item_create(
                    customer_id=subscription.stripe_customer_id,
                    amount=line.amount,
                    description=f"{line.description}, {first:%m/%Y} ({line.quantity} × "
                    f"{line.unit_price / 100:.2f} kr.)",
                    tax_rate_id=vat,
                    metadata={"tenant_id": str(tenant.pk), "month": f"{first}", "kind": line.kind},
                    key=f"usage-{tenant.pk}-{first}-{line.kind}",
                )
        except stripe_sync.StripeUnavailable as exc:
            raise _refused(exc) from exc
        usage.stripe_pushed_at = timezone.now()
        usage.save(update_fields=["stripe_pushed_at"])
        audit_record(
            actor=actor,
            action="billing.stripe_usage_pushed",
            target=tenant,
            month=f"{first}",
            amounts=[line.amount for line in extras],
        )
    return len(extras)
