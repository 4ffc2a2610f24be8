"""The page Webhooks: register an endpoint (its secret shown once), switch one off, and
read the delivery log. For the system owner's admins (every endpoint, and site-wide ones)
and organisations' admins (their organisations' endpoints)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.webhooks import guard, selectors, services
from apps.webhooks.forms import EndpointForm
from kernel.http import AuthedHttpRequest


@login_required
def endpoints(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    organisations = selectors.organisations_managed_by(user=user)
    if not (user.is_owner_admin or organisations):
        raise Http404
    form = EndpointForm(
        request.POST or None, organisations=organisations, site_wide=user.is_owner_admin
    )
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(
                actor=user,
                url=form.cleaned_data["url"],
                kinds=form.cleaned_data["kinds"],
                organisation=form.chosen_organisation(),
            )
        except guard.Refused as error:  # DNS changed since the form looked
            form.add_error("url", str(error))
        else:
            secret = endpoint.secret
            form = EndpointForm(organisations=organisations, site_wide=user.is_owner_admin)
    context = {
        "form": form,
        "secret": secret,
        "endpoints": list(selectors.endpoints_managed_by(user=user)),
        "log": selectors.delivery_log(user=user),
    }
    response = render(request, "webhooks/endpoints.html", context)
    response["Cache-Control"] = "no-store"  # the secret is shown once: not from a cache
    return response


@login_required
@require_POST
def deactivate(request: AuthedHttpRequest, endpoint_id: int) -> HttpResponse:
    if not selectors.endpoints_managed_by(user=request.user).filter(pk=endpoint_id).exists():
        raise Http404
    endpoint = services.endpoint_deactivate(actor=request.user, endpoint_id=endpoint_id)
    messages.success(request, _("Webhooks to %(url)s are switched off.") % {"url": endpoint.url})
    return redirect("webhooks")
