from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django_otp import user_has_device


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
    if settings.CONSOLE_REQUIRE_2FA or user_has_device(user):
        return bool(user.is_verified())
    return True
