"""The <iframe> a system owner pastes into its own web site (apps/embed shows the page;
docs/embedding.md). Here, below apps, so that the site settings page can show it too."""

from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

FRAME_HEIGHT = 600  # about four opportunities; the list scrolls inside the frame beyond that


def frame_title(tenant: object) -> str:
    return _("Volunteer opportunities at %(name)s") % {"name": tenant.name}  # type: ignore[attr-defined]


def embed_snippet(*, src: str, title: str, height: int = FRAME_HEIGHT) -> SafeString:
    """A title for screen readers, lazy loading, the full width of the column it sits in;
    and the script (from the tenant's own host) that fits the frame's height to the list,
    which the list reports by postMessage. Without the script, `height` stays."""
    parts = urlsplit(src)
    script = f"{parts.scheme}://{parts.netloc}{reverse('embed-resize')}"
    return format_html(
        '<iframe src="{}" title="{}" loading="lazy" width="100%" height="{}" '
        'style="border:0;max-width:100%" data-tovholder-embed></iframe>'
        '<script src="{}" async></script>',
        src,
        title,
        height,
        script,
    )


def embed_addresses(request: HttpRequest, query: str = "") -> dict[str, str]:
    """The page, the feed and the oEmbed address on this tenant's host, with the filters."""
    suffix = f"?{query}" if query else ""
    page = request.build_absolute_uri(reverse("embed")) + suffix
    return {
        "page": page,
        "feed": request.build_absolute_uri(reverse("embed-feed")) + suffix,
        "oembed": request.build_absolute_uri(reverse("embed-oembed"))
        + "?"
        + urlencode({"url": page, "format": "json"}),
    }
