from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tenants.utils import tenant_context

from apps.accounts.throttle import ThrottledSignInMixin
from apps.audit.selectors import audit_events_for
from apps.sso.forms import ProviderForm
from apps.sso.models import Provider
from apps.sso.selectors import all_providers
from apps.sso.services import provider_save
from console.decorators import staff_required
from console.forms import ConsoleSignInForm, StatusForm
from console.selectors import console_tenant_page
from console.tasks import tenant_provision_build
from tenants.forms import BrandingForm, MessagingSettingsForm, ProvisionForm
from tenants.models import ProvisioningJob, Tenant
from tenants.provision_jobs import provision_request
from tenants.selectors import HIDDEN_SCHEMAS, tenant_url
from tenants.services import (
    tenant_resume,
    tenant_set_status,
    tenant_update_branding,
    tenant_update_settings,
)


class SignInView(ThrottledSignInMixin, auth_views.LoginView):
    """Password (and one-time code): failed passwords are throttled as on the tenants'
    sites, in the public schema's own counts; wrong codes by django-otp's device throttle."""

    template_name = "console/sign_in.html"
    authentication_form = ConsoleSignInForm
    redirect_authenticated_user = False

    def lockout_help(self) -> str:
        return _("If it was not you, tell another member of the vendor staff.")


@staff_required
def tenant_list(request: HttpRequest) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"
    query = request.GET.get("q", "").strip()[:100]
    page = console_tenant_page(
        query=query, include_archived=show_archived, page=request.GET.get("side")
    )
    context = {"page": page, "query": query, "show_archived": show_archived}
    return render(request, "console/tenant_list.html", context)


@staff_required
def tenant_create(request: HttpRequest) -> HttpResponse:
    """Checks the form at once; the tenant is made by a task (console.tasks), and its job's
    page shows how far it is."""
    form = ProvisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = provision_request(
                fields=form.cleaned_data, actor=request.user, run=_provision_later
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect("tenant-job", pk=job.pk)
    status = 400 if form.errors else 200
    return render(request, "console/tenant_form.html", {"form": form}, status=status)


def _provision_later(job_id: int) -> None:
    tenant_provision_build.delay(job_id=job_id)


@staff_required
def tenant_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A provisioning's progress; htmx asks for the fragment every second until it is done."""
    job = get_object_or_404(ProvisioningJob.objects.select_related("tenant"), pk=pk)
    context = {"job": job, "url": tenant_url(job.tenant) if job.tenant else ""}
    if request.headers.get("HX-Request"):
        return render(request, "console/_tenant_job.html", context)
    return render(request, "console/tenant_job.html", context)


@staff_required
def tenant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _visible_tenant(pk)
    events = audit_events_for(target_type="tenants.Tenant", target_id=str(tenant.pk))[:50]
    context = {"t": tenant, "url": tenant_url(tenant), "events": events}
    return render(request, "console/tenant_detail.html", context)


@staff_required
def tenant_branding(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _visible_tenant(pk)
    initial = {f: getattr(tenant, f) for f in ("primary_colour", "accent_colour", "welcome_text")}
    form = BrandingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tenant_update_branding(tenant=tenant, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("The branding of %(name)s is saved.") % {"name": tenant.name}
            )
            return redirect("tenant-detail", pk=tenant.pk)
    context = {"form": form, "t": tenant}
    return render(
        request, "console/tenant_branding.html", context, status=400 if form.errors else 200
    )


@staff_required
def tenant_messaging(request: HttpRequest, pk: int) -> HttpResponse:
    """SMS on or off, its sender name, and the sending rate of one tenant."""
    tenant = _visible_tenant(pk)
    form = MessagingSettingsForm(request.POST or None, instance=tenant)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.Meta.fields}
        tenant_update_settings(tenant=Tenant.objects.get(pk=pk), actor=request.user, **changed)
        messages.success(request, _("The settings of %(name)s are saved.") % {"name": tenant.name})
        return redirect("tenant-detail", pk=tenant.pk)
    context = {"form": form, "t": tenant}
    return render(
        request, "console/tenant_messaging.html", context, status=400 if form.errors else 200
    )


@staff_required
@require_POST
def tenant_status(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _visible_tenant(pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect("tenant-detail", pk=tenant.pk)
    if form.cleaned_data["action"] == "resume":
        tenant = tenant_resume(tenant=tenant, actor=request.user)
    else:
        status = StatusForm.ACTIONS[form.cleaned_data["action"]]
        tenant = tenant_set_status(tenant=tenant, status=status, actor=request.user)
    messages.success(
        request,
        _("%(name)s is now %(status)s.")
        % {"name": tenant.name, "status": tenant.get_status_display().lower()},
    )
    return redirect("tenant-detail", pk=tenant.pk)


@staff_required
def tenant_sso(request: HttpRequest, pk: int) -> HttpResponse:
    """The tenant's single sign-on providers (kept in the tenant's own schema)."""
    tenant = _visible_tenant(pk)
    with tenant_context(tenant):
        providers = [
            (provider, _callback_url(tenant, provider.slug)) for provider in all_providers()
        ]
    context = {"t": tenant, "providers": providers}
    return render(request, "console/tenant_sso.html", context)


@staff_required
def tenant_sso_provider(
    request: HttpRequest, pk: int, provider_pk: int | None = None
) -> HttpResponse:
    """Add or change one provider. The form, its organisations and the save all run in the
    tenant's schema; the page is rendered there too, as the form's choices are read late."""
    tenant = _visible_tenant(pk)
    with tenant_context(tenant):
        provider = get_object_or_404(Provider, pk=provider_pk) if provider_pk else None
        form = ProviderForm(request.POST or None, instance=provider)
        if request.method == "POST" and form.is_valid():
            try:
                saved = provider_save(
                    provider=form.instance, actor=request.user, created=provider is None
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("The sign-in provider %(name)s is saved.") % {"name": saved.name}
                )
                return redirect("tenant-sso", pk=tenant.pk)
        context = {
            "t": tenant,
            "form": form,
            "provider": provider,
            "callback_url": _callback_url(tenant, provider.slug) if provider else "",
        }
        return render(
            request, "console/tenant_sso_form.html", context, status=400 if form.errors else 200
        )


def _callback_url(tenant: Tenant, slug: str) -> str:
    """The redirect URI to register at the provider."""
    path = reverse("sso-callback", args=[slug], urlconf="config.urls_tenant")
    return tenant_url(tenant, path)


def _visible_tenant(pk: int) -> Tenant:
    return get_object_or_404(Tenant.objects.exclude(schema_name__in=HIDDEN_SCHEMAS), pk=pk)
