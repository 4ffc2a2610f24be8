"""Scheduled issuing: every night, an EAN tenant whose invoice date has come gets last
month's invoice, sent once as an e-invoice; a card tenant is left to Stripe."""

from collections.abc import Iterator
from datetime import date

import pytest
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from billing.models import Invoice, InvoiceSeries, Subscription
from billing.services import subscription_start
from billing.tasks import dispatch_issue_invoices
from config.celery import app as celery_app
from tests.billing.dunning_setup import (
    OCTOBER,
    at,
    einvoice_folder,  # noqa: F401 (a fixture)
    monthly_plan,
    nightly,
    on_ean,
)

pytestmark = pytest.mark.django_db
NOVEMBER_1 = date(2026, 11, 1)


def test_it_issues_and_sends_last_months_einvoice_once_when_run_twice(
    nyborg,
    vera,
    einvoice_folder,  # noqa: F811
):
    on_ean(nyborg, vera)
    assert nightly(dispatch_issue_invoices, date(2026, 10, 31)) == 0  # not yet
    for _night in range(2):
        nightly(dispatch_issue_invoices, NOVEMBER_1)
    with schema_context("public"):
        (invoice,) = Invoice.objects.filter(tenant=nyborg)
        assert (invoice.period_start, invoice.issued_on, invoice.due_on) == (
            OCTOBER,
            NOVEMBER_1,
            date(2026, 12, 1),
        )
        assert invoice.einvoice_sent_at is not None and invoice.gross_total == 312_500
        assert InvoiceSeries.objects.get().last_number == invoice.number  # no number lost
        assert Subscription.objects.get(tenant=nyborg).next_invoice_on == date(2026, 12, 1)
        assert AuditEvent.objects.filter(action="billing.einvoice_sent").count() == 1
    assert [p.name for p in einvoice_folder.iterdir()] == [
        f"0088_5798000416604_{invoice.number}.xml"
    ]


def test_it_leaves_card_tenants_to_stripe(nyborg, aarhus, vera, einvoice_folder):  # noqa: F811
    on_ean(nyborg, vera)
    with at(OCTOBER):
        subscription_start(
            tenant=aarhus, plan=monthly_plan("Region", "region"), actor=vera, today=OCTOBER
        )
    assert nightly(dispatch_issue_invoices, NOVEMBER_1) == 1  # Nyborg's task only
    with schema_context("public"):
        assert not Invoice.objects.filter(tenant=aarhus).exists()
        assert Invoice.objects.filter(tenant=nyborg).count() == 1


def test_it_catches_up_on_nights_it_missed_one_month_at_a_time(
    nyborg,
    vera,
    einvoice_folder,  # noqa: F811
):
    on_ean(nyborg, vera)
    nightly(dispatch_issue_invoices, date(2027, 1, 3))  # beat was down in November/December
    with schema_context("public"):
        invoices = Invoice.objects.filter(tenant=nyborg).order_by("period_start")
        months = [(i.period_start, i.einvoice_sent_at is not None) for i in invoices]
        assert months == [(OCTOBER, True), (date(2026, 11, 1), True), (date(2026, 12, 1), True)]
        assert Subscription.objects.get(tenant=nyborg).next_invoice_on == date(2027, 2, 1)


@pytest.fixture
def as_separate_messages() -> Iterator[None]:
    """As with a real worker, where each tenant's task is its own message: a failed one is
    logged, not raised into the dispatcher (the settings propagate eagerly for tests)."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


@pytest.mark.allow_logged_errors
def test_one_tenants_failure_stops_nobody_elses(
    nyborg,
    aarhus,
    vera,
    einvoice_folder,  # noqa: F811
    as_separate_messages,
):
    on_ean(nyborg, vera)
    on_ean(aarhus, vera, monthly_plan("Region", "region"))
    with schema_context("public"):  # an EAN with a wrong check digit, saved past the form
        Subscription.objects.filter(tenant=nyborg).update(ean="5798000416605")
    nightly(dispatch_issue_invoices, NOVEMBER_1)
    with schema_context("public"):
        theirs = Invoice.objects.get(tenant=aarhus)
        assert theirs.einvoice_sent_at is not None
        mine = Invoice.objects.get(tenant=nyborg)  # issued; its e-invoice waits for a fix
        assert mine.einvoice_sent_at is None
        Subscription.objects.filter(tenant=nyborg).update(ean="5798000416604")
    nightly(dispatch_issue_invoices, date(2026, 11, 2))  # the next night sends it
    with schema_context("public"):
        assert Invoice.objects.get(tenant=nyborg).einvoice_sent_at is not None
        assert Invoice.objects.count() == 2
