"""The slow, obvious computation of every report figure from plain lists, to hold the SQL to.

Written from the definitions in apps/reports/figures.py, not from its SQL.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from apps.reports.figures import Period

TZ = ZoneInfo("Europe/Copenhagen")


def local_day(moment) -> date:
    return moment.astimezone(TZ).date()


def inside(period: Period, moment) -> bool:
    return period.start <= local_day(moment) <= period.end


def share(part, whole):
    return float(part) / float(whole) if whole else None


def figures_of(attendances: list[dict], shifts: list[dict]) -> dict:
    hours = Decimal("0")
    attended = no_shows = 0
    people = set()
    for row in attendances:
        if row["status"] in ("present", "late"):
            hours += row["hours"]
            attended += 1
            people.add(row["user"])
        else:
            no_shows += 1
    capacity = confirmed = counted = 0
    for shift in shifts:
        if shift["cancelled"]:
            continue
        counted += 1
        capacity += shift["capacity"]
        confirmed += shift["confirmed"]
    return {
        "hours": hours,
        "attended": attended,
        "volunteers": len(people),
        "no_shows": no_shows,
        "no_show_rate": share(no_shows, attended + no_shows),
        "shifts": counted,
        "capacity": capacity,
        "confirmed": confirmed,
        "fill_rate": share(confirmed, capacity),
    }


def reference(world, period: Period, organisation_id: int | None = None) -> dict:
    def in_scope(row):
        return organisation_id is None or row["organisation"] == organisation_id

    rows = [r for r in world.attendances if in_scope(r) and inside(period, r["starts_at"])]
    shifts = [s for s in world.shifts if in_scope(s) and inside(period, s["starts_at"])]
    totals = figures_of(rows, shifts)

    previous = period.previous()
    attended_now, attended_before, attended_earlier = set(), set(), set()
    for row in world.attendances:
        if not in_scope(row) or row["status"] == "no_show":
            continue
        day = local_day(row["starts_at"])
        if period.start <= day <= period.end:
            attended_now.add(row["user"])
        if previous.start <= day <= previous.end:
            attended_before.add(row["user"])
        if day < period.start:
            attended_earlier.add(row["user"])
    totals["active"] = len(attended_now)
    totals["new"] = len(attended_now - attended_earlier)
    totals["lapsed"] = len(attended_before - attended_now)

    def breakdown(key) -> dict:
        grouped_rows, grouped_shifts = defaultdict(list), defaultdict(list)
        for row in rows:
            grouped_rows[key(row)].append(row)
        for shift in shifts:
            grouped_shifts[key(shift)].append(shift)
        keys = set(grouped_rows) | {
            k for k, v in grouped_shifts.items() if any(not s["cancelled"] for s in v)
        }
        return {k: figures_of(grouped_rows[k], grouped_shifts[k]) for k in keys}

    per_volunteer = {}
    for user in {row["user"] for row in rows}:
        mine = [row for row in rows if row["user"] == user]
        figures = figures_of(mine, [])
        per_volunteer[user] = {
            "hours": figures["hours"],
            "attended": figures["attended"],
            "no_shows": figures["no_shows"],
        }
    return {
        "totals": totals,
        "months": breakdown(lambda r: local_day(r["starts_at"]).replace(day=1)),
        "organisations": breakdown(lambda r: r["organisation"]),
        "categories": breakdown(lambda r: r["category"]),
        "events": breakdown(lambda r: r["event"]),
        "volunteers": per_volunteer,
    }
