"""Write paths of the home page: putting the set-up checklist away (and back), and noting
when a person opened a group, so that the home can say which posts are new to them."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.home.models import GroupVisit, HomeState


def checklist_dismiss(*, user: User, dismissed: bool, now: datetime | None = None) -> HomeState:
    """A system-owner admin puts the set-up checklist away (the month's figures take its
    place) or brings it back."""
    if not user.is_owner_admin:
        raise PermissionDenied("Only the system owner's admins have a set-up checklist.")
    with transaction.atomic():
        state, _created = HomeState.objects.select_for_update().get_or_create(user=user)
        if (state.checklist_dismissed_at is not None) == dismissed:
            return state  # already so: nothing to change or record
        state.checklist_dismissed_at = (now or timezone.now()) if dismissed else None
        state.save(update_fields=["checklist_dismissed_at"])
        action = "home.checklist_dismissed" if dismissed else "home.checklist_restored"
        audit_record(actor=user, action=action, target=user)
    return state


def group_seen(*, user: User, group_id: int, now: datetime | None = None) -> None:
    """The person has the group's page in front of them: its posts so far are not new.
    One statement, safe from two tabs at once (insert, or move the time on conflict)."""
    GroupVisit.objects.bulk_create(
        [GroupVisit(user=user, group_id=group_id, seen_at=now or timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "group"],
        update_fields=["seen_at"],
    )
