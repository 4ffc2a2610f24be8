"""The page API-nøgler: make a key (shown once), see when each was last used, revoke one.

For the system owner's admins (every organisation's keys, and site-wide ones) and
organisations' admins (their organisations' keys)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.api import selectors, services
from apps.api.forms import ApiKeyForm
from apps.api.models import ApiKey
from kernel.http import AuthedHttpRequest


@login_required
def keys(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    organisations = selectors.organisations_keyed_by(user=user)
    if not (user.is_owner_admin or organisations):
        raise Http404
    form = ApiKeyForm(
        request.POST or None, organisations=organisations, site_wide=user.is_owner_admin
    )
    token = ""
    if request.method == "POST" and form.is_valid():
        _key, token = services.api_key_create(
            actor=user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            organisation=form.chosen_organisation(),
            expires_at=form.expires_at(),
        )
        form = ApiKeyForm(organisations=organisations, site_wide=user.is_owner_admin)
    context = {
        "form": form,
        "token": token,
        "keys": selectors.keys_managed_by(user=user),
        "now": timezone.now(),
    }
    response = render(request, "api/keys.html", context)
    response["Cache-Control"] = "no-store"  # the new key is shown once: not from a cache
    return response


@login_required
@require_POST
def revoke(request: AuthedHttpRequest, key_id: int) -> HttpResponse:
    if not selectors.keys_managed_by(user=request.user).filter(pk=key_id).exists():
        raise Http404
    key: ApiKey = services.api_key_revoke(actor=request.user, key_id=key_id)
    messages.success(request, _("The key %(name)s is revoked.") % {"name": key.name})
    return redirect("api-keys")
