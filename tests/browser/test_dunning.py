"""The past-due banner in a real browser at 360 and 1280 px: Nanna (Nyborg's admin) sees
what is owed, until when and whom to ask, accessible (axe) and without sideways scrolling;
and the console's plan-change preview (screenshots: test-artifacts/screenshots/).

Rows are committed in the public schema for the live server and removed again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from billing.models import Invoice, Plan, Subscription
from billing.notice import past_due_notice_refresh
from tenants.models import Tenant
from tests.billing.dunning_setup import forget_notices
from tests.browser.conftest import (
    Site,
    check_page,
    committed,
    sign_in,
    sign_in_to_console,
    sign_out,
)
from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
CONSOLE = "console.localhost"
PLANS = ("Browser Dunning Lille", "Browser Dunning Stor")


@pytest.fixture
def past_due(nyborg: Tenant) -> Iterator[Subscription]:
    today = timezone.localdate()

    def create() -> Subscription:
        with schema_context("public"):
            small = Plan.objects.create(
                name=PLANS[0], kind="municipality", period="monthly", base_price=250_000,
                included_volunteers=100, trial_days=0,
            )  # fmt: skip
            Plan.objects.create(
                name=PLANS[1], kind="municipality", period="monthly", base_price=400_000,
                included_volunteers=100, trial_days=0,
            )  # fmt: skip
            # Straight into the rows: the transition would suspend or resume the tenant.
            subscription = Subscription.objects.create(
                tenant=nyborg,
                plan=small,
                status="past_due",
                payment_method="ean",
                ean="5798000416604",
                current_period_start=today.replace(day=1) - timedelta(days=62),
                past_due_since=today - timedelta(days=3),
                grace_until=today + timedelta(days=18),
            )
            Invoice.objects.create(
                number=990_001,
                tenant=nyborg,
                subscription=subscription,
                period_start=today.replace(day=1) - timedelta(days=62),
                period_end=today.replace(day=1) - timedelta(days=32),
                issued_on=today - timedelta(days=34),
                due_on=today - timedelta(days=4),
                net_total=250_000,
                vat_total=62_500,
                gross_total=312_500,
            )
        past_due_notice_refresh(tenant=nyborg)
        return subscription

    def remove() -> None:
        forget_notices(nyborg)
        with schema_context("public"):
            Invoice.objects.filter(tenant=nyborg).delete()
            Subscription.objects.filter(tenant=nyborg).delete()
            Plan.objects.filter(name__in=PLANS).delete()
            AuditEvent.objects.filter(action__startswith="billing.").delete()

    yield from committed(nyborg, create, remove, ())


def test_nanna_sees_the_past_due_banner(
    page: Page, site: Site, axe_source: str, past_due: Subscription
) -> None:
    from playwright.sync_api import expect

    try:
        page.goto(site.url(NYBORG, "/konto/log-ind/?next=/mine-vagter/"))
        sign_in(page, "nanna@nyborg.dk")
        banner = page.get_by_role("status").filter(has_text="3.125,00")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("18")  # days left
        expect(banner.get_by_role("link", name="faktura@tovholder.dk")).to_be_visible()
        check_page(page, axe_source, "dunning-banner")
    finally:
        sign_out(page)


def test_vera_previews_a_plan_change(
    page: Page, site: Site, axe_source: str, past_due: Subscription, nyborg: Tenant
) -> None:
    from playwright.sync_api import expect

    sign_in_to_console(page, site, "vera@tovholder.dk", PASSWORD)
    try:
        page.goto(site.url(CONSOLE, f"/tenants/{nyborg.pk}/billing/"))
        check_page(page, axe_source, "console-billing-dunning")
        page.get_by_label("Abonnement").select_option(label=PLANS[1])
        page.locator(f"form[action='/tenants/{nyborg.pk}/billing/plan/'] button").click()
        page.wait_for_load_state()
        expect(page.get_by_role("table")).to_contain_text(PLANS[1])
        check_page(page, axe_source, "console-plan-change-preview")
    finally:
        sign_out(page)
