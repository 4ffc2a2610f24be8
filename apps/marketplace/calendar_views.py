"""iCalendar feeds (RFC 5545), built by apps.shifts.calendars. Thin: look up, build, send."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from apps.shifts.calendars import (
    calendar_owner,
    calendar_token_reset,
    personal_calendar,
    public_calendar,
    shift_calendar,
    shift_for_download,
)
from kernel.http import AuthedHttpRequest

CONTENT_TYPE = "text/calendar; charset=utf-8"


# No login: calendar apps cannot sign in, so the unguessable token in the URL is the secret.
# Shared caches must not keep it.
@require_safe
@cache_control(private=True)
def personal_feed(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    user = calendar_owner(token=token)
    if user is None:
        raise Http404
    return HttpResponse(personal_calendar(user=user), content_type=CONTENT_TYPE)


@login_required
@require_POST
def personal_feed_reset(request: AuthedHttpRequest) -> HttpResponse:
    calendar_token_reset(user=request.user)
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("my-shifts")


@require_safe
@cache_control(private=True)
def shift_ics(request: HttpRequest, shift_id: int) -> HttpResponse:
    shift = shift_for_download(shift_id=shift_id, user=request.user)
    if shift is None:
        raise Http404
    response = HttpResponse(shift_calendar(shift=shift), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="vagt-{shift.pk}.ics"'
    return response


@require_safe
def public_feed(request: HttpRequest) -> HttpResponse:
    return HttpResponse(public_calendar(), content_type=CONTENT_TYPE)
