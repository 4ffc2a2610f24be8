"""`{% load dates %}`: one filter per named format in kernel.dates, e.g.
`{{ shift.starts_at|day_time }}` → "tir 6. jan. 10:00" in Danish, "Tue 6 Jan 10:00" in English.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django import template

from kernel import dates

register = template.Library()


def _filter(name: str) -> Callable[[datetime.date | datetime.datetime | None], str]:
    def show(value: datetime.date | datetime.datetime | None) -> str:
        try:
            return dates.show(value, name)
        except (AttributeError, TypeError, ValueError):
            return ""  # like Django's date filter: a wrong value shows nothing

    show.__name__ = name
    return show


for _name in dates.NAMES:
    # expects_localtime: the template engine hands over aware values in the current zone.
    register.filter(_name, _filter(_name), expects_localtime=True)
