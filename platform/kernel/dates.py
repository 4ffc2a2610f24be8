"""Dates and times as people read them: one set of named formats for every page and mail.

The formats are written once per language in config/formats/<language>/formats.py; use
them through these functions in Python and through `{% load dates %}` in templates
(`{{ shift.starts_at|day_time }}`), never as a format string of one's own, so that a month
reads the same ("6. jan.") on a coordinator's page, a public page and in a mail. Aware
datetimes are shown in the current time zone (the tenant's, set per request).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import dateformat, formats, timezone, translation

# Filter name → the format's name in the format modules. Not "date" or "time": those are
# Django's own filters, which templates still use for machine formats (date:'c').
NAMES = {
    "clock": "TIME_FORMAT",  # 10:00
    "month": "MONTH_FORMAT",  # jan.
    "day": "DAY_FORMAT",  # tir 6. jan.
    "day_time": "DAY_TIME_FORMAT",  # tir 6. jan. 10:00
    "date_time": "DATE_TIME_FORMAT",  # 6. jan. 10:00
    "abbr_date": "ABBR_DATE_FORMAT",  # 6. jan. 2026
    "month_day_time": "MONTH_DAY_TIME_FORMAT",  # 6. januar 10:00
    "long_day_time": "LONG_DAY_TIME_FORMAT",  # tirsdag 6. januar 10:00
    "long_datetime": "LONG_DATETIME_FORMAT",  # tirsdag 6. januar 2026 10:00
    "full_date": "DATE_FORMAT",  # 6. januar 2026
    "month_day": "MONTH_DAY_FORMAT",  # 6. januar
    "long_day": "LONG_DAY_FORMAT",  # tirsdag 6. januar
    "long_date": "LONG_DATE_FORMAT",  # tirsdag 6. januar 2026
    "datetime": "DATETIME_FORMAT",  # 6. januar 2026 10:00
    "year_month": "YEAR_MONTH_FORMAT",  # januar 2026
    "short_date": "SHORT_DATE_FORMAT",  # 06.01.2026
    "short_datetime": "SHORT_DATETIME_FORMAT",  # 06.01.2026 10:00
}


def format_string(name: str) -> str:
    """The active language's format string for `name` (one of NAMES)."""
    if name not in NAMES:
        raise ValueError(f"not a date format: {name!r} (one of {', '.join(NAMES)})")
    setting = NAMES[name]
    language = translation.get_language() or settings.LANGUAGE_CODE
    for module in formats.get_format_modules(language):
        if hasattr(module, setting):
            return str(getattr(module, setting))
    return str(formats.get_format(setting))


def show(
    value: datetime.date | datetime.datetime | None,
    name: str,
    *,
    zone: datetime.tzinfo | None = None,
) -> str:
    """`value` in the format `name`; an aware datetime in `zone`, by default the current time
    zone (the tenant's in a request; text built in a task or service passes the tenant's)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value, zone)
    return dateformat.format(value, format_string(name))


# --- dates people type ------------------------------------------------------------------
# A date from a form or a query parameter may be anything Python can parse (9999-12-31):
# a day added to it, or a time zone applied, overflows. Every date a person types is kept
# inside these bounds, by `parse_day` (query parameters) and kernel.forms.DayField (forms).
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2199, 12, 31)


def parse_day(raw: str | None) -> datetime.date | None:
    """A query parameter's ISO date (2026-01-06), or None when missing, unreadable or out
    of bounds: a link with an odd date shows the default, never an error page."""
    if not raw:
        return None
    try:
        day = datetime.date.fromisoformat(raw.strip())
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None
