"""The event page's shifts, grouped by task and day, with every per-shift text resolved once
here: the page of a 500-shift festival is the template's tightest loop.

Measured at 500 shifts (bench/event_page.py): `{% url %}`, `|date`, `{% blocktrans %}` and
an `{% include %}` per shift were most of the page's time, and a form with its own CSRF
token per shift most of its size. So the texts come from here (the same messages, so the
same translations), identical rows share their strings, and each task's shifts sit in one
form whose buttons each name their shift's sign-up address (`formaction`): one token.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.shifts.models import Event, Shift, SignUp
from kernel import dates

# Up to this many shifts on the page, every day is open; past it, each task's first day
# and the days with the visitor's own shifts are, and the rest one click (or key) away.
ALL_OPEN_UP_TO = 20


@dataclass
class Day:
    label: str
    shifts: list[Shift] = field(default_factory=list)
    open: bool = False
    summary: str = ""


def days_of(event: Event, mine: dict[int, SignUp]) -> int:
    """Set `days` on each of the event's tasks and the display fields on each shift;
    returns the number of shifts."""
    tasks = event.task_list  # type: ignore[attr-defined]
    total = sum(len(task.shifts.all()) for task in tasks)
    sign_up_open = event.status == Event.Status.PUBLISHED
    signup_url, ics_url = _address("shift-sign-up"), _address("calendar-shift")
    labels: dict[date, str] = {}
    states: dict[tuple, SafeString] = {}
    for task in tasks:
        grouped: dict[date, Day] = {}
        for shift in task.shifts.all():
            start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
            day = start.date()
            if day not in labels:
                labels[day] = dates.show(start, "long_day")
            if day not in grouped:
                grouped[day] = Day(labels[day], open=total <= ALL_OPEN_UP_TO or not grouped)
            grouped[day].shifts.append(shift)
            shift.mine = mine.get(shift.pk)
            shift.ref = str(shift.pk)
            shift.described_by = f"task-{task.pk} t{shift.pk}"
            if shift.mine:
                grouped[day].open = True
            shift.when = f"{start:%H:%M}–{end:%H:%M}"
            shift.iso = start.isoformat(timespec="minutes")
            shift.state = _state(shift, states)
            shift.action = _action(shift, sign_up_open)
            shift.signup_url = signup_url(shift.pk)
            shift.ics_url = ics_url(shift.pk)
        for folded in grouped.values():
            folded.summary = _summary(folded.shifts)
        task.days = list(grouped.values())
    return total


def _address(name: str) -> Callable[[int], str]:
    """reverse(name, args=[pk]) for many pks: reversed once, then filled in (a reverse per
    shift was a tenth of the page's time at 500 shifts)."""
    marker = 987654321
    before, after = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{before}{pk}{after}"


def _action(shift: Shift, sign_up_open: bool) -> str:
    """ "signup", "waitlist", or "" (no button: mine already, closed, called off)."""
    if shift.mine or shift.is_cancelled or shift.signup_closed or not sign_up_open:  # type: ignore[attr-defined]
        return ""
    return "signup" if shift.free_places and not shift.waitlist_count else "waitlist"


def _state(shift: Shift, known: dict[tuple, SafeString]) -> SafeString:
    """The shift's status line; many shifts share one, so each is made once."""
    closed = shift.signup_closed  # type: ignore[attr-defined]
    key = (shift.is_cancelled, closed, shift.free_places, shift.waitlist_count,
           shift.signup_deadline)  # fmt: skip
    if key not in known:
        known[key] = _state_text(shift, closed)
    return known[key]


def _state_text(shift: Shift, closed: str) -> SafeString:
    if shift.is_cancelled:
        return format_html("{}", _("Cancelled"))
    deadline = dates.show(shift.signup_deadline, "date_time") if shift.signup_deadline else ""
    if closed:
        why = (
            _("The sign-up deadline was %(when)s.") % {"when": deadline}
            if closed == "deadline"
            else _("This shift has already started.")
        )
        return format_html(
            '<strong>{}</strong> <span class="shift-closed">{}</span>', _("Sign-up closed"), why
        )
    if shift.free_places:
        n = shift.free_places
        text = format_html("{}", ngettext("%(n)s free place", "%(n)s free places", n) % {"n": n})
    else:
        text = format_html("{}", _("Full"))
        if shift.waitlist_count:
            n = shift.waitlist_count
            waiting = ngettext("%(n)s waiting", "%(n)s waiting", n) % {"n": n}
            text = format_html("{} · {}", text, waiting)
    if deadline:
        closes = _("Sign-up closes %(when)s") % {"when": deadline}
        text = format_html('{} <span class="shift-closes">{}</span>', text, closes)
    return text


def _summary(shifts: list[Shift]) -> str:
    """What a closed day holds: its shifts and the places one can still take."""
    free = 0
    for shift in shifts:
        if not shift.is_cancelled and not shift.signup_closed:  # type: ignore[attr-defined]
            free += shift.free_places
    count = ngettext("%(n)s shift", "%(n)s shifts", len(shifts)) % {"n": len(shifts)}
    places = ngettext("%(n)s free place", "%(n)s free places", free) % {"n": free}
    return f"{count} · {places}"
