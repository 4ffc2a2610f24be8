"""The console's billing page for a card tenant: set up in Stripe, Stripe's ids, and the
invoices Stripe keeps with their state and a link to Stripe's own page."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from billing.models import StripeInvoice, Subscription
from tests.billing.stripe_helpers import card_plan, card_tenant
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def vera_client(console_client, vera):
    return signed_in(console_client, vera, None)


def setup_button(tenant) -> str:
    return f'action="/tenants/{tenant.pk}/billing/stripe/"'


def page(client, tenant) -> str:
    response = client.get(f"/tenants/{tenant.pk}/billing/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_sets_a_trial_card_tenant_up_in_stripe_from_the_billing_page(
    stripe_api, vera_client, aarhus, vera
):
    from billing.services import subscription_start

    subscription_start(tenant=aarhus, plan=card_plan("region", trial_days=30), actor=vera)
    assert setup_button(aarhus) in page(vera_client, aarhus)
    response = vera_client.post(f"/tenants/{aarhus.pk}/billing/stripe/")
    assert response.status_code == 302
    with schema_context("public"):
        subscription = Subscription.objects.get(tenant=aarhus)
    assert subscription.stripe_subscription_id  # in trial: no card needed yet
    html = page(vera_client, aarhus)
    assert subscription.stripe_customer_id in html
    assert subscription.stripe_subscription_id in html
    assert setup_button(aarhus) not in html


def test_it_keeps_a_card_tenant_without_a_card_as_a_customer_only(
    stripe_api, vera_client, nyborg, vera
):
    card_tenant(nyborg, vera)  # active at once: Stripe would charge now
    assert vera_client.post(f"/tenants/{nyborg.pk}/billing/stripe/").status_code == 302
    subscription = Subscription.objects.get(tenant=nyborg)
    assert subscription.stripe_customer_id and not subscription.stripe_subscription_id
    assert setup_button(nyborg) in page(vera_client, nyborg)  # to finish once it can pay


def test_it_lists_the_tenants_stripe_invoices_with_a_link_to_stripe(
    vera_client, nyborg, aarhus, vera
):
    subscription = card_tenant(nyborg, vera)
    theirs = card_tenant(aarhus, vera)
    Subscription.objects.filter(pk=subscription.pk).update(stripe_customer_id="cus_nyborg")
    rows = [
        ("NYB-0001", nyborg, subscription, "paid"),
        ("NYB-0002", nyborg, subscription, "open"),
        ("AAR-0001", aarhus, theirs, "open"),
    ]
    for number, tenant, sub, status in rows:
        invoice(number, tenant, sub, status)
    html = page(vera_client, nyborg)
    assert "NYB-0001" in html and "NYB-0002" in html and "AAR-0001" not in html
    assert 'href="https://invoice.stripe.com/i/NYB-0002"' in html
    assert 'class="badge badge-paid"' in html and 'class="badge badge-open"' in html
    assert "3.125,00" in html
    # One query for the list, however long it is.
    with CaptureQueriesContext(connection) as three:
        page(vera_client, nyborg)
    for n in range(3, 8):
        invoice(f"NYB-000{n}", nyborg, subscription, "paid")
    with CaptureQueriesContext(connection) as seven:
        assert "NYB-0007" in page(vera_client, nyborg)
    assert len(seven) == len(three)


def invoice(number: str, tenant, subscription, status: str) -> StripeInvoice:
    return StripeInvoice.objects.create(
        stripe_id=f"in_{number}",
        tenant=tenant,
        subscription=subscription,
        number=number,
        status=status,
        amount_due=312_500,
        amount_paid=312_500 if status == "paid" else 0,
        currency="dkk",
        hosted_invoice_url=f"https://invoice.stripe.com/i/{number}",
        stripe_created=datetime(2026, 11, 1, tzinfo=UTC),
    )


def test_it_moves_the_stripe_subscription_when_the_vendor_changes_the_plan(
    stripe_api, vera_client, nyborg, vera
):
    from billing.stripe_services import stripe_setup
    from tests.billing.stripe_helpers import GOOD_CARD
    from tests.localstripe import card, client

    card_tenant(nyborg, vera)
    subscription = stripe_setup(
        tenant=nyborg, actor=vera, payment_method_id=card(stripe_api, GOOD_CARD)
    )
    bigger = card_plan(name="Kort stor", base_price=400_000)
    url = f"/tenants/{nyborg.pk}/billing/plan/"
    preview = vera_client.post(url, {"plan": bigger.pk})
    assert preview.status_code == 200  # the prorated figures first, nothing changed yet
    at_stripe = client(stripe_api).v1.subscriptions.retrieve(subscription.stripe_subscription_id)
    assert at_stripe["items"].data[0].plan.amount == 250_000
    response = vera_client.post(url, {"plan": bigger.pk, "confirm": "yes"})
    assert response.status_code == 302
    at_stripe = client(stripe_api).v1.subscriptions.retrieve(subscription.stripe_subscription_id)
    assert at_stripe["items"].data[0].plan.amount == 400_000
    with schema_context("public"):
        assert AuditEvent.objects.filter(action="billing.stripe_plan_changed").count() == 1
