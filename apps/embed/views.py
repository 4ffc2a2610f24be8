"""The tenant's public opportunities for other web sites: a compact page to show in an
<iframe>, a JSON feed and an oEmbed answer (docs/embedding.md). No sign-in, no cookies read."""

from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.embed.forms import SnippetForm
from apps.embed.origins import allow_framing_by, allow_reading_by
from apps.embed.serializers import FeedEventSerializer
from apps.marketplace.forms import EventFilterForm
from apps.shifts.selectors import marketplace_events
from kernel.http import AuthedHttpRequest, require_site_admin
from tenants.embed import FRAME_HEIGHT, embed_addresses, embed_snippet, frame_title
from tenants.selectors import current_tenant

FILTERS = ("organisation", "category", "limit")
DEFAULT_LIMIT = 20
MAX_LIMIT = 50
FRAME_WIDTH = 600  # oEmbed asks for a width; the snippet itself takes its column's width


def _events(request: HttpRequest) -> list:
    """The marketplace's own list (organisation and category as its filters), the first few."""
    form = EventFilterForm(
        {key: request.GET[key] for key in ("organisation", "category") if request.GET.get(key)}
    )
    try:
        limit = min(max(int(request.GET.get("limit", DEFAULT_LIMIT)), 1), MAX_LIMIT)
    except ValueError:
        limit = DEFAULT_LIMIT
    return list(marketplace_events(filters=form.filters())[:limit])


@require_safe
def embed_page(request: HttpRequest) -> HttpResponse:
    tenant = current_tenant()
    context = {
        "tenant": tenant,
        "events": _events(request),
        "all_url": request.build_absolute_uri(reverse("home")),
    }
    response = render(request, "embed/list.html", context)
    return allow_framing_by(response, tenant.embed_origins)


@require_safe
def feed(request: HttpRequest) -> HttpResponse:
    tenant = current_tenant()
    events = FeedEventSerializer(_events(request), many=True, context={"request": request})
    body = {
        "title": frame_title(tenant),
        "home_page_url": request.build_absolute_uri(reverse("home")),
        "events": events.data,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    return allow_reading_by(request, response, tenant.embed_origins)


@require_safe
def oembed(request: HttpRequest) -> HttpResponse:
    """oEmbed 1.0 (oembed.com): `url` must be this site's embed page, with its filters."""
    tenant = current_tenant()
    if request.GET.get("format", "json") != "json":
        return JsonResponse({"error": _("Only format=json is offered.")}, status=501)
    url = urlsplit(request.GET.get("url", ""))
    page = reverse("embed")
    if url.netloc != request.get_host() or url.path.rstrip("/") != page.rstrip("/"):
        return JsonResponse({"error": _("The url is not this site's embedded page.")}, status=404)
    width = _bounded(request.GET.get("maxwidth"), FRAME_WIDTH)
    height = _bounded(request.GET.get("maxheight"), FRAME_HEIGHT)
    filters = [(k, v) for k, v in parse_qsl(url.query) if k in FILTERS]  # nothing else passes
    src = embed_addresses(request, urlencode(filters))["page"]
    title = frame_title(tenant)
    body = {
        "version": "1.0",
        "type": "rich",
        "title": title,
        "provider_name": tenant.name,
        "provider_url": request.build_absolute_uri(reverse("home")),
        "width": width,
        "height": height,
        "html": embed_snippet(src=src, title=title, height=height),
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _bounded(value: str | None, largest: int) -> int:
    try:
        return min(max(int(value or largest), 100), largest)
    except ValueError:
        return largest


@login_required
@require_safe
def snippet_page(request: AuthedHttpRequest) -> HttpResponse:
    """The system owner's admin: the snippet for all opportunities or one organisation's or
    category's, with the feed and oEmbed addresses (the site settings page links here)."""
    require_site_admin(request)
    tenant = current_tenant()
    form = SnippetForm(request.GET or None)
    query = urlencode(form.filters()) if form.is_valid() else ""
    addresses = embed_addresses(request, query)
    context = {
        "form": form,
        "addresses": addresses,
        "snippet": embed_snippet(src=addresses["page"], title=frame_title(tenant)),
        "origins": tenant.embed_origins,
    }
    return render(request, "embed/snippet.html", context)


@cache
def _resize_source() -> bytes:
    return (settings.BASE_DIR / "static" / "js" / "embed-resize.js").read_bytes()


@require_safe
def resize_script(request: HttpRequest) -> HttpResponse:
    """The snippet's script, at an address that stays the same across deploys (a static
    file's name carries its hash): host pages keep it for an hour."""
    response = HttpResponse(_resize_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
