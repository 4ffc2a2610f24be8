"""The request of a view behind login_required, for the type checker.

At run time it is the ordinary HttpRequest; the annotation says what login_required
guarantees, so `request.user` is a `User` without a cast or a `# type: ignore`.
"""

from typing import TYPE_CHECKING

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
