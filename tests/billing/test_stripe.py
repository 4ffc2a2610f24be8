"""Card tenants at Stripe, against a real localstripe: customer and subscription with VAT,
the month's usage on the invoice, a declined card to past due, paying to active again,
events out of order, an unknown customer, and one tenant's events leaving the other alone.

localstripe's events are posted to our endpoint by the test (signed as localstripe signs
them) so that they land in the test's transaction; test_stripe_webhook.py has localstripe
deliver them itself.
"""

import logging
import time
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from billing.models import StripeEvent, StripeInvoice, Subscription, UsageMonth
from billing.services import subscription_transition
from billing.stripe_services import stripe_payment_method_set, stripe_setup, stripe_usage_push
from tenants.models import Tenant
from tests.billing.stripe_helpers import (
    DECLINED_CARD,
    GOOD_CARD,
    card_tenant,
    deliver,
    post_event,
)
from tests.localstripe import card, client, events, sepa

pytestmark = pytest.mark.django_db
S = Subscription.Status
NOVEMBER = date(2026, 11, 1)


def latest_invoice(base: str, subscription: Subscription) -> dict:
    stripe_sub = client(base).v1.subscriptions.retrieve(subscription.stripe_subscription_id)
    return client(base).v1.invoices.retrieve(str(stripe_sub.latest_invoice)).to_dict()


def test_it_puts_a_card_tenant_on_stripe_with_a_subscription_and_danish_vat(
    stripe_api, nyborg, vera
):
    card_tenant(nyborg, vera)
    subscription = stripe_setup(
        tenant=nyborg, actor=vera, payment_method_id=card(stripe_api, GOOD_CARD)
    )
    assert subscription.stripe_customer_id.startswith("cus_")
    assert subscription.stripe_subscription_id.startswith("sub_")
    assert subscription.stripe_status == "active"
    api = client(stripe_api).v1
    customer = api.customers.retrieve(subscription.stripe_customer_id)
    assert customer.name == "Nyborg Kommune"
    assert customer.metadata.to_dict() == {"tenant_id": str(nyborg.pk), "schema": "nyborg"}
    stripe_sub = api.subscriptions.retrieve(subscription.stripe_subscription_id)
    assert stripe_sub.plan.amount == 250_000 and stripe_sub.plan.currency == "dkk"
    assert [rate.percentage for rate in stripe_sub.default_tax_rates] == [25.0]
    first = latest_invoice(stripe_api, subscription)
    assert (first["status"], first["total"]) == ("paid", 312_500)  # 2.500 kr. + 25 % moms
    # A second click changes nothing at Stripe: the steps done are skipped.
    again = stripe_setup(tenant=nyborg, actor=vera)
    assert again.stripe_customer_id == subscription.stripe_customer_id
    assert again.stripe_subscription_id == subscription.stripe_subscription_id
    with schema_context("public"):
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "billing.stripe_customer_created",
        "billing.stripe_subscription_created",
        "billing.stripe_payment_method",
        "billing.stripe_plan_created",
    } <= actions


def test_it_refuses_an_ean_tenant_and_says_what_stripe_refused(stripe_api, nyborg, vera):
    subscription = card_tenant(nyborg, vera)
    with schema_context("public"):
        Subscription.objects.filter(pk=subscription.pk).update(payment_method="ean")
    with pytest.raises(ValidationError) as refused:
        stripe_setup(tenant=nyborg, actor=vera)
    assert refused.value.code == "method"
    Subscription.objects.filter(pk=subscription.pk).update(
        status="cancelled", payment_method="card"
    )
    with pytest.raises(ValidationError) as cancelled:
        stripe_setup(tenant=nyborg, actor=vera)
    assert cancelled.value.code == "cancelled"
    Subscription.objects.filter(pk=subscription.pk).update(payment_method="card", status="active")
    with pytest.raises(ValidationError) as stripe_said:  # no such payment method at Stripe
        stripe_setup(tenant=nyborg, actor=vera, payment_method_id="pm_missing")
    assert stripe_said.value.code == "stripe"
    assert Subscription.objects.get(pk=subscription.pk).stripe_customer_id  # kept


def test_it_puts_the_months_extra_usage_on_the_next_invoice_once(
    stripe_api, nyborg, vera, console_client
):
    card_tenant(nyborg, vera)
    subscription = stripe_setup(
        tenant=nyborg, actor=vera, payment_method_id=card(stripe_api, GOOD_CARD)
    )
    with schema_context("public"):
        UsageMonth.objects.create(
            tenant=nyborg, month=NOVEMBER, active_volunteers=180, sms_segments=1000
        )
    assert stripe_usage_push(tenant=nyborg, month=NOVEMBER) == 2
    assert stripe_usage_push(tenant=nyborg, month=NOVEMBER) == 0  # a rerun adds nothing
    # The renewal: Stripe creates the subscription's next invoice, taking in pending items.
    api = client(stripe_api).v1
    renewal = api.invoices.create(
        params={
            "customer": subscription.stripe_customer_id,
            "subscription": subscription.stripe_subscription_id,
        }
    )
    amounts = sorted(line.amount for line in renewal.lines.data)
    assert amounts == [35_000, 80_000, 250_000]  # 1000 SMS at 0,35; 2 blocks at 400; base
    assert renewal.total == 456_250  # 3.650 kr. + 25 % moms
    deliver(console_client, stripe_api, "invoice.created", renewal.id)
    mirror = StripeInvoice.objects.get(stripe_id=renewal.id)
    assert (mirror.status, mirror.amount_due, mirror.tenant) == ("draft", 456_250, nyborg)


def test_it_moves_the_subscription_past_due_when_the_card_is_declined(
    stripe_api, nyborg, vera, console_client
):
    card_tenant(nyborg, vera)
    subscription = stripe_setup(
        tenant=nyborg, actor=vera, payment_method_id=card(stripe_api, DECLINED_CARD)
    )
    invoice = latest_invoice(stripe_api, subscription)
    assert invoice["status"] == "open"
    # localstripe reports a declined card only in the invoice's state (no payment_failed
    # event for a synchronous decline); its invoice.created comes after the attempt.
    deliver(console_client, stripe_api, "invoice.created", invoice["id"])
    assert Subscription.objects.get(tenant=nyborg).status == S.PAST_DUE
    assert StripeInvoice.objects.get(stripe_id=invoice["id"]).status == "open"
    deliver(console_client, stripe_api, "invoice.created", invoice["id"])  # replayed
    # Stripe's own invoice.payment_failed for the same invoice: nothing more happens.
    failed = events(stripe_api, "invoice.created", invoice["id"])[0] | {
        "id": f"evt_failed_{invoice['id']}",
        "type": "invoice.payment_failed",
    }
    assert post_event(console_client, failed) == 200
    assert StripeEvent.objects.get(pk=failed["id"]).outcome == "invoice open"
    with schema_context("public"):
        moves = AuditEvent.objects.filter(
            action="billing.subscription_status", data__new="past_due"
        )
        assert moves.count() == 1
        assert AuditEvent.objects.filter(action="billing.stripe_invoice").count() == 1


def test_it_moves_past_due_on_stripes_payment_failed_event_for_a_failed_sepa_debit(
    stripe_api, aarhus, vera, console_client
):
    card_tenant(aarhus, vera)
    stripe_setup(tenant=aarhus, actor=vera)  # the customer, no subscription without a method
    stripe_payment_method_set(
        tenant=aarhus, payment_method_id=sepa(stripe_api, "DE62370400440532013001"), actor=vera
    )
    subscription = stripe_setup(tenant=aarhus, actor=vera)
    invoice = latest_invoice(stripe_api, subscription)
    for _ in range(50):  # the debit fails half a second later, as a bank's answer would
        if events(stripe_api, "invoice.payment_failed", invoice["id"]):
            break
        time.sleep(0.1)
    deliver(console_client, stripe_api, "invoice.payment_failed", invoice["id"])
    assert Subscription.objects.get(tenant=aarhus).status == S.PAST_DUE


def test_it_resumes_a_suspended_tenant_when_the_invoice_is_paid_with_a_good_card(
    stripe_api, nyborg, vera, console_client
):
    card_tenant(nyborg, vera)
    subscription = stripe_setup(
        tenant=nyborg, actor=vera, payment_method_id=card(stripe_api, DECLINED_CARD)
    )
    invoice = latest_invoice(stripe_api, subscription)
    deliver(console_client, stripe_api, "invoice.created", invoice["id"])
    subscription_transition(tenant=nyborg, status=S.SUSPENDED, actor=None, reason="grace over")
    assert Tenant.objects.get(pk=nyborg.pk).status == Tenant.Status.SUSPENDED
    stripe_payment_method_set(
        tenant=nyborg, payment_method_id=card(stripe_api, GOOD_CARD), actor=vera
    )
    client(stripe_api).v1.invoices.pay(invoice["id"])  # what Stripe's retry does
    deliver(console_client, stripe_api, "invoice.payment_succeeded", invoice["id"])
    assert Subscription.objects.get(tenant=nyborg).status == S.ACTIVE
    assert Tenant.objects.get(pk=nyborg.pk).status == Tenant.Status.ACTIVE
    mirror = StripeInvoice.objects.get(stripe_id=invoice["id"])
    assert (mirror.status, mirror.amount_paid) == ("paid", 312_500)


def test_it_ends_paid_when_invoice_paid_comes_before_invoice_created(
    stripe_api, nyborg, vera, console_client
):
    card_tenant(nyborg, vera)
    subscription = stripe_setup(
        tenant=nyborg, actor=vera, payment_method_id=card(stripe_api, GOOD_CARD)
    )
    invoice = latest_invoice(stripe_api, subscription)
    created = events(stripe_api, "invoice.created", invoice["id"])[0]
    succeeded = events(stripe_api, "invoice.payment_succeeded", invoice["id"])[0]
    # localstripe sends invoice.payment_succeeded, not invoice.paid: the same object under
    # the newer event's name, delivered first.
    paid = succeeded | {"id": f"evt_paid_{invoice['id']}", "type": "invoice.paid"}
    assert post_event(console_client, paid) == 200
    assert post_event(console_client, created) == 200  # the older event, late
    mirror = StripeInvoice.objects.get(stripe_id=invoice["id"])
    assert (mirror.status, mirror.amount_paid) == ("paid", 312_500)
    assert StripeEvent.objects.filter(handled_at__isnull=False).count() == 2


def test_it_stores_and_logs_an_event_for_an_unknown_customer_without_failing(
    stripe_api, console_client, caplog
):
    api = client(stripe_api).v1
    stranger = api.customers.create(params={"name": "Ukendt forening"})
    api.payment_methods.attach(card(stripe_api, GOOD_CARD), params={"customer": stranger.id})
    plan_id = api.plans.create(
        params={
            "product": api.products.create(params={"name": "x"}).id,
            "currency": "dkk",
            "amount": 100,
            "interval": "month",
        }
    ).id
    methods = api.payment_methods.list(params={"customer": stranger.id, "type": "card"})
    api.customers.update(
        stranger.id, params={"invoice_settings": {"default_payment_method": methods.data[0].id}}
    )
    sub = api.subscriptions.create(params={"customer": stranger.id, "items": [{"plan": plan_id}]})
    with caplog.at_level(logging.WARNING, logger="billing.stripe_events"):
        sent = deliver(console_client, stripe_api, "invoice.created", str(sub.latest_invoice))
        deliver(console_client, stripe_api, "customer.subscription.created", sub.id)
    event = StripeEvent.objects.get(pk=sent[0]["id"])
    assert event.handled_at is not None
    assert event.outcome == f"unknown customer {stranger.id}"
    assert "unknown customer" in caplog.text
    assert not StripeInvoice.objects.exists()


def test_it_changes_nothing_of_aarhus_when_nyborgs_events_come(
    stripe_api, nyborg, aarhus, vera, console_client
):
    card_tenant(aarhus, vera)
    theirs = stripe_setup(tenant=aarhus, actor=vera, payment_method_id=card(stripe_api, GOOD_CARD))
    deliver(console_client, stripe_api, "invoice.created", latest_invoice(stripe_api, theirs)["id"])
    before = list(StripeInvoice.objects.filter(tenant=aarhus).values())
    card_tenant(nyborg, vera)
    ours = stripe_setup(
        tenant=nyborg, actor=vera, payment_method_id=card(stripe_api, DECLINED_CARD)
    )
    invoice = latest_invoice(stripe_api, ours)
    deliver(console_client, stripe_api, "invoice.created", invoice["id"])
    deliver(
        console_client, stripe_api, "customer.subscription.created", ours.stripe_subscription_id
    )
    assert Subscription.objects.get(tenant=nyborg).status == S.PAST_DUE
    assert Subscription.objects.get(tenant=aarhus).status == S.ACTIVE
    assert Subscription.objects.get(tenant=aarhus).stripe_status == "active"
    assert Tenant.objects.get(pk=aarhus.pk).status == aarhus.status
    assert list(StripeInvoice.objects.filter(tenant=aarhus).values()) == before
    assert StripeInvoice.objects.get(stripe_id=invoice["id"]).tenant == nyborg


def test_it_keeps_stripes_subscription_status(stripe_api, nyborg, vera, console_client):
    card_tenant(nyborg, vera)
    subscription = stripe_setup(
        tenant=nyborg, actor=vera, payment_method_id=card(stripe_api, GOOD_CARD)
    )
    client(stripe_api).v1.subscriptions.cancel(subscription.stripe_subscription_id)
    deliver(
        console_client,
        stripe_api,
        "customer.subscription.deleted",
        subscription.stripe_subscription_id,
    )
    assert Subscription.objects.get(tenant=nyborg).stripe_status == "canceled"


def test_it_pushes_the_usage_to_stripe_when_the_month_is_metered(stripe_api, nyborg, vera):
    from django_tenants.utils import tenant_context

    from billing.tasks import meter_month

    card_tenant(nyborg, vera)
    stripe_setup(tenant=nyborg, actor=vera, payment_method_id=card(stripe_api, GOOD_CARD))
    with tenant_context(nyborg):
        meter_month.delay(NOVEMBER.isoformat())
    with schema_context("public"):
        assert UsageMonth.objects.get(tenant=nyborg, month=NOVEMBER).stripe_pushed_at
        pushed = AuditEvent.objects.get(action="billing.stripe_usage_pushed")
    assert pushed.data["month"] == "2026-11-01"
