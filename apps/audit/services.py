from typing import Any

from django.db import models

from apps.audit.models import AuditEvent


def audit_record(
    *, actor: object | None, action: str, target: models.Model | None = None, **data: Any
) -> AuditEvent:
    """Write one audit row in the current schema."""
    return AuditEvent.objects.create(
        actor=_label(actor),
        actor_id=_actor_id(actor),
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
    )


def _label(actor: object | None) -> str:
    if actor is None:
        return "system"
    return str(getattr(actor, "email", None) or actor)


def _actor_id(actor: object | None) -> int | None:
    """The id of a person (anything with an email and an integer pk); None otherwise."""
    pk = getattr(actor, "pk", None)
    if getattr(actor, "email", None) and isinstance(pk, int):
        return pk
    return None
