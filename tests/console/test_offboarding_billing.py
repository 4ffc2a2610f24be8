"""Cancelling a tenant ends its billing (its subscription, and at Stripe), and nothing in
billing ever reopens a tenant that is being offboarded."""

import pytest
from django_tenants.utils import schema_context

from billing.dunning import invoice_mark_paid
from billing.models import Subscription
from billing.services import invoice_issue, subscription_transition
from billing.stripe_services import stripe_setup
from tenants.models import Tenant
from tenants.offboarding import tenant_cancel
from tests.billing.dunning_setup import OCTOBER, at, monthly_plan, on_ean
from tests.billing.stripe_helpers import GOOD_CARD, card_tenant
from tests.conftest import signed_in
from tests.localstripe import card, client

pytestmark = pytest.mark.django_db
S = Subscription.Status


@pytest.fixture
def vera_client(console_client, vera):
    return signed_in(console_client, vera, None)


def status_of(tenant: Tenant) -> tuple[str, str]:
    with schema_context("public"):
        return (
            Tenant.objects.get(pk=tenant.pk).status,
            Subscription.objects.get(tenant=tenant).status,
        )


def test_it_cancels_the_subscription_with_the_tenant(vera_client, nyborg, aarhus, vera):
    on_ean(nyborg, vera)
    on_ean(aarhus, vera, monthly_plan("Region", kind="region"))
    vera_client.post(f"/tenants/{nyborg.pk}/cancel/")
    assert status_of(nyborg) == (Tenant.Status.ARCHIVED, S.CANCELLED)
    assert status_of(aarhus)[1] == S.ACTIVE  # the other tenant's billing goes on


def test_it_never_reopens_a_cancelled_tenant_when_an_old_invoice_is_paid(nyborg, vera):
    on_ean(nyborg, vera)
    with at(OCTOBER.replace(month=11)):
        invoice = invoice_issue(tenant=nyborg, month=OCTOBER)
    subscription_transition(tenant=nyborg, status=S.PAST_DUE, actor=None, reason="unpaid")
    tenant_cancel(tenant=nyborg, actor=vera)  # archived, the subscription left as it was
    invoice_mark_paid(invoice=invoice, actor=vera, reason="Seen in the bank", paid_on=OCTOBER)
    assert status_of(nyborg) == (Tenant.Status.ARCHIVED, S.ACTIVE)


def test_it_ends_a_card_tenants_subscription_at_stripe(stripe_api, vera_client, nyborg, vera):
    card_tenant(nyborg, vera)
    subscription = stripe_setup(
        tenant=nyborg, actor=vera, payment_method_id=card(stripe_api, GOOD_CARD)
    )
    vera_client.post(f"/tenants/{nyborg.pk}/cancel/")
    at_stripe = client(stripe_api).v1.subscriptions.retrieve(subscription.stripe_subscription_id)
    assert at_stripe.status == "canceled"
    assert status_of(nyborg) == (Tenant.Status.ARCHIVED, S.CANCELLED)
    with schema_context("public"):
        assert Subscription.objects.get(tenant=nyborg).stripe_status == "canceled"
