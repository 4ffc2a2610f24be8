"""A person signs in with their tenant's OpenID Connect provider: out to the provider, back
to the callback. Every failure is a Danish page saying what to do, never a 500."""

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.sso.models import Provider
from apps.sso.selectors import enabled_provider
from apps.sso.services import (
    SECOND_FACTOR_KEY,
    SsoRefused,
    sign_in_finish,
    sign_in_start,
)


@never_cache
@require_GET
def start(request: HttpRequest, slug: str) -> HttpResponse:
    provider = enabled_provider(slug)
    if provider is None:
        return _refused(request, None, SsoRefused("unknown_provider"), status=404)
    next_path = _safe_next(request, request.GET.get("next"))
    try:
        url = sign_in_start(
            session=request.session,
            provider=provider,
            redirect_uri=_redirect_uri(request, provider),
            next_path=next_path,
        )
    except SsoRefused as exc:
        return _refused(request, provider, exc)
    return redirect(url)


@never_cache
@require_GET
def callback(request: HttpRequest, slug: str) -> HttpResponse:
    provider = enabled_provider(slug)
    if provider is None:
        return _refused(request, None, SsoRefused("unknown_provider"), status=404)
    params = {key: request.GET.get(key, "") for key in ("state", "code", "error", "iss")}
    try:
        user, next_path, second_factor = sign_in_finish(
            session=request.session,
            provider=provider,
            redirect_uri=_redirect_uri(request, provider),
            params=params,
        )
    except SsoRefused as exc:
        return _refused(request, provider, exc)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    # After login(): signing in as someone else starts a new session. The flag is the
    # contract with apps.twofactor; a provider without MFA must not leave an old one.
    if second_factor:
        request.session[SECOND_FACTOR_KEY] = True
    else:
        request.session.pop(SECOND_FACTOR_KEY, None)
    return redirect(next_path or reverse("dashboard"))


def _redirect_uri(request: HttpRequest, provider: Provider) -> str:
    """The address registered at the provider: https://<tenant host>/sso/<slug>/retur/."""
    return request.build_absolute_uri(reverse("sso-callback", args=[provider.slug]))


def _safe_next(request: HttpRequest, target: str | None) -> str:
    # Only a path on this host: the button's `next` must not become an open redirect.
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target and target != reverse("home") else ""


def _refused(
    request: HttpRequest, provider: Provider | None, refusal: SsoRefused, *, status: int = 400
) -> HttpResponse:
    if refusal.reason == "provider_unreachable":
        status = 502
    elif refusal.reason == "unavailable":  # our cache (Redis) is down
        status = 503
    context = {"provider": provider, "message": refusal.message}
    return render(request, "sso/refused.html", context, status=status)
