"""The request of a view behind login_required, for the type checker.

At run time it is the ordinary HttpRequest; the annotation says what login_required
guarantees, so `request.user` is a `User` without a cast or a `# type: ignore`.
"""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:  # the kernel imports no app; the annotation only
    from apps.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: "User"
