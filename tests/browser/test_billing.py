"""The console's billing page in a real browser: plan, usage so far and invoices (its own
and Stripe's) for one system owner, its tables scrolling in their own boxes at 360 px,
accessible (axe) at 360 and 1280 px (screenshots:
test-artifacts/screenshots/console-billing-<width>.png).

Rows are committed in the public schema for the live server and removed again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from billing.models import (
    Invoice,
    InvoiceLine,
    InvoiceSeries,
    Plan,
    StripeInvoice,
    Subscription,
    UsageMonth,
)
from billing.services import invoice_issue
from tenants.models import Tenant
from tests.browser.conftest import Site, check_page, committed, sign_in_to_console, sign_out
from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

CONSOLE = "console.localhost"
PLAN = "Browser Kommune Plan"


@pytest.fixture
def invoiced(nyborg: Tenant) -> Iterator[Invoice]:
    def create() -> Invoice:
        with schema_context("public"):
            plan = Plan.objects.create(
                name=PLAN,
                kind="municipality",
                period="monthly",
                base_price=250_000,
                included_volunteers=100,
                block_size=50,
                block_price=40_000,
                sms_segment_price=35,
                trial_days=0,
            )
            # Straight into the row: subscription_start would make the tenant a paying one.
            subscription = Subscription.objects.create(
                tenant=nyborg,
                plan=plan,
                status="active",
                current_period_start=date(2026, 1, 1),
                stripe_customer_id="cus_browser",
                stripe_subscription_id="sub_browser",
                stripe_status="active",
            )
            StripeInvoice.objects.create(
                stripe_id="in_browser",
                tenant=nyborg,
                subscription=subscription,
                number="BROWSER-0001",
                status="open",
                amount_due=312_500,
                amount_paid=0,
                currency="dkk",
                period_start=date(2026, 1, 1),
                hosted_invoice_url="https://invoice.stripe.com/i/browser",
                stripe_created=datetime(2026, 1, 1, tzinfo=UTC),
            )
            UsageMonth.objects.create(
                tenant=nyborg, month=date(2026, 1, 1), active_volunteers=151, sms_segments=3
            )
        return invoice_issue(tenant=nyborg, month=date(2026, 1, 1))

    def remove() -> None:
        with schema_context("public"):
            InvoiceLine.objects.filter(invoice__tenant=nyborg).delete()
            Invoice.objects.filter(tenant=nyborg).delete()
            StripeInvoice.objects.filter(tenant=nyborg).delete()
            InvoiceSeries.objects.all().delete()
            UsageMonth.objects.filter(tenant=nyborg).delete()
            Subscription.objects.filter(tenant=nyborg).delete()
            Plan.objects.filter(name=PLAN).delete()
            AuditEvent.objects.filter(action__startswith="billing.").delete()

    yield from committed(nyborg, create, remove, ())


def test_vera_reads_a_tenants_plan_usage_and_invoices(
    page: Page, site: Site, axe_source: str, invoiced: Invoice, nyborg: Tenant
) -> None:
    from playwright.sync_api import expect

    sign_in_to_console(page, site, "vera@tovholder.dk", PASSWORD)
    try:
        page.goto(site.url(CONSOLE, f"/tenants/{nyborg.pk}/"))
        page.locator(f"a[href='/tenants/{nyborg.pk}/billing/']").click()
        page.wait_for_load_state()
        assert page.url == site.url(CONSOLE, f"/tenants/{nyborg.pk}/billing/")
        main = page.get_by_role("main")
        expect(main).to_contain_text(PLAN)
        table = page.locator("table:has(#invoice-caption)")
        expect(table.get_by_role("rowheader", name=str(invoiced.number))).to_be_visible()
        expect(table).to_contain_text("4.126,31")
        # A card tenant's invoices at Stripe, as Stripe last showed them, linked to Stripe.
        expect(main).to_contain_text("cus_browser")
        stripe_table = page.locator("table:has(#stripe-invoice-caption)")
        expect(stripe_table.get_by_role("rowheader", name="BROWSER-0001")).to_be_visible()
        link = stripe_table.locator("a[href='https://invoice.stripe.com/i/browser']")
        expect(link).to_be_visible()
        check_page(page, axe_source, "console-billing")
    finally:
        sign_out(page)
