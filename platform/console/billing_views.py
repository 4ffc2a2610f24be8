"""The vendor's billing page per tenant: plan, status, dates, usage so far, invoices."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.einvoice import invoice_einvoice_send
from billing.forms import (
    GraceForm,
    MarkPaidForm,
    PaymentForm,
    PlanChoiceForm,
    PlanForm,
    StatusForm,
)
from billing.models import Invoice, Plan, Subscription
from billing.proration import plan_change_preview
from billing.selectors import (
    dunning_notices_for,
    invoices_for,
    month_start,
    plan_changes_for,
    plans_for,
    stripe_invoices_for,
    subscription_for,
    unpaid_ean_invoices,
    usage_for_month,
    usage_months_for,
)
from billing.services import (
    plan_save,
    subscription_change_plan,
    subscription_set_payment,
    subscription_start,
    subscription_transition,
)
from billing.stripe_services import stripe_plan_change, stripe_setup
from console.decorators import staff_required
from tenants.models import Tenant
from tenants.selectors import HIDDEN_SCHEMAS


def _visible_tenant(pk: int) -> Tenant:
    return get_object_or_404(Tenant.objects.exclude(schema_name__in=HIDDEN_SCHEMAS), pk=pk)


@staff_required
def tenant_billing(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _visible_tenant(pk)
    return _page(request, tenant)


def _page(
    request: HttpRequest,
    tenant: Tenant,
    plan_form: PlanChoiceForm | None = None,
    status_form: StatusForm | None = None,
    payment_form: PaymentForm | None = None,
    grace_form: GraceForm | None = None,
    paid_form: MarkPaidForm | None = None,
) -> HttpResponse:
    month = month_start(timezone.localdate())
    plan_form = plan_form or PlanChoiceForm(plans=plans_for(tenant=tenant))
    status_form = status_form or StatusForm()
    subscription = subscription_for(tenant=tenant)
    if payment_form is None and subscription is not None:
        payment_form = PaymentForm(instance=subscription)
    grace_form = grace_form or GraceForm()
    paid_form = paid_form or MarkPaidForm(invoices=unpaid_ean_invoices(tenant=tenant))
    context = {
        "t": tenant,
        "subscription": subscription,
        "payment_form": payment_form,
        "month": month,
        "usage": usage_for_month(tenant=tenant, month=month),  # so far, counted now
        "invoices": list(invoices_for(tenant=tenant)[:24]),
        "stripe_invoices": (
            list(stripe_invoices_for(tenant=tenant)[:24])
            if subscription is not None and subscription.stripe_customer_id
            else []
        ),
        "months": list(usage_months_for(tenant=tenant)[:12]),
        "plan_form": plan_form,
        "status_form": status_form,
        "grace_form": grace_form,
        "paid_form": paid_form,
        "plan_changes": plan_changes_for(tenant=tenant),
        "notices": dunning_notices_for(subscription=subscription),
    }
    failed = (
        plan_form.errors
        or status_form.errors
        or (payment_form and payment_form.errors)
        or grace_form.errors
        or paid_form.errors
    )
    return render(request, "console/tenant_billing.html", context, status=400 if failed else 200)


@staff_required
@require_POST
def tenant_billing_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a subscription on the chosen plan, or move a running one to it."""
    tenant = _visible_tenant(pk)
    form = PlanChoiceForm(request.POST, plans=plans_for(tenant=tenant))
    if form.is_valid():
        plan = form.cleaned_data["plan"]
        current = subscription_for(tenant=tenant)
        running = current is not None and current.status != current.Status.CANCELLED
        if running and request.POST.get("confirm") != "yes":
            if current is not None and current.plan_id == plan.pk:
                form.add_error("plan", _("The tenant is on this plan already."))
                return _page(request, tenant, form, StatusForm())
            return _preview(request, tenant, current, plan)  # shown before it is confirmed
        try:
            if not running:
                subscription_start(tenant=tenant, plan=plan, actor=request.user)
            else:
                subscription_change_plan(tenant=tenant, plan=plan, actor=request.user)
                stripe_plan_change(tenant=tenant, actor=request.user)  # a card tenant's too
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s is on the plan %(plan)s.") % {"name": tenant.name, "plan": plan.name},
            )
            return redirect("tenant-billing", pk=tenant.pk)
    return _page(request, tenant, form, StatusForm())


def _preview(
    request: HttpRequest, tenant: Tenant, subscription: Subscription | None, plan: Plan
) -> HttpResponse:
    """This month's base price on each plan by days, with VAT; a second POST with
    confirm=yes applies the change."""
    assert subscription is not None
    today = timezone.localdate()
    preview = plan_change_preview(subscription=subscription, plan=plan, today=today)
    context = {"t": tenant, "subscription": subscription, "plan": plan, "preview": preview}
    return render(request, "console/plan_change_preview.html", context)


@staff_required
@require_POST
def tenant_billing_status(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _visible_tenant(pk)
    form = StatusForm(request.POST)
    if form.is_valid() and subscription_for(tenant=tenant) is not None:
        try:
            subscription_transition(
                tenant=tenant,
                status=form.cleaned_data["status"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error("status", exc)
        else:
            messages.success(request, _("The subscription's status is changed."))
            return redirect("tenant-billing", pk=tenant.pk)
    elif form.is_valid():
        form.add_error(None, _("The tenant has no subscription yet."))
    return _page(request, tenant, status_form=form)


@staff_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.order_by("kind", "name")
    return render(request, "console/plan_list.html", {"plans": plans})


@staff_required
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a plan or change one; a change applies from each subscription's next invoice."""
    plan = get_object_or_404(Plan, pk=pk) if pk else None
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        saved = plan_save(plan=form.instance, actor=request.user, created=plan is None)
        messages.success(request, _("The plan %(name)s is saved.") % {"name": saved.name})
        return redirect("plan-list")
    context = {"form": form, "plan": plan}
    return render(request, "console/plan_form.html", context, status=400 if form.errors else 200)


@staff_required
@require_POST
def tenant_billing_payment(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _visible_tenant(pk)
    subscription = get_object_or_404(Subscription, tenant=tenant)
    form = PaymentForm(request.POST, instance=subscription)
    if form.is_valid():
        subscription_set_payment(tenant=tenant, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The payment method is saved."))
        return redirect("tenant-billing", pk=tenant.pk)
    return _page(request, tenant, payment_form=form)


@staff_required
def invoice_einvoice(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The e-invoice exactly as it was sent to the tenant's EAN, as a file."""
    invoice = get_object_or_404(
        Invoice, tenant=_visible_tenant(pk), number=number, einvoice_sent_at__isnull=False
    )
    response = HttpResponse(bytes(invoice.einvoice_xml), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="faktura-{invoice.number}.xml"'
    return response


@staff_required
@require_POST
def invoice_einvoice_send_view(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Send an issued invoice to the tenant's EAN now (validated first; sent once)."""
    tenant = _visible_tenant(pk)
    invoice = get_object_or_404(
        Invoice, tenant=tenant, number=number, subscription__payment_method="ean"
    )
    if invoice_einvoice_send(invoice_id=invoice.pk):
        messages.success(
            request, _("Invoice %(number)s is sent as an e-invoice.") % {"number": number}
        )
    return redirect("tenant-billing", pk=tenant.pk)


@staff_required
@require_POST
def tenant_billing_stripe(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a card tenant on Stripe: its customer, and its subscription once it can pay."""
    tenant = _visible_tenant(pk)
    get_object_or_404(Subscription, tenant=tenant)
    try:
        subscription = stripe_setup(tenant=tenant, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if subscription.stripe_subscription_id:
            messages.success(request, _("The tenant is set up in Stripe."))
        else:
            messages.success(
                request,
                _(
                    "The tenant is a customer in Stripe; its subscription starts once it has a "
                    "payment method."
                ),
            )
    return redirect("tenant-billing", pk=tenant.pk)
