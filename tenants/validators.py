"""Rules for what a system owner may be called and how its instance may look."""

import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# Names that would clash with the platform's own hosts or PostgreSQL's schemas.
RESERVED_SLUGS = frozenset(
    {"www", "console", "public", "api", "admin", "tenant_template", "information_schema"}
)
SLUG_RE = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
HOST_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
HEX_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = "#ffffff"
AA_NORMAL_TEXT = 4.5


def validate_slug(value: str) -> None:
    if not SLUG_RE.match(value):
        raise ValidationError(
            _(
                "Use 2–63 characters: lower-case letters a–z, digits and underscores, "
                "starting with a letter (no æ, ø, å or hyphens)."
            ),
            code="invalid_slug",
        )
    if value in RESERVED_SLUGS or value.startswith("pg_"):
        raise ValidationError(
            _("“%(slug)s” is reserved by the platform. Choose another name."),
            code="reserved_slug",
            params={"slug": value},
        )


def validate_domain(value: str) -> None:
    labels = value.split(".")
    if len(value) > 253 or len(labels) < 2 or not all(HOST_LABEL_RE.match(x) for x in labels):
        raise ValidationError(
            _(
                "“%(domain)s” is not a valid host name. Use lower-case letters, digits, "
                "hyphens and dots, for example frivillig.nyborg.dk."
            ),
            code="invalid_domain",
            params={"domain": value},
        )
    if labels[0] in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(domain)s” starts with a reserved name."),
            code="reserved_domain",
            params={"domain": value},
        )


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(tz)s” is not a known time zone, e.g. Europe/Copenhagen."),
            code="invalid_timezone",
            params={"tz": value},
        )


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def validate_brand_colour(value: str) -> None:
    """Brand colours carry white text (buttons, header) and colour links on white pages."""
    if not HEX_COLOUR_RE.match(value):
        raise ValidationError(
            _("Write the colour as # and six hex digits, e.g. #004b87."),
            code="invalid_colour",
        )
    ratio = contrast_ratio(value, WHITE)
    if ratio < AA_NORMAL_TEXT:
        raise ValidationError(
            _(
                "%(colour)s against white text has a contrast of %(ratio)s:1; WCAG 2.1 AA "
                "needs at least 4.5:1. Choose a darker colour."
            ),
            code="low_contrast",
            params={"colour": value, "ratio": number_format(ratio, 2)},
        )


# An origin a tenant lets frame its embed page (apps/embed, docs/embedding.md): https, a host
# name (or `*.` and a host name: its subdomains) and perhaps a port; no path, no query.
_EMBED_ORIGIN_RE = re.compile(
    r"^https://(\*\.)?(?P<host>[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+)(:(?P<port>[0-9]{1,5}))?/?$"
)
# Developers and the browser test serve the embedding page over plain http on loopback.
_LOOPBACK_ORIGIN_RE = re.compile(r"^http://(localhost|127\.0\.0\.1)(:[0-9]{1,5})?/?$")


def embed_origin(value: str, *, allow_loopback_http: bool = False) -> str:
    """The origin as a browser writes it (lower case, no trailing slash), or a Danish-first
    ValidationError saying what to write instead."""
    origin = value.strip().lower().rstrip("/")
    if allow_loopback_http and _LOOPBACK_ORIGIN_RE.match(origin):
        return origin
    if origin.startswith("http://"):
        raise ValidationError(
            _("“%(origin)s”: only https addresses may show the embedded page."),
            code="embed_not_https",
            params={"origin": value},
        )
    match = _EMBED_ORIGIN_RE.match(origin + "/")
    port = match and match.group("port")
    labels = match.group("host").split(".") if match else []
    if not match or not all(HOST_LABEL_RE.match(x) for x in labels) or int(port or 1) > 65535:
        raise ValidationError(
            _(
                "“%(origin)s” is not a web site address. Write https:// and the host name, "
                "for example https://www.nyborg.dk or https://*.nyborg.dk for all its "
                "subdomains, without a path."
            ),
            code="embed_invalid_origin",
            params={"origin": value},
        )
    return origin


def embed_origin_matches(allowed: str, origin: str) -> bool:
    """Whether a browser's Origin header is one of the allowed origins (`*.` any subdomain)."""
    if "://*." not in allowed:
        return origin == allowed
    scheme, rest = allowed.split("://*.", 1)
    prefix = f"{scheme}://"
    return (
        origin.startswith(prefix)
        and origin.endswith("." + rest)
        and "/" not in origin[len(prefix) :]
    )
