from calendar import monthrange
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.accounts.models import User
from apps.organisations.models import Organisation
from apps.organisations.selectors import can_coordinate


class Refused(ValidationError):
    """A recruitment rule said no; the message is for the person, in their language."""


def now_or(now: datetime | None) -> datetime:
    return now or timezone.now()


def today(now: datetime | None = None) -> date:
    return timezone.localdate(now_or(now))


def must_coordinate(actor: User, organisation: Organisation) -> None:
    if not can_coordinate(actor, organisation):
        raise PermissionDenied


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))
