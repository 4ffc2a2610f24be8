"""The second factor, enforced on every page of a tenant's site.

After django-otp's OTPMiddleware (which marks `request.user.is_verified()` from the session):
- a session verified by a device, or by a single sign-on whose provider did MFA itself
  (`session["second_factor_sso"]`, set by apps.sso), passes;
- anybody with an authenticator app but an unverified session goes to the code page;
- staff who must use a second factor (admins; coordinators when the tenant says so) and
  have none go to the set-up page before anything else.
Signing out, the two-factor pages themselves, static files and health checks stay open.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from apps.twofactor.selectors import second_factor_state

SSO_SECOND_FACTOR_KEY = "second_factor_sso"  # the contract with apps.sso (it sets it)
OPEN_PREFIXES = ("/static/", "/media/", "/healthz", "/livez", "/i18n/", "/favicon", "/brand.css")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        detour = self._detour(request)
        return detour or self.get_response(request)

    def _detour(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or connection.schema_name == "public":  # type: ignore[attr-defined]
            return None  # the console checks its staff itself (console.decorators)
        if user.is_verified() or request.session.get(SSO_SECOND_FACTOR_KEY):  # type: ignore[attr-defined]
            return None
        if request.path.startswith(OPEN_PREFIXES) or _is_open(request.path):
            return None
        tenant = getattr(request, "tenant", None)
        coordinators_too = bool(getattr(tenant, "coordinators_need_second_factor", False))
        has, required = second_factor_state(user=user, coordinators_too=coordinators_too)
        if has:
            return _redirect(request, "twofactor-verify")
        if required:
            return _redirect(request, "twofactor-setup")
        return None


def _is_open(path: str) -> bool:
    # Not the overview: removing a device or new recovery codes need a verified session.
    # The passkey endpoints are: django-otp-webauthn refuses to register a passkey for
    # someone who has a device but an unverified session, and verifying is their purpose.
    open_paths = {reverse("twofactor-setup"), reverse("twofactor-verify"), reverse("logout")}
    return path in open_paths or path.startswith(reverse("twofactor") + "webauthn/")


def _redirect(request: HttpRequest, name: str) -> HttpResponse:
    target = reverse(name)
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request"):
        # htmx would swap the code page into a fragment; send the whole page there instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)
