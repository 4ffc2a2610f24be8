from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_totp.models import TOTPDevice


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Vendor staff only; verified by a second factor where they have one (or it is required)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_staff and _second_factor_ok(user)):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _second_factor_ok(user: Any) -> bool:
    # Vendor staff use an authenticator app (manage.py console_totp); asking only its table
    # keeps each page at one query, now that tenant sites add recovery codes and passkeys.
    has_app = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if settings.CONSOLE_REQUIRE_2FA or has_app:
        return bool(user.is_verified())
    return True
