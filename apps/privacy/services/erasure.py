"""Erasure (article 17).

PLACEHOLDER — replaced by the erasure branch at merge.
"""

from django.db import transaction

from apps.accounts.models import User
from apps.audit.services import audit_record


def erasure_blockers(*, user: User) -> list[str]:
    """Why the person cannot be erased now (none in this placeholder)."""
    return []


def person_erase(*, actor: User | None, user: User, reason: str) -> None:
    """Anonymise the person: scrub the address and names, deactivate the account."""
    with transaction.atomic():
        user.email = f"erased-{user.pk}@invalid.tovholder"
        user.full_name = ""
        user.phone = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        audit_record(actor=actor, action="person.erased", target=user, reason=reason)
