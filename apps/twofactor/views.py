import math
from base64 import b32encode
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from apps.accounts.models import User
from apps.twofactor.forms import AppCodeForm, VerifyForm
from apps.twofactor.middleware import SSO_SECOND_FACTOR_KEY
from apps.twofactor.selectors import (
    app_devices,
    has_second_factor,
    may_reset,
    passkeys,
    recovery_codes_left,
    second_factor_required,
    staff_for,
)
from apps.twofactor.services import (
    LastDevice,
    Throttled,
    WrongCode,
    app_remove,
    app_setup_confirm,
    app_setup_start,
    passkey_remove,
    recovery_codes_new,
    second_factor_reset,
    second_factor_verify,
)
from kernel.http import AuthedHttpRequest


@login_required
def overview(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "devices": app_devices(user=user),
        "passkeys": passkeys(user=user),
        "codes_left": recovery_codes_left(user=user),
        "required": _required(request),
        "resets_others": _resets_others(user),
    }
    return render(request, "twofactor/overview.html", context)


@login_required
def setup(request: AuthedHttpRequest) -> HttpResponse:
    """Scan the QR code, type the first code: the app is confirmed, the session verified,
    and (the first time) ten recovery codes are shown, once."""
    user = request.user
    if has_second_factor(user=user) and not _verified(request):
        # Someone with only the password must not add their own app to the account.
        return redirect(_with_next(reverse("twofactor-verify"), request))
    device = app_setup_start(user=user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = app_setup_confirm(
                user=user, device_id=device.pk, token=form.cleaned_data["token"]
            )
        except Throttled as throttled:
            form.add_error("token", _wait_message(throttled))
        except WrongCode:
            form.add_error("token", _("The code is wrong or has expired. Try the newest one."))
        else:
            otp_login(request, device)
            if codes:
                return _codes_page(request, codes, first=True)
            messages.success(request, _("The app is set up."))
            return redirect(_next(request, reverse("twofactor")))
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_inline(
            scale=4, title=_("QR code for your authenticator app"), svgclass="qr-code"
        ),
        "secret": _grouped(b32encode(device.bin_key).decode()),
        "next": _next(request, ""),
        "required": _required(request),
    }
    return render(request, "twofactor/setup.html", context, status=400 if form.errors else 200)


@login_required
def verify(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if _verified(request) or not has_second_factor(user=user):
        return redirect(_next(request, reverse("dashboard")))
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor_verify(user=user, token=form.cleaned_data["token"])
        except Throttled as throttled:
            form.add_error("token", _wait_message(throttled))
        except WrongCode:
            form.add_error("token", _("The code is wrong or has expired."))
        else:
            otp_login(request, device)
            if device.name == "recovery":
                left = recovery_codes_left(user=user)
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)s are left. Make new ones on your account.")
                    % {"left": left},
                )
            return redirect(_next(request, reverse("dashboard")))
    context = {"form": form, "next": _next(request, ""), "passkeys": passkeys(user=user)}
    return render(request, "twofactor/verify.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def recovery_codes(request: AuthedHttpRequest) -> HttpResponse:
    if not has_second_factor(user=request.user):
        raise Http404
    return _codes_page(request, recovery_codes_new(user=request.user), first=False)


@login_required
@require_POST
def app_remove_view(request: AuthedHttpRequest, device_id: int) -> HttpResponse:
    device = get_object_or_404(TOTPDevice, pk=device_id, user=request.user)
    return _remove(request, app_remove, device.pk, _("The app is removed."))


@login_required
@require_POST
def passkey_remove_view(request: AuthedHttpRequest, device_id: int) -> HttpResponse:
    device = get_object_or_404(WebAuthnCredential, pk=device_id, user=request.user)
    return _remove(request, passkey_remove, device.pk, _("The passkey is removed."))


def _remove(request: AuthedHttpRequest, action: Any, device_id: int, done: str) -> HttpResponse:
    # Staff who must use a second factor keep their last one (LastDevice says so).
    try:
        action(user=request.user, device_id=device_id, required=_required(request))
    except LastDevice:
        messages.error(request, _last_factor_message())
    else:
        messages.success(request, done)
    return redirect("twofactor")


@login_required
def staff(request: AuthedHttpRequest) -> HttpResponse:
    """Admins: who has set up two-factor sign-in, and the reset for a lost phone."""
    if not _resets_others(request.user):
        raise Http404
    return render(request, "twofactor/staff.html", {"people": staff_for(actor=request.user)})


@login_required
@require_POST
def reset(request: AuthedHttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    if not may_reset(actor=request.user, person=person):
        raise Http404  # as for another organisation's people: nothing to learn here
    second_factor_reset(actor=request.user, person=person)
    messages.success(
        request,
        _("%(name)s's two-factor sign-in is reset; they set it up again at their next sign-in.")
        % {"name": person.full_name or person.email},
    )
    return redirect("twofactor-staff")


def _last_factor_message() -> str:
    return _("You must use two-factor sign-in: add another app or passkey first.")


def _codes_page(request: HttpRequest, codes: list[str], *, first: bool) -> HttpResponse:
    context = {"codes": codes, "first": first, "next": _next(request, reverse("twofactor"))}
    response = render(request, "twofactor/codes.html", context)
    response["Cache-Control"] = "no-store"  # shown once: not from the back button's cache
    return response


def _verified(request: HttpRequest) -> bool:
    return bool(request.user.is_verified() or request.session.get(SSO_SECOND_FACTOR_KEY))  # type: ignore[union-attr]


def _required(request: AuthedHttpRequest) -> bool:
    tenant = getattr(request, "tenant", None) or connection.tenant  # type: ignore[attr-defined]
    coordinators_too = bool(getattr(tenant, "coordinators_need_second_factor", False))
    return second_factor_required(user=request.user, coordinators_too=coordinators_too)


def _resets_others(user: User) -> bool:
    return bool(user.is_owner_admin or user.roles.filter(role="admin").exists())


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else default


def _with_next(path: str, request: HttpRequest) -> str:
    target = _next(request, "")
    return f"{path}?next={target}" if target else path


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _wait_message(throttled: Throttled) -> str:
    if throttled.until is None:
        return _("Too many wrong codes. Wait a moment and try again.")
    seconds = max(1, math.ceil((throttled.until - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes. Try again in %(seconds)s second.",
        "Too many wrong codes. Try again in %(seconds)s seconds.",
        seconds,
    ) % {"seconds": seconds}
