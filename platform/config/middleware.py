"""Per-request tenant context (status page, time zone, language, Sentry tag) and the one
place a refused coordinator action becomes a 404."""

import zoneinfo
from collections.abc import Callable

import sentry_sdk
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from apps.organisations.permissions import NotCoordinator

ALWAYS_OPEN_PATHS = ("/healthz", "/livez", "/static/", "/i18n/", "/brand.css")


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
        if closed and not request.path.startswith(ALWAYS_OPEN_PATHS):
            return render(request, "tenants/suspended.html", {"tenant": tenant}, status=503)
        return self.get_response(request)


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
