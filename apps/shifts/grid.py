"""Reads for the planning grid: an event's shifts by week or by day, with how full each is.

A constant number of queries whatever the number of shifts: the event's span (one
aggregate), its tasks, the shifts of the period (with their counters, kept by the services,
so nothing is counted per shift). Days are the tenant's days (the active time zone).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from apps.shifts.models import Event, Shift, SignUp, Task
from kernel import dates

WEEK, DAY = "uge", "dag"
NEARLY_FULL = 0.75  # share of the places taken from which a shift counts as nearly full

# Fill states, in the order of the legend: (css class / key, label).
FILL_STATES = (
    ("full", pgettext_lazy("fill state", "Full")),
    ("nearly", pgettext_lazy("fill state", "Nearly full")),
    ("free", pgettext_lazy("fill state", "Free places")),
    ("empty", pgettext_lazy("fill state", "Empty")),
    ("cancelled", pgettext_lazy("fill state", "Cancelled")),
)
FILL_LABELS = dict(FILL_STATES)


def fill_state(shift: Shift) -> str:
    """Full, nearly full, free places, empty or cancelled; offered places count as taken."""
    if shift.is_cancelled:
        return "cancelled"
    taken = shift.confirmed_count + shift.offered_count
    if taken >= shift.capacity:
        return "full"
    if taken == 0:
        return "empty"
    if taken >= shift.capacity * NEARLY_FULL:
        return "nearly"
    return "free"


@dataclass
class Cell:
    """One shift as the grid shows it."""

    shift: Shift
    fill: str
    starts: datetime  # local
    ends: datetime  # local

    @property
    def fill_label(self) -> str:
        return str(FILL_LABELS[self.fill])

    @property
    def selectable(self) -> bool:
        return self.fill != "cancelled"


@dataclass
class Row:
    """Week view: a task with its shifts per day. Day view: a start time with its shifts."""

    key: str
    label: str
    task: Task | None
    cells_by_day: list[list[Cell]] = field(default_factory=list)
    days: list[date] = field(default_factory=list)

    @property
    def columns(self) -> list[tuple[date, list[Cell]]]:
        return list(zip(self.days, self.cells_by_day, strict=True))

    @property
    def cells(self) -> list[Cell]:
        return [cell for day in self.cells_by_day for cell in day]


@dataclass
class Grid:
    event: Event
    view: str
    day: date  # the shown day, or the Monday of the shown week
    days: list[date]
    rows: list[Row]
    tasks: list[Task]
    previous: date | None
    next: date | None
    today: date

    @property
    def cells(self) -> list[Cell]:
        return [cell for row in self.rows for cell in row.cells]

    @property
    def first(self) -> date:
        return self.days[0]

    @property
    def last(self) -> date:
        return self.days[-1]


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def event_span(event: Event) -> tuple[date, date]:
    """The first and last day of the event or of any of its shifts (a shift may lie
    outside the event's own times)."""
    bounds = Shift.objects.filter(task__event=event).aggregate(
        first=Min("starts_at"), last=Max("starts_at")
    )
    first = min(filter(None, [event.starts_at, bounds["first"]]))
    last = max(filter(None, [event.ends_at, bounds["last"]]))
    return local_date(first), local_date(last)


def period_start(view: str, day: date) -> date:
    return day - timedelta(days=day.weekday()) if view == WEEK else day


def default_day(first: date, last: date, today: date) -> date:
    """Today while the event runs, else its first day."""
    return today if first <= today <= last else first


def event_grid(event: Event, *, view: str, day: date | None = None) -> Grid:
    today = timezone.localdate()
    first, last = event_span(event)
    start = period_start(view, day or default_day(first, last, today))
    length = 7 if view == WEEK else 1
    days = [start + timedelta(days=n) for n in range(length)]
    end = days[-1] + timedelta(days=1)
    shifts = list(
        Shift.objects.filter(
            task__event=event, starts_at__gte=_midnight(start), starts_at__lt=_midnight(end)
        ).order_by("starts_at", "task_id", "id")
    )
    tasks = list(Task.objects.filter(event=event).order_by("id"))
    by_id = {task.pk: task for task in tasks}
    for shift in shifts:  # the task is one of these: no query per shift for shift.task
        shift.task = by_id[shift.task_id]
    cells = [
        Cell(
            shift=shift,
            fill=fill_state(shift),
            starts=timezone.localtime(shift.starts_at),
            ends=timezone.localtime(shift.ends_at),
        )
        for shift in shifts
    ]
    rows = _week_rows(tasks, days, cells) if view == WEEK else _time_rows(cells)
    step = timedelta(days=length)
    return Grid(
        event=event,
        view=view,
        day=start,
        days=days,
        rows=rows,
        tasks=tasks,
        previous=start - step if start > first else None,
        next=start + step if end <= last else None,
        today=today,
    )


def _week_rows(tasks: list[Task], days: list[date], cells: list[Cell]) -> list[Row]:
    rows = []
    for task in tasks:
        row = Row(key=f"opgave-{task.pk}", label=task.title, task=task, days=days)
        row.cells_by_day = [
            [c for c in cells if c.shift.task_id == task.pk and c.starts.date() == day]
            for day in days
        ]
        rows.append(row)
    return rows


def _time_rows(cells: list[Cell]) -> list[Row]:
    rows: dict[str, Row] = {}
    for cell in cells:
        label = f"{cell.starts:%H:%M}"
        row = rows.setdefault(label, Row(key=f"kl-{cell.starts:%H%M}", label=label, task=None))
        if not row.cells_by_day:
            row.cells_by_day = [[]]
        row.cells_by_day[0].append(cell)
    return list(rows.values())


def parse_day(raw: str | None) -> date | None:
    """The `dato` parameter; kernel.dates.parse_day keeps it within bounds."""
    return dates.parse_day(raw)


def cells_of_day(grid: Grid, day: date) -> list[Cell]:
    return [cell for cell in grid.cells if cell.starts.date() == day and cell.selectable]


def cells_of_task(grid: Grid, task_id: int) -> list[Cell]:
    return [cell for cell in grid.cells if cell.shift.task_id == task_id and cell.selectable]


@dataclass
class Selection:
    """Chosen shifts of an event, and how many people are on them."""

    shifts: list[Shift]
    people: int
    signups: int

    @property
    def ids(self) -> list[int]:
        return [shift.pk for shift in self.shifts]


def chosen_shifts(event: Event, shift_ids: Iterable[int]) -> Selection:
    """The event's shifts among `shift_ids` (others are ignored), with the number of
    distinct people with an active sign-up on them, in two queries."""
    ids = set(shift_ids)
    shifts = list(
        Shift.objects.filter(task__event=event, pk__in=ids)
        .select_related("task")
        .order_by("starts_at", "task_id", "id")
    )
    active = SignUp.objects.filter(shift__in=[s.pk for s in shifts], status__in=SignUp.ACTIVE)
    counts = active.values("user_id").order_by().distinct().count() if shifts else 0
    signups = sum(s.confirmed_count + s.offered_count + s.waitlist_count for s in shifts)
    return Selection(shifts=shifts, people=counts, signups=signups)


def shift_ids_from(values: Iterable[str]) -> list[int]:
    return sorted({int(value) for value in values if value.isdigit()})
