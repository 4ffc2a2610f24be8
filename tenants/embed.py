"""The <iframe> a system owner pastes into its own web site (apps/embed shows the page;
docs/embedding.md). Here, below apps, so that the site settings page can show it too."""

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

FRAME_HEIGHT = 600  # about four opportunities; the list scrolls inside the frame beyond that


def frame_title(tenant: object) -> str:
    return _("Volunteer opportunities at %(name)s") % {"name": tenant.name}  # type: ignore[attr-defined]


def embed_snippet(*, src: str, title: str, height: int = FRAME_HEIGHT) -> SafeString:
    """A title for screen readers, lazy loading, the full width of the column it sits in."""
    return format_html(
        '<iframe src="{}" title="{}" loading="lazy" width="100%" height="{}" '
        'style="border:0;max-width:100%"></iframe>',
        src,
        title,
        height,
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
