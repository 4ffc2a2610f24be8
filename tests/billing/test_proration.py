"""A plan change in the middle of a month: each day billed on the plan in force that day,
held to a hand computation; and the simple rule for yearly plans."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from billing.models import Plan, PlanChange, Subscription, UsageMonth
from billing.proration import plan_change_preview, prorate
from billing.services import invoice_issue, subscription_change_plan, subscription_start
from tests.billing.dunning_setup import OCTOBER, at, monthly_plan

pytestmark = pytest.mark.django_db
DECEMBER = date(2026, 12, 1)  # 31 days
CHANGED_ON = date(2026, 12, 15)  # days 1-14 on the old plan, 15-31 on the new


@pytest.fixture
def plans() -> tuple[Plan, Plan]:
    return monthly_plan("Lille", base_price=250_000), monthly_plan(
        "Stor", base_price=400_000, block_price=30_000
    )


@pytest.fixture
def running(nyborg, vera, plans) -> Subscription:
    with at(OCTOBER):
        return subscription_start(tenant=nyborg, plan=plans[0], actor=vera, today=OCTOBER)


def usage(tenant, month: date) -> None:
    with schema_context("public"):
        UsageMonth.objects.create(tenant=tenant, month=month, active_volunteers=151, sms_segments=3)


def test_it_rounds_each_part_half_up_to_whole_ore():
    assert [prorate(1, 1, 2), prorate(3, 1, 2), prorate(5, 1, 4), prorate(7, 1, 4)] == [1, 2, 1, 2]
    assert prorate(250_000, 14, 31) + prorate(250_000, 17, 31) == 250_000  # same price: whole


def test_it_bills_the_month_on_each_plan_by_its_days(nyborg, vera, plans, running):
    subscription_change_plan(tenant=nyborg, plan=plans[1], actor=vera, today=CHANGED_ON)
    usage(nyborg, DECEMBER)
    with at(date(2027, 1, 1)):
        invoice = invoice_issue(tenant=nyborg, month=DECEMBER)
    lines = [(line.kind, line.amount) for line in invoice.lines.all()]
    # By hand: 2.500,00 * 14/31 = 1.129,032… → 1.129,03; 4.000,00 * 17/31 = 2.193,548… →
    # 2.193,55. 151 active volunteers, 100 included: 51 extra = 2 blocks at the new plan's
    # 300,00; 3 SMS segments at 0,35.
    assert lines == [("base", 112_903), ("base", 219_355), ("volunteers", 60_000), ("sms", 105)]
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        392_363,
        98_091,  # 25 % of 3.923,63 = 980,9075 → 980,91
        490_454,
    )
    descriptions = [line.description for line in invoice.lines.all()[:2]]
    assert "01.12–14.12.2026 (14" in descriptions[0] and "15.12–31.12.2026 (17" in descriptions[1]
    with at(date(2027, 2, 1)):  # January: the new plan only, in full
        january = invoice_issue(tenant=nyborg, month=date(2027, 1, 1))
    assert [line.amount for line in january.lines.filter(kind="base")] == [400_000]
    with at(date(2027, 1, 1)):  # November, issued late, is the old plan's month
        november = invoice_issue(tenant=nyborg, month=date(2026, 11, 1))
    assert [line.amount for line in november.lines.filter(kind="base")] == [250_000]


def test_the_preview_shows_the_same_figures_before_anything_is_saved(nyborg, plans, running):
    with schema_context("public"):
        subscription = Subscription.objects.select_related("plan").get(tenant=nyborg)
    preview = plan_change_preview(subscription=subscription, plan=plans[1], today=CHANGED_ON)
    assert [line.amount for line in preview.lines] == [112_903, 219_355]
    assert (preview.net, preview.vat, preview.gross) == (332_258, 83_065, 415_323)
    assert preview.prorated and preview.effective_on == CHANGED_ON
    with schema_context("public"):
        assert not PlanChange.objects.exists()
        assert Subscription.objects.get(tenant=nyborg).plan == plans[0]


def test_a_yearly_plan_starts_on_the_first_of_next_month_unsplit(nyborg, vera, plans, running):
    yearly = monthly_plan("År", period=Plan.Period.YEARLY, base_price=2_400_000)
    with schema_context("public"):
        subscription = Subscription.objects.select_related("plan").get(tenant=nyborg)
    preview = plan_change_preview(subscription=subscription, plan=yearly, today=CHANGED_ON)
    assert not preview.prorated and preview.effective_on == date(2027, 1, 1)
    assert [line.amount for line in preview.lines] == [250_000]  # December as it was
    subscription_change_plan(tenant=nyborg, plan=yearly, actor=vera, today=CHANGED_ON)
    bases = []
    for month in (DECEMBER, date(2027, 1, 1), date(2027, 2, 1)):
        with at(month.replace(day=28)):
            invoice = invoice_issue(tenant=nyborg, month=month)
        bases.append([line.amount for line in invoice.lines.filter(kind="base")])
    assert bases == [[250_000], [2_400_000], []]  # the year is billed in its first month


def test_a_trial_just_moves_and_the_same_plan_is_refused(nyborg, vera, plans):
    subscription_start(tenant=nyborg, plan=plans[0], actor=vera, today=OCTOBER)  # trial 0 days
    with schema_context("public"):
        Subscription.objects.filter(tenant=nyborg).update(status="trial")
    subscription_change_plan(tenant=nyborg, plan=plans[1], actor=vera, today=CHANGED_ON)
    with schema_context("public"):
        assert not PlanChange.objects.exists()
    with pytest.raises(ValidationError):
        subscription_change_plan(tenant=nyborg, plan=plans[1], actor=vera, today=CHANGED_ON)
