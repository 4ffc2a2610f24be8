from datetime import datetime

from django.utils import timezone


def now_or(now: datetime | None) -> datetime:
    """The moment a service was given (tests and replays pass one), else now."""
    return now or timezone.now()
