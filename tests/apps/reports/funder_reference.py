"""The funder report's figures computed the slow, obvious way from plain lists of referrals
and matches, written from the definitions in apps/reports/funder/figures.py, not its SQL."""

import statistics
from collections import Counter
from datetime import UTC, datetime, time, timedelta

from apps.reports.figures import Period
from tests.apps.reports.reference import TZ, inside, local_day


def days(later: datetime, earlier: datetime) -> float:
    # In UTC: Python subtracts two times of one zone on the wall clock, across DST too.
    return (later.astimezone(UTC) - earlier.astimezone(UTC)).total_seconds() / 86400


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def funder_reference(world, programme_id: int, period: Period, now: datetime) -> dict:
    lo = datetime.combine(period.start, time.min, tzinfo=TZ)
    hi = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=TZ)
    lo, hi = lo.astimezone(UTC), hi.astimezone(UTC)  # compared in UTC, as in PostgreSQL
    as_of = min(hi, now.astimezone(UTC))
    referrals = [r for r in world.referrals if r["programme"] == programme_id]
    ids = {r["id"] for r in referrals}
    matches = [m for m in world.matches if m["referral"] in ids]
    created = {r["id"]: r["created_at"] for r in referrals}

    received = [r for r in referrals if inside(period, r["created_at"])]
    matched = [m for m in matches if m["started_at"] and inside(period, m["started_at"])]
    ended = [m for m in matches if m["status"] == "ended" and inside(period, m["ended_at"])]
    active = [
        m
        for m in matches
        if m["started_at"]
        and m["started_at"] < hi
        and (m["ended_at"] is None or m["ended_at"] >= lo)
    ]
    at_end = [
        m
        for m in active
        if m["started_at"] < as_of and (m["ended_at"] is None or m["ended_at"] >= as_of)
    ]
    waiting = []
    for r in referrals:
        if r["created_at"] >= as_of:
            continue
        if r["ended_at"] is not None and r["ended_at"] < as_of:
            continue
        if any(
            m["referral"] == r["id"] and m["started_at"] and m["started_at"] < as_of
            for m in matches
        ):
            continue
        waiting.append(r)
    volunteers = set()
    erased = 0
    for m in active:
        if m["volunteer"] is None:
            erased += 1
        else:
            volunteers.add(m["volunteer"])

    def month(moment):
        return local_day(moment).replace(day=1)

    return {
        "totals": {
            "received": len(received),
            "matched": len(matched),
            "matched_median_days": median(
                [days(m["started_at"], created[m["referral"]]) for m in matched]
            ),
            "waiting": len(waiting),
            "waiting_median_days": median([days(as_of, r["created_at"]) for r in waiting]),
            "active": len(active),
            "active_at_end": len(at_end),
            "ended": len(ended),
            "volunteers": len(volunteers) + erased,
        },
        "months": {
            "received": Counter(month(r["created_at"]) for r in received),
            "matched": Counter(month(m["started_at"]) for m in matched),
            "ended": Counter(month(m["ended_at"]) for m in ended),
        },
        "age_bands": Counter(r["age_band"] for r in received),
        "reasons": Counter(m["end_reason"] for m in ended),
    }
