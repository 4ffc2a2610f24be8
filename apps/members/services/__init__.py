"""Write paths for the member register: a volunteer keeps their own profile."""

from typing import Any

from django.db import transaction

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.members.models import AVAILABILITY_CODES, Profile, Tag

USER_FIELDS = ("full_name", "phone", "birth_year")
PROFILE_FIELDS = (
    "postcode",
    "area",
    "max_shifts_per_month",
    "max_hours_per_month",
    "emergency_contact_name",
    "emergency_contact_phone",
)


def profile_update(
    *, user: User, tags: list[Tag], availability: list[str], pause: bool, **fields: Any
) -> Profile:
    """The person's own changes. Pausing is theirs to choose; other statuses follow the
    recruitment pipeline and coordinators."""
    with transaction.atomic():
        profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
        for name in USER_FIELDS:
            setattr(user, name, fields[name])
        user.save(update_fields=list(USER_FIELDS))
        for name in PROFILE_FIELDS:
            setattr(profile, name, fields[name])
        profile.availability = [code for code in AVAILABILITY_CODES if code in set(availability)]
        profile.status = _status_after(profile.status, pause)
        profile.save()
        profile.tags.set(tags)
        audit_record(actor=user, action="profile.updated", target=profile)
    return profile


def _status_after(status: str, pause: bool) -> str:
    if pause and status == Profile.Status.ACTIVE:
        return Profile.Status.PAUSED
    if not pause and status == Profile.Status.PAUSED:
        return Profile.Status.ACTIVE
    return status
