"""Subscriptions, their transitions and the tenant's status; invoices, VAT and numbers."""

from collections.abc import Iterator
from datetime import date

import pytest
from celery._state import _set_task_join_will_block
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from billing.models import Invoice, InvoiceLine, InvoiceSeries, Plan, Subscription, UsageMonth
from billing.services import (
    invoice_issue,
    subscription_change_plan,
    subscription_start,
    subscription_transition,
    vat_of,
)
from tenants.models import Tenant
from tests.threads import crowd, in_tenant

pytestmark = pytest.mark.django_db
S = Subscription.Status
NOVEMBER = date(2026, 11, 1)


def make_plan(kind: str = "municipality", **extra) -> Plan:
    values = {
        "name": f"Plan {kind}",
        "kind": kind,
        "period": Plan.Period.MONTHLY,
        "base_price": 250_000,  # 2.500,00 kr.
        "included_volunteers": 100,
        "block_size": 50,
        "block_price": 40_000,
        "sms_segment_price": 35,
        "trial_days": 30,
    } | extra
    with schema_context("public"):
        return Plan.objects.create(**values)


def usage(tenant: Tenant, month: date, volunteers: int, segments: int) -> None:
    with schema_context("public"):
        UsageMonth.objects.create(
            tenant=tenant, month=month, active_volunteers=volunteers, sms_segments=segments
        )


def test_it_starts_a_trial_with_the_plans_days(nyborg, vera):
    subscription = subscription_start(
        tenant=nyborg, plan=make_plan(), actor=vera, today=date(2026, 11, 10)
    )
    assert subscription.status == S.TRIAL
    assert subscription.trial_ends_on == date(2026, 12, 10)
    assert subscription.current_period_start == date(2026, 12, 11)
    assert subscription.current_period_end == date(2026, 12, 31)
    assert subscription.next_invoice_on == date(2027, 1, 1)
    with schema_context("public"):
        assert AuditEvent.objects.filter(action="billing.subscription_started").count() == 1


def test_it_refuses_a_second_subscription_and_a_plan_for_another_kind(nyborg, vera):
    subscription_start(tenant=nyborg, plan=make_plan(), actor=vera)
    with pytest.raises(ValidationError) as running:
        subscription_start(tenant=nyborg, plan=make_plan(name="Other"), actor=vera)
    assert running.value.code == "running"
    with pytest.raises(ValidationError) as wrong:
        subscription_change_plan(tenant=nyborg, plan=make_plan("other"), actor=vera)
    assert wrong.value.code == "plan"


ALLOWED = [
    (S.TRIAL, S.ACTIVE),
    (S.ACTIVE, S.PAST_DUE),
    (S.PAST_DUE, S.ACTIVE),
    (S.PAST_DUE, S.SUSPENDED),
    (S.SUSPENDED, S.ACTIVE),
] + [(old, S.CANCELLED) for old in (S.TRIAL, S.ACTIVE, S.PAST_DUE, S.SUSPENDED)]


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_it_allows_the_steps_of_the_life_cycle(nyborg, vera, old, new):
    subscription_start(tenant=nyborg, plan=make_plan(), actor=vera)
    with schema_context("public"):
        Subscription.objects.filter(tenant=nyborg).update(status=old)
    assert subscription_transition(tenant=nyborg, status=new, actor=vera).status == new


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (S.TRIAL, S.PAST_DUE),
        (S.TRIAL, S.SUSPENDED),
        (S.ACTIVE, S.SUSPENDED),
        (S.ACTIVE, S.TRIAL),
        (S.SUSPENDED, S.PAST_DUE),
        (S.CANCELLED, S.ACTIVE),
        (S.CANCELLED, S.TRIAL),
    ],
)
def test_it_refuses_any_other_step(nyborg, vera, old, new):
    subscription_start(tenant=nyborg, plan=make_plan(), actor=vera)
    with schema_context("public"):
        Subscription.objects.filter(tenant=nyborg).update(status=old)
    with pytest.raises(ValidationError) as refused:
        subscription_transition(tenant=nyborg, status=new, actor=vera)
    assert refused.value.code == "transition"
    with schema_context("public"):
        assert Subscription.objects.get(tenant=nyborg).status == old


def test_it_suspends_the_tenant_with_the_subscription_and_resumes_it(nyborg, vera, aarhus):
    subscription_start(tenant=nyborg, plan=make_plan(), actor=vera)
    subscription_transition(tenant=nyborg, status=S.ACTIVE, actor=vera)
    assert Tenant.objects.get(pk=nyborg.pk).status == Tenant.Status.ACTIVE  # trial: paying now
    subscription_transition(tenant=nyborg, status=S.PAST_DUE, actor=vera)
    assert Tenant.objects.get(pk=nyborg.pk).status == Tenant.Status.ACTIVE  # warned, still open
    subscription_transition(tenant=nyborg, status=S.SUSPENDED, actor=vera, reason="unpaid")
    assert Tenant.objects.get(pk=nyborg.pk).status == Tenant.Status.SUSPENDED
    assert Tenant.objects.get(pk=aarhus.pk).status == aarhus.status  # nobody else
    subscription_transition(tenant=nyborg, status=S.ACTIVE, actor=vera)
    assert Tenant.objects.get(pk=nyborg.pk).status == Tenant.Status.ACTIVE


def test_it_invoices_base_extra_blocks_and_sms_with_vat_rounded_half_up(nyborg, vera):
    plan = make_plan(trial_days=0, sms_segment_price=37)
    subscription_start(tenant=nyborg, plan=plan, actor=vera, today=date(2026, 11, 3))
    usage(nyborg, NOVEMBER, volunteers=151, segments=3)  # 51 above 100: two blocks of 50
    invoice = invoice_issue(tenant=nyborg, month=NOVEMBER)
    with schema_context("public"):
        lines = list(invoice.lines.values_list("kind", "quantity", "unit_price", "amount"))
    assert lines == [
        ("base", 1, 250_000, 250_000),
        ("volunteers", 2, 40_000, 80_000),
        ("sms", 3, 37, 111),
    ]
    assert invoice.net_total == 330_111
    assert invoice.vat_total == 82_528  # 82 527,75 øre, rounded half up
    assert invoice.gross_total == 412_639
    assert (invoice.period_start, invoice.period_end) == (NOVEMBER, date(2026, 11, 30))
    assert (invoice.due_on - invoice.issued_on).days == 30
    assert invoice_issue(tenant=nyborg, month=NOVEMBER).pk == invoice.pk  # once per month


def test_it_rounds_vat_half_up_once_per_invoice():
    assert [vat_of(n) for n in (1, 2, 3, 6, 10, 111)] == [0, 1, 1, 2, 3, 28]


def test_it_bills_a_yearly_base_in_the_month_the_year_starts_only(nyborg, vera):
    plan = make_plan(trial_days=0, period=Plan.Period.YEARLY, base_price=3_000_000)
    subscription_start(tenant=nyborg, plan=plan, actor=vera, today=date(2026, 11, 3))
    usage(nyborg, NOVEMBER, volunteers=10, segments=0)
    usage(nyborg, date(2026, 12, 1), volunteers=10, segments=0)
    assert invoice_issue(tenant=nyborg, month=NOVEMBER).net_total == 3_000_000
    december = invoice_issue(tenant=nyborg, month=date(2026, 12, 1))
    assert (december.net_total, december.gross_total) == (0, 0)


def test_it_has_nothing_to_invoice_in_the_trial(nyborg, vera):
    subscription_start(tenant=nyborg, plan=make_plan(), actor=vera, today=date(2026, 11, 3))
    with pytest.raises(ValidationError) as refused:
        invoice_issue(tenant=nyborg, month=NOVEMBER)
    assert refused.value.code == "none"


@pytest.fixture
def two_paying_tenants(nyborg, aarhus) -> Iterator[list[Tenant]]:
    """Committed on connections of their own (threads see only committed rows); removed."""
    tenants = [nyborg, aarhus]
    # Read now: subscription_start refreshes the tenant objects it is given (to active).
    before = {t.pk: (t.status, t.status_before_closing) for t in tenants}

    def create() -> None:
        for tenant in tenants:
            plan = make_plan(tenant.kind, trial_days=0, name=f"Threads {tenant.pk}")
            subscription_start(tenant=tenant, plan=plan, actor=None, today=date(2026, 11, 1))
            usage(tenant, NOVEMBER, volunteers=120, segments=5)

    def remove() -> None:
        with schema_context("public"):
            InvoiceLine.objects.filter(invoice__tenant__in=tenants).delete()
            Invoice.objects.filter(tenant__in=tenants).delete()
            UsageMonth.objects.filter(tenant__in=tenants).delete()
            Subscription.objects.filter(tenant__in=tenants).delete()
            Plan.objects.filter(name__startswith="Threads").delete()
            InvoiceSeries.objects.all().delete()
            AuditEvent.objects.filter(
                Q(action__startswith="billing.") | Q(action="tenant.status"),
                target_id__in=[str(t.pk) for t in tenants],
            ).delete()
            for pk, (status, before_closing) in before.items():
                Tenant.objects.filter(pk=pk).update(
                    status=status, status_before_closing=before_closing
                )

    in_tenant(nyborg, create)
    yield tenants
    in_tenant(nyborg, remove)
    _set_task_join_will_block(False)


def test_it_numbers_invoices_without_gaps_when_two_are_issued_at_once(two_paying_tenants):
    def issue(tenant: Tenant):
        return lambda: invoice_issue(tenant=tenant, month=NOVEMBER).number

    numbers = crowd(two_paying_tenants[0], [issue(t) for t in two_paying_tenants])
    last = in_tenant(
        two_paying_tenants[0],
        lambda: InvoiceSeries.objects.using("default").get(name="invoice").last_number,
    )
    assert sorted(numbers) == [last - 1, last]  # two numbers, one after the other


def test_it_gives_a_rolled_back_invoices_number_to_the_next(nyborg, aarhus, vera):
    for tenant in (nyborg, aarhus):
        plan = make_plan(tenant.kind, trial_days=0, name=f"Roll {tenant.pk}")
        subscription_start(tenant=tenant, plan=plan, actor=vera, today=date(2026, 11, 1))
        usage(tenant, NOVEMBER, volunteers=1, segments=0)
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = invoice_issue(tenant=nyborg, month=NOVEMBER).number
        raise RuntimeError("the caller failed after the invoice")
    taken = invoice_issue(tenant=aarhus, month=NOVEMBER).number
    assert taken == lost
    with schema_context("public"):
        assert not Invoice.objects.filter(tenant=nyborg).exists()


def test_it_ends_trials_past_their_last_day_once(nyborg, aarhus, vera):
    from billing.services import subscriptions_end_trials

    subscription_start(tenant=nyborg, plan=make_plan(), actor=vera, today=date(2026, 11, 1))
    other = make_plan(aarhus.kind, name="Other trial", trial_days=60)
    subscription_start(tenant=aarhus, plan=other, actor=vera, today=date(2026, 11, 1))
    assert subscriptions_end_trials(today=date(2026, 12, 1)) == 0  # the last trial day
    assert subscriptions_end_trials(today=date(2026, 12, 2)) == 1
    assert subscriptions_end_trials(today=date(2026, 12, 2)) == 0  # a rerun changes nothing
    with schema_context("public"):
        statuses = dict(Subscription.objects.values_list("tenant__schema_name", "status"))
    assert statuses == {"nyborg": S.ACTIVE, "visitaarhus": S.TRIAL}
    assert Tenant.objects.get(pk=nyborg.pk).status == Tenant.Status.ACTIVE
