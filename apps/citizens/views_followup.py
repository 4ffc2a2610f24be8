"""Follow-up pages of a match: a coordinator logs a check-in, a volunteer raises a concern.
Thin, as views.py: parse, call one service, answer; 404 for whoever may not see it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from apps.citizens.forms import CheckInForm, ConcernForm
from apps.citizens.models import CheckIn, CitizenMatch
from apps.citizens.services.followups import checkin_log, concern_raise
from apps.organisations.permissions import require_coordinator
from kernel.http import AuthedHttpRequest


@login_required
def checkin(request: AuthedHttpRequest, checkin_id: int) -> HttpResponse:
    row = get_object_or_404(
        CheckIn.objects.select_related("match__referral__programme__organisation"),
        pk=checkin_id,
    )
    require_coordinator(request.user, row.match.referral.programme.organisation)
    if request.method == "POST":
        form = CheckInForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Write a short note about the check-in."))
            checkin_log(actor=request.user, checkin=row, note=form.cleaned_data["note"])
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, _("The check-in is logged."))
    return redirect("citizens-referral", row.match.referral_id)


@login_required
def concern(request: AuthedHttpRequest, match_id: int) -> HttpResponse:
    match = get_object_or_404(
        CitizenMatch.objects.select_related("referral__programme"),
        pk=match_id,
        volunteer=request.user,
    )
    if request.method == "POST":
        form = ConcernForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Tell us what worries you."))
            concern_raise(actor=request.user, match=match, text=form.cleaned_data["text"])
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(
                request, _("Thank you for telling us. The coordinator will contact you.")
            )
    return redirect("citizens-proposal", match.pk)
