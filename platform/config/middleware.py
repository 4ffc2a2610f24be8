"""Per-request tenant context (status page, time zone, language, Sentry tag), staff's
idle sign-out, and the one place a refused coordinator action becomes a 404."""

import zoneinfo
from collections.abc import Callable

import sentry_sdk
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from apps.organisations.permissions import NotCoordinator
from apps.organisations.sessions import session_idle_over
from kernel.sessions import clock_idle_over

ALWAYS_OPEN_PATHS = ("/healthz", "/livez", "/static/", "/i18n/", "/brand.css")
API_PREFIX = "/api/"
PROBLEM_TYPE = "application/problem+json"  # RFC 9457, as apps.api.problems


def _closed_page(request: HttpRequest, tenant: object) -> HttpResponse:
    """The closed site: the suspended page, or for the API a problem document (a program
    reading JSON should not get an HTML page)."""
    if request.path.startswith(API_PREFIX):
        detail = _("This site is closed. Contact the site's owner.")
        return _problem(503, "site_closed", "Service Unavailable", detail)
    return render(request, "tenants/suspended.html", {"tenant": tenant}, status=503)


def _problem(status: int, code: str, title: str, detail: str) -> HttpResponse:
    body = {
        "type": f"urn:tovholder:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    return JsonResponse(body, status=status, content_type=PROBLEM_TYPE)


class TenantContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        schema = tenant.schema_name if tenant else "public"
        sentry_sdk.set_tag("tenant", schema)
        language = _language_for(request, tenant)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        timezone.activate(zoneinfo.ZoneInfo(tenant.timezone if tenant else settings.TIME_ZONE))
        try:
            response = self._respond(request, tenant)
        finally:
            # Whatever runs next on this thread (a request, a task, a test) starts from the
            # defaults, not from this visitor's language and time zone.
            translation.deactivate()
            timezone.deactivate()
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response

    def _respond(self, request: HttpRequest, tenant: object | None) -> HttpResponse:
        closed = tenant is not None and tenant.is_closed  # type: ignore[attr-defined]
        # An archived tenant is read-only for its admins (ArchivedReadOnly, later on: it
        # needs to know who is signed in), closed for everyone else.
        archived = closed and getattr(tenant, "status", "") == "archived"
        if closed and not archived and not request.path.startswith(ALWAYS_OPEN_PATHS):
            return _closed_page(request, tenant)
        return self.get_response(request)


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Signing in (and out) writes a session and perhaps a second factor: open on an archived site.
_SIGN_IN_NAMES = ("login", "logout", "twofactor-verify", "twofactor-setup")
_SIGN_IN_PREFIXES = ("/sso/", "/tofaktor/webauthn/")
_ARCHIVED_NOTICE = "archived_notice_shown"


class ArchivedReadOnly:
    """An archived tenant (cancelled, tenants.offboarding) during its notice period: its
    admins may sign in and read everything, to take their data with them; nothing can be
    changed, and everyone else sees the closed page. After AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.status != "archived" or _always_open(request):
            return self.get_response(request)
        user = request.user
        if not (user.is_authenticated and getattr(user, "is_owner_admin", False)):
            return _closed_page(request, tenant)
        if request.method not in SAFE_METHODS:
            if request.path.startswith(API_PREFIX):
                detail = _("This site has been closed and is read-only: nothing can be changed.")
                return _problem(403, "read_only", "Forbidden", detail)
            from tenants.offboarding import notice_ends

            context = {"tenant": tenant, "notice_ends": notice_ends(tenant)}
            return render(request, "tenants/read_only.html", context, status=403)
        if not request.session.get(_ARCHIVED_NOTICE):  # said once per session, not per page
            request.session[_ARCHIVED_NOTICE] = True
            messages.warning(
                request,
                _(
                    "This site has been closed and is read-only: you can read and download your "
                    "data, but nothing can be changed."
                ),
            )
        return self.get_response(request)


def _always_open(request: HttpRequest) -> bool:
    if request.path.startswith(ALWAYS_OPEN_PATHS + _SIGN_IN_PREFIXES):
        return True
    urlconf = getattr(request, "urlconf", None)
    return request.path in {reverse(name, urlconf=urlconf) for name in _SIGN_IN_NAMES}


class IdleSignOut:
    """Staff are signed out after the tenant's `staff_idle_minutes` without a request, and
    sent to sign in with a message saying why; volunteers' sessions last 14 days from their
    last request (apps/organisations/sessions.py). The vendor's staff in the console (the
    public schema: every tenant's data within reach) after CONSOLE_IDLE_MINUTES."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if getattr(connection, "schema_name", "public") == "public":
            minutes = settings.CONSOLE_IDLE_MINUTES
            idle = clock_idle_over(request.session, minutes=minutes)
        else:
            minutes = request.tenant.staff_idle_minutes  # type: ignore[attr-defined]
            idle = session_idle_over(request, user, minutes)
        if idle:
            return _signed_out(request, minutes)
        return self.get_response(request)


def _signed_out(request: HttpRequest, minutes: int) -> HttpResponse:
    logout(request)
    text = _("You were signed out after %(minutes)s minutes without activity. Sign in again.")
    messages.info(request, text % {"minutes": minutes})
    # The console's sign-in or the tenant site's: the URLconf django-tenants chose.
    sign_in = reverse(settings.LOGIN_URL, urlconf=getattr(request, "urlconf", None))
    if request.headers.get("HX-Request"):  # htmx would swap the sign-in page in
        response = HttpResponse(status=204)
        response["HX-Redirect"] = sign_in
        return response
    return redirect_to_login(request.get_full_path(), sign_in)


class NotCoordinatorAs404:
    """The one place a refused coordinator action becomes an answer: 404, not 403, so
    nobody learns that another organisation's event, message or member exists."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotCoordinator):
            raise Http404 from exception


def _language_for(request: HttpRequest, tenant: object | None) -> str:
    # The visitor's own choice (language cookie) wins; otherwise the tenant's locale.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    available = {code for code, _ in settings.LANGUAGES}
    if chosen in available:
        return str(chosen)
    return getattr(tenant, "locale", None) or settings.LANGUAGE_CODE


class PermissionsPolicyMiddleware:
    """Permissions-Policy, which Django's SecurityMiddleware does not set (settings.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
