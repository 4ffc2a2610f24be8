"""The account page's "withdraw" buttons (the list itself is on apps.accounts' page)."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.legal.models import Consent
from apps.privacy.services.consents import consent_withdraw_and_honour
from kernel.http import AuthedHttpRequest


@require_POST
@login_required
def consent_withdraw_view(request: AuthedHttpRequest, consent_id: int) -> HttpResponse:
    try:
        consent = consent_withdraw_and_honour(user=request.user, consent_id=consent_id)
    except Consent.DoesNotExist:
        raise Http404 from None  # someone else's, or none: the same answer
    except ValidationError as error:
        for text in error.messages:
            flash.error(request, text)
    else:
        flash.success(
            request,
            _("You have withdrawn your consent: %(purpose)s.")
            % {"purpose": consent.get_purpose_display()},
        )
    return redirect("account")
