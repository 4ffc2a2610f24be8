"""Request helpers: the request of a view behind login_required, for the type checker;
the client's address behind the ingress.

AuthedHttpRequest: at run time it is the ordinary HttpRequest; the annotation says what
login_required guarantees, so `request.user` is a `User` without a cast or a `# type: ignore`.
"""

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import Http404, HttpRequest

if TYPE_CHECKING:  # the kernel imports no app; the annotation only
    from apps.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: "User"


def require_site_admin(request: AuthedHttpRequest) -> None:
    """Pages for the system owner's admins only (site settings, message kinds, legal
    pages, privacy and retention): anyone else is told there is no such page."""
    if not request.user.is_owner_admin:
        raise Http404


def client_ip(request: HttpRequest) -> str:
    """The address of the person's side of the connection, as far as we can trust it.

    Behind TRUSTED_PROXY_COUNT proxies (the ingress: 1 in production) each proxy appends
    the address it was reached from to X-Forwarded-For, so the client is that many entries
    from the right; anything further left was written by the client and may be made up.
    With 0 (development, docker-compose without a proxy) the header is ignored entirely.
    A missing or malformed header falls back to REMOTE_ADDR, never to the header's word.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 (a label only)
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    # Fewer entries than proxies: every entry was added by one of ours; take the farthest.
    candidate = forwarded[-hops] if len(forwarded) >= hops else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def ip_identity(address: str) -> str:
    """What a per-IP limit counts: the address, or its /64 network for IPv6 (one home or
    one attacker gets a whole /64, and would otherwise have 2**64 fresh addresses)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is 192.0.2.1
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
