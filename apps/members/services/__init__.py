"""Write paths for the member register: a volunteer keeps their own profile."""

from django.db import transaction

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.members.models import AVAILABILITY_CODES, Profile, Tag


def profile_update(
    *,
    user: User,
    tags: list[Tag],
    availability: list[str],
    pause: bool,
    full_name: str,
    phone: str = "",
    birth_year: int | None = None,
    postcode: str = "",
    area: str = "",
    max_shifts_per_month: int | None = None,
    max_hours_per_month: int | None = None,
    emergency_contact_name: str = "",
    emergency_contact_phone: str = "",
) -> Profile:
    """The person's own changes. Pausing is theirs to choose; other statuses follow the
    recruitment pipeline and coordinators."""
    with transaction.atomic():
        profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
        user.full_name, user.phone, user.birth_year = full_name, phone, birth_year
        user.save(update_fields=["full_name", "phone", "birth_year"])
        profile.postcode, profile.area = postcode, area
        profile.max_shifts_per_month = max_shifts_per_month
        profile.max_hours_per_month = max_hours_per_month
        profile.emergency_contact_name = emergency_contact_name
        profile.emergency_contact_phone = emergency_contact_phone
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
