from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from kernel.http import AuthedHttpRequest, require_site_admin
from tenants.embed import embed_addresses, embed_snippet, frame_title
from tenants.forms import SiteSettingsForm
from tenants.selectors import current_tenant
from tenants.services import tenant_update_settings


def unknown_host(request: HttpRequest) -> HttpResponse:
    """No system owner has this host name: say so kindly instead of a bare 404."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        return render(
            request, "tenants/unknown_host.html", {"host": request.get_host()}, status=404
        )


@login_required
def site_settings(request: AuthedHttpRequest) -> HttpResponse:
    """The system owner's admin sets the site's rules for sign-ups and reminders."""
    require_site_admin(request)
    tenant = current_tenant()
    form = SiteSettingsForm(request.POST or None, instance=tenant)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.Meta.fields}
        tenant_update_settings(tenant=tenant, actor=request.user, **changed)
        messages.success(request, _("The settings are saved."))
        return redirect("site-settings")
    addresses = embed_addresses(request)
    context = {
        "form": form,
        "addresses": addresses,
        "snippet": embed_snippet(src=addresses["page"], title=frame_title(tenant)),
    }
    return render(request, "tenants/site_settings.html", context)


def brand_css(request: HttpRequest) -> HttpResponse:
    """The tenant's colours as CSS custom properties: a stylesheet, not an inline <style>,
    so the Content-Security-Policy can say style-src 'self' and nothing more. Pages link it
    with the colours in the query, so a new colour is a new URL and this one can be cached."""
    tenant = current_tenant()
    colours = f"--brand-primary: {tenant.primary_colour}; --brand-accent: {tenant.accent_colour};"
    body = f":root {{ {colours} }}\n"
    response = HttpResponse(body, content_type="text/css; charset=utf-8")
    versioned = request.GET.get("v") == brand_version(tenant)
    response["Cache-Control"] = "public, max-age=31536000, immutable" if versioned else "no-cache"
    return response


def brand_version(tenant: object) -> str:
    # Colours are validated as #rrggbb when saved, so they make a short, URL-safe version.
    return f"{tenant.primary_colour}{tenant.accent_colour}".replace("#", "")  # type: ignore[attr-defined]
