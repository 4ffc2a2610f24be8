"""Following organisations and categories (the digest it brings is
apps.messaging.services.digests)."""

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.organisations.models import Follow, Organisation

if TYPE_CHECKING:  # shifts builds on organisations; a category is one of its models
    from apps.shifts.models import Category


def follow_set(
    *,
    user: User,
    on: bool,
    organisation: Organisation | None = None,
    category: "Category | None" = None,
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
