"""Scheduled issuing: every night, each subscription whose next invoice date has come gets
its invoice (usage in arrears), and an EAN tenant's goes out as an e-invoice.

Card tenants are invoiced by Stripe (billing.stripe), not here. Each tenant runs in its own
task (billing.tasks.issue_invoices), so one tenant's failure stops nobody else's.
"""

from contextlib import suppress
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django_tenants.utils import schema_context

from billing.einvoice import invoice_einvoice_send
from billing.models import Invoice, Subscription
from billing.selectors import month_start, next_month
from billing.services import invoice_issue
from tenants.models import Tenant

S = Subscription.Status
EAN = Subscription.Method.EAN
MAX_MONTHS = 24  # a catch-up after a long stop issues at most two years in one run


def issuing_candidates(*, today: date) -> list[int]:
    """EAN tenants with an invoice date that has come, or an issued invoice not yet sent
    (the send failed last night: it is tried again)."""
    with schema_context("public"):
        due = Subscription.objects.filter(
            Q(next_invoice_on__lte=today)
            | Q(invoices__status=Invoice.Status.ISSUED, invoices__einvoice_sent_at__isnull=True),
            payment_method=EAN,
        ).exclude(status=S.CANCELLED)
        return sorted(set(due.values_list("tenant_id", flat=True)))


def invoices_issue_due(*, tenant: Tenant, today: date) -> list[Invoice]:
    """Issue every month whose invoice date has come (normally just last month), then send
    every issued, unsent e-invoice. Run twice, it issues and sends nothing new."""
    issued = []
    with schema_context("public"):
        subscription = Subscription.objects.get(tenant=tenant)
        if subscription.payment_method != EAN or subscription.status == S.CANCELLED:
            return []
        for _month in range(MAX_MONTHS):
            on = subscription.next_invoice_on
            if on is None or on > today:
                break
            month = month_start(on - timedelta(days=1))  # the month before the invoice date
            # ValidationError: nothing to bill that month (the paid period starts later).
            with suppress(ValidationError):
                issued.append(invoice_issue(tenant=tenant, month=month))
            subscription.refresh_from_db(fields=["next_invoice_on"])
            if subscription.next_invoice_on == on:  # issued before (by hand): move on
                subscription.next_invoice_on = next_month(on)
                subscription.save(update_fields=["next_invoice_on", "updated_at"])
        unsent = Invoice.objects.filter(
            subscription=subscription, status=Invoice.Status.ISSUED, einvoice_sent_at__isnull=True
        ).values_list("pk", flat=True)
        for invoice_id in list(unsent):
            invoice_einvoice_send(invoice_id=invoice_id)
    return issued
