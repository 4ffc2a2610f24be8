"""Who is asking: `Authorization: Bearer tvh_…` names an API key, or nobody (public reads).

A key counts when it is not revoked, not expired, and its maker still holds the role that
let them make it (the system owner's admin; or an admin of the key's organisation): a
person who leaves takes their keys' power with them. One query finds the key and checks
the role. Last use is written at most once a minute, with an UPDATE that touches only
rows older than that, so a busy key costs one write a minute, not one a request.
"""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from apps.api import tokens
from apps.api.models import ApiKey
from apps.organisations.models import OrganisationRole

TOUCH_EVERY = timedelta(minutes=1)


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[AnonymousUser, ApiKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise exceptions.AuthenticationFailed(
                _("Send the key as: Authorization: Bearer <key>.")
            )
        key = key_for(token.strip())
        if key is None:
            raise exceptions.AuthenticationFailed(_("This API key is unknown, expired or revoked."))
        return AnonymousUser(), key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


def key_for(token: str) -> ApiKey | None:
    """The working key this text names, or None (unknown, wrong secret, expired, revoked,
    or its maker lost the role)."""
    prefix = tokens.prefix_of(token)
    if prefix is None:
        return None
    now = timezone.now()
    admin_of_org = OrganisationRole.objects.filter(
        user_id=OuterRef("created_by_id"),
        organisation_id=OuterRef("organisation_id"),
        role=OrganisationRole.Role.ADMIN,
    )
    key = (
        ApiKey.objects.select_related("organisation")
        .filter(prefix=prefix, revoked_at__isnull=True, created_by__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(Q(created_by__is_owner_admin=True) | Q(Exists(admin_of_org)))
        .first()
    )
    if key is None or not tokens.matches(token, key.secret_hash):
        return None
    if key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY:
        ApiKey.objects.filter(pk=key.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
        ).update(last_used_at=now)
    return key
