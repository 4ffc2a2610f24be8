"""The console's end of a tenant's life: exports (one-time download links) and offboarding
(cancel, then purge after the notice period). tenants.offboarding, tenants.export_requests."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.services import subscription_cancel
from billing.stripe_services import stripe_cancel
from console.decorators import staff_required
from console.forms import PurgeForm
from console.tasks import tenant_export_build
from tenants.export_requests import export_redeem, export_request
from tenants.models import Tenant, TenantExport
from tenants.offboarding import notice_ends, purge_refusal, tenant_cancel, tenant_purge
from tenants.selectors import HIDDEN_SCHEMAS


def _tenant(pk: int) -> Tenant:
    return get_object_or_404(Tenant.objects.exclude(schema_name__in=HIDDEN_SCHEMAS), pk=pk)


@staff_required
def tenant_offboarding(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _tenant(pk)
    return _page(request, tenant, PurgeForm())


def _page(request: HttpRequest, tenant: Tenant, form: PurgeForm, status: int = 200) -> HttpResponse:
    exports = TenantExport.objects.filter(tenant=tenant).select_related("requested_by")[:10]
    context = {"t": tenant, "exports": exports, "notice_ends": notice_ends(tenant), "form": form}
    return render(request, "console/tenant_offboarding.html", context, status=status)


@staff_required
@require_POST
def tenant_export_request(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _tenant(pk)
    if tenant.status == Tenant.Status.PURGED:
        messages.error(request, _("A purged system owner has nothing left to export."))
    else:
        export_request(tenant=tenant, user=request.user, build=_build)
        messages.success(
            request,
            _(
                "The export of %(name)s is being made. You will get a mail with a link when it "
                "is ready."
            )
            % {"name": tenant.name},
        )
    return redirect("tenant-offboarding", pk=tenant.pk)


@staff_required
@require_POST
def tenant_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _tenant(pk)
    try:
        tenant = _cancel(tenant, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "%(name)s is cancelled: archived and read-only for its admins until the notice "
                "period ends."
            )
            % {"name": tenant.name},
        )
    return redirect("tenant-offboarding", pk=tenant.pk)


@staff_required
@require_POST
def tenant_purge_view(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _tenant(pk)
    form = PurgeForm(request.POST)
    typed = str(request.POST.get("confirm_slug", ""))
    refusal = purge_refusal(tenant, confirm_slug=typed)
    if not refusal:
        try:
            tenant = tenant_purge(tenant=tenant, confirm_slug=typed, actor=request.user)
        except ValidationError as exc:
            refusal = " ".join(exc.messages)
    if refusal:
        form.is_valid()
        form.add_error("confirm_slug", refusal)
        return _page(request, tenant, form, status=400)
    messages.success(
        request,
        _("%(name)s is purged: its data and files are deleted; its row is kept as a record.")
        % {"name": tenant.name},
    )
    return redirect("tenant-offboarding", pk=tenant.pk)


@staff_required
def export_download(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    result = export_redeem(export_id=pk, token=token, user=request.user)
    if result.export is None:
        raise Http404
    if result.refusal:
        context = {"refusal": result.refusal, "t": result.export.tenant}
        return render(request, "console/export_gone.html", context, status=410)
    export = result.export
    return FileResponse(  # type: ignore[return-value]
        storages["exports"].open(export.file, "rb"),
        as_attachment=True,
        filename=f"{export.tenant.schema_name}-{export.ready_at:%Y%m%d-%H%M}.tar",
        content_type="application/x-tar",
    )


def _build(export_id: int) -> None:
    tenant_export_build.delay(export_id=export_id)


def _cancel(tenant: Tenant, actor: object) -> Tenant:
    """Billing ends first (Stripe, then the subscription: nothing more is invoiced or
    dunned), then the site is archived. Stripe refusing changes nothing here."""
    if tenant.status != Tenant.Status.PURGED:
        stripe_cancel(tenant=tenant, actor=actor)
        subscription_cancel(tenant=tenant, actor=actor, reason="offboarding")
    return tenant_cancel(tenant=tenant, actor=actor)
