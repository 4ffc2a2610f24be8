from calendar import monthrange
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from kernel.times import now_or


class Refused(ValidationError):
    """A recruitment rule said no; the message is for the person, in their language."""


def today(now: datetime | None = None) -> date:
    return timezone.localdate(now_or(now))


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))
