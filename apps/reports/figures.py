"""The figures of a report, aggregated by PostgreSQL in two statements, however much data.

Definitions (they are what the page, the exports and the tests mean by each word):

- Period: from `start` to `end`, both days included, in the tenant's time zone. A shift
  belongs to the period its start falls in, and so do its sign-ups and attendance.
- Scope: one organisation (its events' shifts), or the whole tenant (`organisation_id=None`).
- Hours: the sum of `Attendance.hours` of the attendances marked present or late.
- Attended shifts (participation): the number of attendances marked present or late, that is
  person-shifts; volunteers: the number of distinct people among them.
- No-show rate: no-shows / (present + late + no-shows), of the attendances in the period.
- Active volunteers: distinct people who attended (present or late) in the period.
- New volunteers: active people whose first attendance ever, within the scope, is in the period.
- Lapsed volunteers: people who attended in the previous, equally long period (the year
  before, for a year) but not in this one.
- Fill rate: confirmed places / capacity, summed over the period's shifts that are not
  cancelled (neither the shift nor its event). Confirmed places are the shift's counter,
  which the shift services keep under the shift's row lock.

Where the rows come from: `reports_attendance_fact`, one narrow row per attendance (person,
shift start, event, organisation, category, came, hours in hundredths) that PostgreSQL keeps
right with triggers (migration 0002 of this app says which). A period is one range of its
covering start index, read index-only: no join from shifts through tasks, events and sign-ups
to attendances per row, and no history read.

Why raw SQL: the period's facts are read once, into a materialised CTE, and every figure is
aggregated from it in the same statement: sums per month and event first (a few thousand
rows; an event has one organisation and category), rolled up with GROUPING SETS; distinct
volunteers per organisation, category and event with hashed DISTINCTs (COUNT(DISTINCT) would
sort once per group), per month from a bit per month in each volunteer's row; per volunteer;
and active/new/lapsed ('new' looks up only the people not active in the previous period, in
a partial index of attendances that came, by person). A shift's month is
found by binary search among the months' first instants (width_bucket), not by converting
every start to local time. The ORM would read the same rows once per breakdown. The shifts
(fill rate) are a second, small statement. bench/reports.py measures it: the 2025 figures
over 1,000,000 attendances took 1.5 s from the joined source tables, about 0.8 s from the
fact table.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from apps.accounts.models import User
from apps.organisations.models import Organisation
from apps.shifts.models import Category, Event, Shift, Task
from tenants.selectors import tenant_zone

# The DISTINCTs hold a row per person and month (organisation, event ...) of the period; more
# memory than the default 4 MB keeps those hash tables and the materialised rows off the disk.
WORK_MEM = "64MB"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The equally long period just before this one (for a whole year: the year before)."""
        if (
            self.start.month == 1
            and self.start.day == 1
            and self.end == date(self.start.year, 12, 31)
        ):
            return Period.year(self.start.year - 1)
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def bounds(self, tz: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
        """[first instant, first instant after) in the tenant's time zone."""
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        months = []
        month = self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months

    @property
    def is_year(self) -> bool:
        return self.start == date(self.start.year, 1, 1) and self.end == date(
            self.start.year, 12, 31
        )


def rate(part: int | Decimal, whole: int | Decimal) -> float | None:
    """A share between 0 and 1, or None when there is nothing to divide by."""
    return float(part) / float(whole) if whole else None


def _tables() -> dict[str, str]:
    return {
        "shift": Shift._meta.db_table,
        "task": Task._meta.db_table,
        "event": Event._meta.db_table,
        # Kept by triggers of migration 0002: one row per attendance, what the figures need.
        "fact": "reports_attendance_fact",
    }


# Which breakdown a row of the attendance statement belongs to: GROUPING() of
# (month, organisation_id, category_id, event_id) is a bit mask, 1 where the column is rolled up.
# Rows of kind PEOPLE carry active, new and lapsed in the hours, attended and no_shows columns.
# Hours are summed as integer hundredths (see the fact table) and turned back into hours once.
ATTENDANCE_SQL = """
WITH base AS MATERIALIZED (
    SELECT f.user_id, f.event_id, f.organisation_id, f.category_id,
           width_bucket(f.starts_at, %(month_starts)s::timestamptz[]) AS month,
           f.came, f.hundredths
    FROM {fact} f
    WHERE f.starts_at >= %(start)s AND f.starts_at < %(end)s {scope}
), sums AS (
    -- An event has one organisation and category: a few thousand rows to roll up.
    SELECT month, event_id, organisation_id, category_id,
           COALESCE(SUM(hundredths) FILTER (WHERE came), 0) AS hundredths,
           COUNT(*) FILTER (WHERE came) AS attended, COUNT(*) FILTER (WHERE NOT came) AS no_shows
    FROM base GROUP BY month, event_id, organisation_id, category_id
), people AS MATERIALIZED (
    SELECT user_id, COALESCE(SUM(hundredths) FILTER (WHERE came), 0) AS hundredths,
           COUNT(*) FILTER (WHERE came) AS attended, COUNT(*) FILTER (WHERE NOT came) AS no_shows,
           bit_or(1::bigint << month) FILTER (WHERE came AND month <= %(month_bits)s) AS months
    FROM base GROUP BY user_id
), active AS (
    SELECT user_id FROM people WHERE attended > 0
), previous AS MATERIALIZED (
    SELECT DISTINCT f.user_id FROM {fact} f
    WHERE f.starts_at >= %(prev)s AND f.starts_at < %(start)s AND f.came {scope}
)
SELECT GROUPING(month, organisation_id, category_id, event_id), (%(months)s::date[])[month],
       organisation_id, category_id, event_id, NULL::bigint,
       (SUM(hundredths) / 100.0)::numeric(20, 2), SUM(attended)::bigint, SUM(no_shows)::bigint,
       NULL::bigint
FROM sums
GROUP BY GROUPING SETS ((), (month), (organisation_id), (category_id), (event_id))
UNION ALL
{by_month}
UNION ALL
SELECT 11, NULL, organisation_id, NULL, NULL, NULL, NULL, NULL, NULL, COUNT(*)
FROM (SELECT DISTINCT organisation_id, user_id FROM base WHERE came) d GROUP BY organisation_id
UNION ALL
SELECT 13, NULL, NULL, category_id, NULL, NULL, NULL, NULL, NULL, COUNT(*)
FROM (SELECT DISTINCT category_id, user_id FROM base WHERE came) d GROUP BY category_id
UNION ALL
SELECT 14, NULL, NULL, NULL, event_id, NULL, NULL, NULL, NULL, COUNT(*)
FROM (SELECT DISTINCT event_id, user_id FROM base WHERE came) d GROUP BY event_id
UNION ALL
SELECT 15, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, COUNT(*) FROM active
UNION ALL
SELECT -1, NULL, NULL, NULL, NULL, user_id, (hundredths / 100.0)::numeric(20, 2), attended,
       no_shows, (attended > 0)::int
FROM people
UNION ALL
SELECT -2, NULL, NULL, NULL, NULL, NULL,
       (SELECT COUNT(*) FROM active),
       -- New: not in the previous period (known already), and nothing before that either;
       -- the look-up by person (a partial index of attendances that came) stops at the first.
       (SELECT COUNT(*)
        FROM (SELECT user_id FROM active EXCEPT SELECT user_id FROM previous) x
        WHERE NOT EXISTS (
            SELECT 1 FROM {fact} f
            WHERE f.user_id = x.user_id AND f.starts_at < %(prev)s AND f.came {scope}
       )),
       (SELECT COUNT(*) FROM (SELECT user_id FROM previous EXCEPT SELECT user_id FROM active) l),
       NULL
"""
# Distinct volunteers per month: a bit per month in each person's row (bits 1 to 63 of a
# bigint), counted per bit; a longer period hashes (month, person) pairs like the others.
MONTH_BITS = 63
BY_MONTH_BITS = """
SELECT 7, (%(months)s::date[])[i], NULL, NULL, NULL, NULL, NULL, NULL, NULL, COUNT(*)
FROM people, generate_series(1, cardinality(%(months)s::date[])) i
WHERE months & (1::bigint << i) <> 0 GROUP BY i"""
BY_MONTH_PAIRS = """
SELECT 7, (%(months)s::date[])[month], NULL, NULL, NULL, NULL, NULL, NULL, NULL, COUNT(*)
FROM (SELECT DISTINCT month, user_id FROM base WHERE came) d GROUP BY month"""
TOTAL, BY_MONTH, BY_ORGANISATION, BY_CATEGORY, BY_EVENT, BY_VOLUNTEER = 15, 7, 11, 13, 14, -1
PEOPLE = -2
SCOPE = "AND f.organisation_id = %(org)s::bigint"

SHIFTS_SQL = """
SELECT GROUPING(date_trunc('month', sh.starts_at AT TIME ZONE %(tz)s), e.organisation_id,
                e.category_id, e.id),
       date_trunc('month', sh.starts_at AT TIME ZONE %(tz)s)::date,
       e.organisation_id, e.category_id, e.id,
       COUNT(*), SUM(sh.capacity), SUM(sh.confirmed_count)
FROM {shift} sh
JOIN {task} t ON t.id = sh.task_id
JOIN {event} e ON e.id = t.event_id
WHERE sh.starts_at >= %(start)s AND sh.starts_at < %(end)s
  AND NOT sh.is_cancelled AND e.status <> 'cancelled'
  AND (%(org)s::bigint IS NULL OR e.organisation_id = %(org)s::bigint)
GROUP BY GROUPING SETS (
    (), (date_trunc('month', sh.starts_at AT TIME ZONE %(tz)s)), (e.organisation_id),
    (e.category_id), (e.id)
)
"""


def report_figures(
    period: Period, *, organisation_id: int | None = None, breakdowns: bool = True
) -> dict[str, Any]:
    """Every figure of the report for `period` and scope, as plain dicts and lists.

    Keys: totals (hours, attended, volunteers, no_shows, no_show_rate, shifts, capacity,
    confirmed, fill_rate, active, new, lapsed); months, organisations, categories, events,
    volunteers (lists of dicts with `key`, `name` and the same figures as totals, but for
    active/new/lapsed); period, previous (Periods). Rates are None when nothing is there to
    divide. A constant number of queries, whatever the amount of data. `breakdowns=False`:
    totals and months only, the other lists empty and no names looked up (the home page).
    """
    tz = tenant_zone()
    start, end = period.bounds(tz)
    prev_start, _ = period.previous().bounds(tz)
    months = period.months()
    params: dict[str, Any] = {
        "tz": str(tz),
        "start": start,
        "end": end,
        "prev": prev_start,
        "org": organisation_id,
        # A shift's month is found among the months' first instants by binary search
        # (width_bucket), cheaper than converting every start to local time.
        "months": months,
        "month_starts": [start] + [datetime.combine(m, time.min, tzinfo=tz) for m in months[1:]],
        "month_bits": MONTH_BITS,
    }
    parts = {
        "scope": SCOPE if organisation_id is not None else "",
        "by_month": BY_MONTH_BITS if len(months) <= MONTH_BITS else BY_MONTH_PAIRS,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        # A period's shifts are a narrow range of the start index, their tasks and events a
        # look-up each; 'new' looks up a few people's earlier attendances. Hash joins would
        # read all of history instead, which the planner underrates and which only grows.
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        # Compiling the statement takes longer than running it at this size.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(ATTENDANCE_SQL.format(**_tables(), **parts), params)
        attendance_rows = cursor.fetchall()
        cursor.execute(SHIFTS_SQL.format(**_tables()), params)
        shift_rows = cursor.fetchall()
    return _assemble(period, attendance_rows, shift_rows, breakdowns=breakdowns)


def _empty() -> dict[str, Any]:
    return {
        "hours": Decimal("0"),
        "attended": 0,
        "volunteers": 0,
        "no_shows": 0,
        "no_show_rate": None,
        "shifts": 0,
        "capacity": 0,
        "confirmed": 0,
        "fill_rate": None,
    }


def _assemble(
    period: Period,
    attendance_rows: list[tuple[Any, ...]],
    shift_rows: list[tuple[Any, ...]],
    *,
    breakdowns: bool = True,
) -> dict[str, Any]:
    # Keyed rows per breakdown; the keys are months, organisation, category, event or user ids.
    people = (0, 0, 0)
    groups: dict[int, dict[Any, dict[str, Any]]] = {
        key: {} for key in (TOTAL, BY_MONTH, BY_ORGANISATION, BY_CATEGORY, BY_EVENT, BY_VOLUNTEER)
    }
    for (
        breakdown,
        month,
        org,
        category,
        event,
        user,
        hours,
        attended,
        no_shows,
        people_n,
    ) in attendance_rows:
        if breakdown == PEOPLE:
            people = (int(hours), int(attended), int(no_shows))
            continue
        row = groups[breakdown].setdefault(
            _key(breakdown, month, org, category, event, user), _empty()
        )
        if people_n is not None:  # the distinct volunteers, on a row of their own
            row["volunteers"] = int(people_n)
        if attended is not None:
            row.update(
                hours=Decimal(hours),
                attended=int(attended),
                no_shows=int(no_shows),
                no_show_rate=rate(no_shows, attended + no_shows),
            )
    for breakdown, month, org, category, event, shifts, capacity, confirmed in shift_rows:
        key = _key(breakdown, month, org, category, event, None)
        row = groups[breakdown].setdefault(key, _empty())
        row.update(
            shifts=int(shifts),
            capacity=int(capacity or 0),
            confirmed=int(confirmed or 0),
            fill_rate=rate(confirmed or 0, capacity or 0),
        )
    totals = groups[TOTAL].get(None, _empty())
    active, new, lapsed = people
    totals.update(active=int(active), new=int(new), lapsed=int(lapsed))
    if not breakdowns:
        groups = {key: rows if key == BY_MONTH else {} for key, rows in groups.items()}
    return {
        "period": period,
        "previous": period.previous(),
        "totals": totals,
        "months": _months(period, groups[BY_MONTH]),
        "organisations": _named(
            groups[BY_ORGANISATION], _names(Organisation, "name", groups[BY_ORGANISATION])
        ),
        "categories": _named(groups[BY_CATEGORY], _names(Category, "name", groups[BY_CATEGORY])),
        "events": _named(groups[BY_EVENT], _names(Event, "title", groups[BY_EVENT])),
        "volunteers": _named(groups[BY_VOLUNTEER], _names(User, "full_name", groups[BY_VOLUNTEER])),
    }


def _key(breakdown: int, month: Any, org: Any, category: Any, event: Any, user: Any) -> Any:
    return {
        TOTAL: None,
        BY_MONTH: month,
        BY_ORGANISATION: org,
        BY_CATEGORY: category,
        BY_EVENT: event,
        BY_VOLUNTEER: user,
    }[breakdown]


def _months(period: Period, rows: dict[Any, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every month of the period, also the empty ones (a chart needs its gaps)."""
    return [{"key": month, "name": month, **rows.get(month, _empty())} for month in period.months()]


def _names(model: Any, field: str, only: dict[Any, Any]) -> dict[Any, str]:
    wanted = [key for key in only if key is not None]
    if not wanted:
        return {}
    return dict(model.objects.filter(pk__in=wanted).values_list("pk", field))


def _named(rows: dict[Any, dict[str, Any]], names: dict[Any, str]) -> list[dict[str, Any]]:
    """Rows with a name, most hours first (ties by name); `None` (no category) has no name."""
    named = [{"key": key, "name": names.get(key, ""), **row} for key, row in rows.items()]
    named.sort(key=lambda row: (-row["hours"], -row["attended"], row["name"], row["key"] or 0))
    return named
