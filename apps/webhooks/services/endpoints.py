"""Admins register and switch off endpoints."""

import secrets

from django.db import transaction

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.organisations.models import Organisation
from apps.webhooks import guard
from apps.webhooks.models import Endpoint
from apps.webhooks.services.emitting import flag_drop


def endpoint_create(
    *, actor: User, url: str, kinds: list[str], organisation: Organisation | None
) -> Endpoint:
    """The URL is checked by the SSRF guard (guard.Refused). The secret is returned on the
    row; the page shows it once."""
    guard.checked_address(url)
    with transaction.atomic():
        endpoint = Endpoint.objects.create(
            url=url,
            kinds=sorted(set(kinds)),
            organisation=organisation,
            secret="whsec_" + secrets.token_hex(24),
            created_by=actor,
        )
        audit_record(actor=actor, action="webhook.created", target=endpoint, url=url)
        flag_drop()
        # A concurrent emit may have cached False meanwhile.
        transaction.on_commit(lambda: flag_drop(strict=False))
    return endpoint


def endpoint_deactivate(*, actor: User, endpoint_id: int) -> Endpoint:
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint_id)
        if endpoint.is_active:
            endpoint.is_active = False
            endpoint.save(update_fields=["is_active"])
            audit_record(actor=actor, action="webhook.deactivated", target=endpoint)
        transaction.on_commit(lambda: flag_drop(strict=False))
    return endpoint
