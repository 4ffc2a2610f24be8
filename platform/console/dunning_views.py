"""The vendor's overrides of dunning on a tenant's billing page: more days before the site
is suspended, and an e-invoice marked paid by hand. Both need a reason (audited)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.dunning import invoice_mark_paid, subscription_extend_grace
from billing.forms import GraceForm, MarkPaidForm
from billing.models import Subscription
from billing.selectors import unpaid_ean_invoices
from console.billing_views import _page, _visible_tenant
from console.decorators import staff_required


@staff_required
@require_POST
def tenant_billing_grace(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _visible_tenant(pk)
    get_object_or_404(Subscription, tenant=tenant)
    form = GraceForm(request.POST)
    if form.is_valid():
        try:
            subscription_extend_grace(
                tenant=tenant,
                until=form.cleaned_data["until"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            form.add_error("until" if exc.code != "status" else None, exc)
        else:
            messages.success(request, _("The grace period is extended."))
            return redirect("tenant-billing", pk=tenant.pk)
    return _page(request, tenant, grace_form=form)


@staff_required
@require_POST
def tenant_invoice_paid(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _visible_tenant(pk)
    form = MarkPaidForm(request.POST, invoices=unpaid_ean_invoices(tenant=tenant))
    if form.is_valid():
        invoice = form.cleaned_data["invoice"]
        try:
            invoice_mark_paid(
                invoice=invoice,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                paid_on=form.cleaned_data["paid_on"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Invoice %(number)s is marked paid.") % {"number": invoice.number}
            )
            return redirect("tenant-billing", pk=tenant.pk)
    return _page(request, tenant, paid_form=form)
