"""Following organisations and categories (their digest: messaging/services/digests.py)."""

from typing import Any

from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.organisations.models import Follow, Organisation
from apps.shifts.models import Category


def follow_set(
    *,
    user: User,
    on: bool,
    organisation: Organisation | None = None,
    category: Category | None = None,
) -> bool:
    """Follow or stop following one organisation or category; returns whether followed now."""
    target: dict[str, Any] = (
        {"organisation": organisation} if organisation else {"category": category}
    )
    if not on:
        Follow.objects.filter(user=user, **target).delete()
        return False
    try:
        with transaction.atomic():
            Follow.objects.get_or_create(user=user, **target)
    except IntegrityError:
        pass  # a double click raced itself: the follow exists, which is what was asked
    return True
