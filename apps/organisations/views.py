"""Organisations: the system owner approves them; their admins invite coordinators.
The organisation's page (its members, requests and roles) is apps.members.views, the layer
above. Everyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.organisations.forms import InviteForm, OrganisationForm
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator
from apps.organisations.selectors import organisations_coordinated_by
from apps.organisations.services.roles import (
    organisation_approve,
    organisation_register,
    role_invite,
)
from kernel.http import AuthedHttpRequest


@login_required
def organisation_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    pending = Organisation.objects.filter(is_approved=False) if user.is_owner_admin else []
    context = {"mine": organisations_coordinated_by(user=user), "pending": pending}
    return render(request, "organisations/list.html", context)


@login_required
def organisation_new(request: AuthedHttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = organisation_register(actor=request.user, **form.cleaned_data)
        text = (
            _("%(name)s is registered.")
            if org.is_approved
            else _("%(name)s is registered and waits for the municipality's approval.")
        )
        messages.success(request, text % {"name": org.name})
        return redirect("organisation", org.pk)
    return render(
        request, "organisations/new.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def organisation_approve_view(request: AuthedHttpRequest, org_id: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=org_id)
    try:
        organisation_approve(actor=request.user, organisation=org)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("%(name)s is approved.") % {"name": org.name})
    return redirect("organisations")


@login_required
@require_POST
def organisation_invite(request: AuthedHttpRequest, org_id: int) -> HttpResponse:
    org = _coordinated(request, org_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a name, an email and a role."))
        return redirect("organisation", org.pk)
    try:
        role_invite(actor=request.user, organisation=org, **form.cleaned_data)
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request, _("%(email)s is invited and gets a sign-in link.") % form.cleaned_data
    )
    return redirect("organisation", org.pk)


def _coordinated(request: AuthedHttpRequest, org_id: int) -> Organisation:
    org = Organisation.objects.filter(pk=org_id).first()
    if org is None:
        raise Http404
    require_coordinator(request.user, org)
    return org
