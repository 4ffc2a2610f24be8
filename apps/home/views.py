"""The home page after sign-in: a section for each of the person's roles. Thin: read, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.home.forms import ChecklistForm
from apps.home.selectors import home_for
from apps.home.services import checklist_dismiss
from apps.marketplace.forms import CancelForm
from kernel.http import AuthedHttpRequest
from tenants.selectors import current_tenant


@login_required
def dashboard(request: AuthedHttpRequest) -> HttpResponse:
    home = home_for(user=request.user, tenant=current_tenant())
    return render(request, "home/dashboard.html", {"home": home, "cancel_form": CancelForm()})


@login_required
@require_POST
def checklist(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    form = ChecklistForm(request.POST)
    if not user.is_owner_admin or not form.is_valid():
        raise Http404
    hide = form.cleaned_data["hide"]
    checklist_dismiss(user=user, dismissed=hide)
    if hide:
        messages.success(request, _("The checklist is put away. This month's figures show here."))
    return redirect("dashboard")
