"""What a key may do: read everywhere its scope reaches; write only with a write key.

Views say whether they answer without a key (`public = True`: the public events and what
hangs under them). Which rows a key sees is the selectors' business (apps/api/selectors.py).
"""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from apps.api.models import ApiKey

if TYPE_CHECKING:
    from rest_framework.views import APIView


class KeyScope(BasePermission):
    def has_permission(self, request: Request, view: "APIView") -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            if request.method in SAFE_METHODS and getattr(view, "public", False):
                return True
            raise exceptions.NotAuthenticated(_("This needs an API key."))
        if request.method not in SAFE_METHODS and not key.writes:
            raise exceptions.PermissionDenied(_("This API key may only read."))
        return True
