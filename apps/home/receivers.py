"""What the home pages note when something happens below them (connected in HomeConfig.ready)."""

from typing import Any

from apps.accounts.models import User
from apps.home.services import group_seen


def group_viewed_record(*, user: User, group_id: int, **_: Any) -> None:
    """apps.groups.signals.group_viewed: the group's posts so far are not new to the person."""
    group_seen(user=user, group_id=group_id)
