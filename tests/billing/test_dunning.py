"""Dunning, end to end on Nyborg's e-invoice: unpaid past its due date → past due → the
admins are mailed on days 0, 7 and 14, once each → suspended after the grace period (the
suspended page, data intact) → paid → active, and the site opens by itself."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context, tenant_context

from apps.audit.models import AuditEvent
from apps.messaging.models import Delivery
from billing.dunning import invoice_mark_paid, subscription_extend_grace
from billing.models import DunningNotice, Invoice, Subscription
from billing.services import subscription_transition
from billing.tasks import dispatch_dunning, dispatch_issue_invoices
from tenants.models import Tenant
from tests.billing.dunning_setup import (
    at,
    einvoice_folder,  # noqa: F401 (fixtures)
    forget_notices,
    nightly,
    no_cached_notices,  # noqa: F401
    on_ean,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_cached_notices")]
S = Subscription.Status
ISSUED_ON = date(2026, 11, 1)  # October's invoice, due 1 December
LATE = date(2026, 12, 2)  # the first night it is past its due date


@pytest.fixture
def unpaid(nyborg, vera, einvoice_folder) -> Invoice:  # noqa: F811
    on_ean(nyborg, vera)
    nightly(dispatch_issue_invoices, ISSUED_ON)
    with schema_context("public"):
        return Invoice.objects.get(tenant=nyborg)


def subscription(tenant: Tenant) -> Subscription:
    with schema_context("public"):
        return Subscription.objects.get(tenant=tenant)


def reminders(tenant: Tenant) -> list[str]:
    """The past-due mails that went out, to whom (each delivery once)."""
    with tenant_context(tenant):
        sent = Delivery.objects.filter(
            message__kind="billing_past_due", status=Delivery.Status.SENT
        ).order_by("pk")
        return [d.user.email for d in sent]


def test_it_warns_suspends_and_resumes_an_unpaid_tenant(unpaid, nyborg, nyborg_client, vera):
    assert unpaid.due_on == date(2026, 12, 1)
    nightly(dispatch_dunning, date(2026, 12, 1))  # due today: not late yet
    assert subscription(nyborg).status == S.ACTIVE

    for _night in range(2):  # a rerun the same night sends nothing new
        nightly(dispatch_dunning, LATE)
    late = subscription(nyborg)
    assert (late.status, late.past_due_since, late.grace_until) == (
        S.PAST_DUE,
        LATE,
        LATE + timedelta(days=21),
    )
    assert reminders(nyborg) == ["nanna@nyborg.dk"]  # the system owner's admin, day 0
    (first,) = [m for m in mail.outbox if m.to == ["nanna@nyborg.dk"]]
    assert "3.125,00" in first.body  # the amount, incl. VAT, in Danish figures

    for day in range(1, 15):  # every night until day 14
        nightly(dispatch_dunning, LATE + timedelta(days=day))
    assert len(reminders(nyborg)) == 3
    with schema_context("public"):
        days = list(DunningNotice.objects.values_list("day", flat=True))
        assert days == [0, 7, 14]

    grace_until = LATE + timedelta(days=21)
    nightly(dispatch_dunning, grace_until)  # the last day of grace: still open
    assert subscription(nyborg).status == S.PAST_DUE
    assert nyborg_client.get("/").status_code != 503
    nightly(dispatch_dunning, grace_until + timedelta(days=1))
    assert subscription(nyborg).status == S.SUSPENDED
    with schema_context("public"):
        assert Tenant.objects.get(pk=nyborg.pk).status == Tenant.Status.SUSPENDED
    assert nyborg_client.get("/").status_code == 503  # the suspended page
    assert len(reminders(nyborg)) == 3  # no reminders once suspended

    with at(date(2027, 1, 4)):
        invoice_mark_paid(
            invoice=unpaid, actor=vera, reason="Betalt via bank 4/1", paid_on=date(2027, 1, 4)
        )
    resumed = subscription(nyborg)
    assert (resumed.status, resumed.past_due_since, resumed.grace_until) == (S.ACTIVE, None, None)
    with schema_context("public"):
        assert Tenant.objects.get(pk=nyborg.pk).status == Tenant.Status.ACTIVE
        assert Invoice.objects.get(pk=unpaid.pk).paid_on == date(2027, 1, 4)
        paid = AuditEvent.objects.get(action="billing.invoice_paid")
        assert paid.data["reason"] == "Betalt via bank 4/1"
    assert nyborg_client.get("/").status_code != 503
    with tenant_context(nyborg):  # data intact
        assert Tenant.objects.filter(pk=nyborg.pk).exists()


def test_extending_the_grace_period_postpones_suspension(unpaid, nyborg, vera):
    nightly(dispatch_dunning, LATE)
    old = subscription(nyborg).grace_until
    assert old is not None
    with at(LATE + timedelta(days=3)):
        subscription_extend_grace(
            tenant=nyborg,
            until=old + timedelta(days=10),
            actor=vera,
            reason="Kommunen har lovet betaling",
            today=LATE + timedelta(days=3),
        )
    nightly(dispatch_dunning, old + timedelta(days=1))  # would have suspended
    assert subscription(nyborg).status == S.PAST_DUE
    nightly(dispatch_dunning, old + timedelta(days=11))
    assert subscription(nyborg).status == S.SUSPENDED
    with schema_context("public"):
        event = AuditEvent.objects.get(action="billing.grace_extended")
        assert event.data["reason"] == "Kommunen har lovet betaling"


def test_paying_one_invoice_leaves_the_tenant_suspended_while_another_is_overdue(
    unpaid, nyborg, vera
):
    nightly(dispatch_issue_invoices, date(2026, 12, 1))  # November's, due 31 December
    nightly(dispatch_dunning, date(2027, 1, 1))
    with schema_context("public"):
        november = Invoice.objects.get(tenant=nyborg, period_start=date(2026, 11, 1))
    with at(date(2027, 1, 2)):
        invoice_mark_paid(
            invoice=unpaid, actor=vera, reason="Delbetaling", paid_on=date(2027, 1, 2)
        )
    assert subscription(nyborg).status == S.PAST_DUE  # November's is still overdue
    with at(date(2027, 1, 3)):
        invoice_mark_paid(invoice=november, actor=vera, reason="Resten", paid_on=date(2027, 1, 3))
    assert subscription(nyborg).status == S.ACTIVE


def test_a_failed_card_payment_starts_the_same_clock(aarhus, vera):
    """The Stripe side moves a card tenant to past due; the reminders and suspension follow
    from the status alone."""
    from tests.billing.dunning_setup import monthly_plan

    on_ean(aarhus, vera, monthly_plan("Region", "region"))
    with schema_context("public"):
        Subscription.objects.filter(tenant=aarhus).update(payment_method="card", ean="")
    with at(LATE):
        subscription_transition(tenant=aarhus, status=S.PAST_DUE, actor=None, reason="declined")
    nightly(dispatch_dunning, LATE)
    assert reminders(aarhus) == ["anders@visitaarhus.dk"]
    nightly(dispatch_dunning, LATE + timedelta(days=22))
    assert subscription(aarhus).status == S.SUSPENDED
    forget_notices(aarhus)


def test_overrides_need_a_reason(unpaid, nyborg, vera):
    nightly(dispatch_dunning, LATE)
    with pytest.raises(ValidationError):
        subscription_extend_grace(
            tenant=nyborg, until=date(2027, 2, 1), actor=vera, reason=" ", today=LATE
        )
    with pytest.raises(ValidationError):
        invoice_mark_paid(invoice=unpaid, actor=vera, reason="", paid_on=LATE)
    with schema_context("public"):
        assert Invoice.objects.get(pk=unpaid.pk).status == Invoice.Status.ISSUED


def test_a_paid_invoice_cannot_be_paid_again(unpaid, vera):
    invoice_mark_paid(invoice=unpaid, actor=vera, reason="Bank", paid_on=ISSUED_ON)
    with pytest.raises(ValidationError):
        invoice_mark_paid(invoice=unpaid, actor=vera, reason="Bank", paid_on=ISSUED_ON)


def test_a_subscription_put_past_due_by_hand_gets_its_clock_the_next_night(nyborg, vera):
    on_ean(nyborg, vera)
    with schema_context("public"):  # as before the dunning migration, or a bulk update
        Subscription.objects.filter(tenant=nyborg).update(status=S.PAST_DUE)
    nightly(dispatch_dunning, LATE)
    found = subscription(nyborg)
    assert (found.status, found.past_due_since, found.grace_until) == (
        S.PAST_DUE,
        LATE,
        LATE + timedelta(days=21),
    )
    assert reminders(nyborg) == ["nanna@nyborg.dk"]


def test_a_payment_that_came_in_wins_over_the_nights_suspension(unpaid, nyborg, vera):
    nightly(dispatch_dunning, LATE)
    invoice_mark_paid(invoice=unpaid, actor=vera, reason="Bank", paid_on=LATE)
    nightly(dispatch_dunning, LATE + timedelta(days=30))  # would have suspended
    assert subscription(nyborg).status == S.ACTIVE
