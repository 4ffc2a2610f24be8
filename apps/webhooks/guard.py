"""The SSRF guard: a webhook goes only to public internet addresses.

The host is resolved and every address it resolves to is checked, at registration and
again before each delivery (DNS may change between the two). Private, loopback,
link-local (169.254.169.254: cloud metadata), multicast, reserved and unspecified
addresses are refused, unless the operator sets WEBHOOKS_ALLOW_PRIVATE (a test's local
receiver, an intranet installation). The delivery then connects to the very address that
was checked (delivery.py), so a second, different DNS answer cannot slip in between.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class Refused(ValueError):
    """The address may not be called; the message is for the admin."""


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def checked_address(url: str) -> tuple[str, int, str]:
    """(host, port, the resolved address to connect to) for a URL that may be called."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("Use an address that starts with https:// or http://."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Refused(_("The host name could not be found.")) from error
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]
    if not addresses:
        raise Refused(_("The host name could not be found."))
    allowed = getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False)
    if not allowed and not all(_is_public(address) for address in addresses):
        raise Refused(
            _("The address points to a private or local network, where webhooks are not sent.")
        )
    return parts.hostname, port, str(addresses[0])
