"""Moving moments by wall-clock time in the tenant's zone: a shift at 10:00 stays at 10:00
when its event moves a week across a summer-time change."""

from datetime import datetime, timedelta

from django.utils import timezone

from tenants.selectors import current_tenant


def wall_clock_offset(was: datetime, now: datetime) -> timedelta:
    """How far `was` moved to `now` on the tenant's wall clock."""
    with timezone.override(current_tenant().timezone):
        return _naive(now) - _naive(was)


def moved_by(moment: datetime, offset: timedelta) -> datetime:
    with timezone.override(current_tenant().timezone):
        return timezone.make_aware(_naive(moment) + offset)


def _naive(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(tzinfo=None)
