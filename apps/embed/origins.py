"""Who may show the embed page and read its feed: the origins the tenant listed in its site
settings (Tenant.embed_origins). The framing rule goes in the page's own CSP header; every
other page keeps frame-ancestors 'none' and X-Frame-Options DENY (settings.py)."""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from tenants.validators import embed_origin_matches


def allow_framing_by(response: HttpResponse, origins: list[str]) -> HttpResponse:
    """Let exactly `origins` frame this one response. None listed: nobody, as every page."""
    if origins:
        response._csp_replace = {"frame-ancestors": list(origins)}  # type: ignore[attr-defined]
        # X-Frame-Options cannot name origins; browsers that know frame-ancestors obey it
        # and ignore X-Frame-Options, so the header would only break the allowed sites.
        response.xframe_options_exempt = True
    return response


def allow_reading_by(
    request: HttpRequest, response: HttpResponse, origins: list[str]
) -> HttpResponse:
    """CORS for the feed: the asking origin is named back if it is listed, else nothing."""
    origin = request.headers.get("Origin", "")
    if origin and any(embed_origin_matches(allowed, origin) for allowed in origins):
        response["Access-Control-Allow-Origin"] = origin
    patch_vary_headers(response, ("Origin",))
    return response
