"""The funder report's figures for one programme and period, in one SQL statement.

Definitions (the page, the exports and tests/apps/reports/funder_reference.py mean these):

- Period: `start` to `end`, both days included, in the tenant's time zone; `as_of` is the
  period's end or now, whichever comes first (a running grant period is counted until now).
- Received: referrals into the programme made in the period (`Referral.created_at`).
- Matched: referrals whose match became active in the period (`CitizenMatch.started_at`;
  a referral has at most one match that ever started: ending it ends the referral).
  Waiting time: from the referral to that start, in days; the median of the period's.
- Waiting: referrals made before `as_of`, neither matched nor closed (withdrawn) by then,
  with the median of how long they had waited at `as_of`.
- Active matches: matches that were active at some time in the period (started before its
  end, not ended before its start); active at the end: still active at `as_of`.
- Ended: matches that ended in the period (any that was proposed, also before it started:
  "not a good fit after the first meeting"), per reason.
- Volunteers engaged: distinct volunteers of the active matches; a match whose volunteer's
  account has since been erased counts as one volunteer of its own.
- Per month: received, matched and ended, by the month their moment falls in; per age
  band: received.

Hours are not logged for matches anywhere in Tovholder (no model holds them), so the report
has none and says so. Retention's scrubbing blanks names and notes but keeps every column
used here, so a report of an old grant period stays the same after its referrals are gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db import connection
from django.utils import timezone

from apps.citizens.models import CitizenMatch, Programme, Referral
from apps.reports.figures import Period
from tenants.selectors import tenant_zone

SECONDS_PER_DAY = 86400.0
TOTALS = ("received", "matched", "ended", "active", "active_at_end", "volunteers", "waiting")

# One row per figure: (kind, key, count, median days). Keys are a month's number (1 = the
# first month of the period), an age band or an end reason; NULL for a total.
FUNDER_SQL = """
WITH r AS MATERIALIZED (
    SELECT id, age_band, created_at, ended_at FROM {referral} WHERE programme_id = %(programme)s
), m AS MATERIALIZED (
    SELECT m.referral_id, m.volunteer_id, m.id, m.status, m.started_at, m.ended_at,
           m.end_reason, r.created_at AS referred_at
    FROM {match} m JOIN r ON r.id = m.referral_id
), received AS (
    SELECT * FROM r WHERE created_at >= %(lo)s AND created_at < %(hi)s
), matched AS (
    SELECT * FROM m WHERE started_at >= %(lo)s AND started_at < %(hi)s
), ended AS (
    SELECT * FROM m WHERE status = 'ended' AND ended_at >= %(lo)s AND ended_at < %(hi)s
), active AS (
    SELECT * FROM m WHERE started_at < %(hi)s AND (ended_at IS NULL OR ended_at >= %(lo)s)
), waiting AS (
    SELECT r.* FROM r
    WHERE r.created_at < %(as_of)s AND (r.ended_at IS NULL OR r.ended_at >= %(as_of)s)
      AND NOT EXISTS (
          SELECT 1 FROM m WHERE m.referral_id = r.id AND m.started_at < %(as_of)s)
)
SELECT 'received', NULL::text, COUNT(*), NULL::float8 FROM received
UNION ALL
SELECT 'received_month', width_bucket(created_at, %(month_starts)s::timestamptz[])::text,
       COUNT(*), NULL FROM received GROUP BY 2
UNION ALL
SELECT 'received_age', age_band, COUNT(*), NULL FROM received GROUP BY 2
UNION ALL
SELECT 'matched', NULL, COUNT(*),
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY EXTRACT(EPOCH FROM started_at - referred_at) / {day})
FROM matched
UNION ALL
SELECT 'matched_month', width_bucket(started_at, %(month_starts)s::timestamptz[])::text,
       COUNT(*), NULL FROM matched GROUP BY 2
UNION ALL
SELECT 'ended', NULL, COUNT(*), NULL FROM ended
UNION ALL
SELECT 'ended_month', width_bucket(ended_at, %(month_starts)s::timestamptz[])::text,
       COUNT(*), NULL FROM ended GROUP BY 2
UNION ALL
SELECT 'ended_reason', end_reason, COUNT(*), NULL FROM ended GROUP BY 2
UNION ALL
SELECT 'active', NULL, COUNT(*), NULL FROM active
UNION ALL
SELECT 'active_at_end', NULL, COUNT(*), NULL FROM active
WHERE started_at < %(as_of)s AND (ended_at IS NULL OR ended_at >= %(as_of)s)
UNION ALL
SELECT 'volunteers', NULL,
       COUNT(DISTINCT volunteer_id) + COUNT(*) FILTER (WHERE volunteer_id IS NULL), NULL
FROM active
UNION ALL
SELECT 'waiting', NULL, COUNT(*),
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY EXTRACT(EPOCH FROM %(as_of)s - created_at) / {day})
FROM waiting
"""


@dataclass(frozen=True)
class Row:
    """A line of a breakdown: `key` (a month's first day, an age band, a reason), its label
    and figures by name."""

    key: Any
    name: Any
    figures: dict[str, int]


def funder_figures(
    programme: Programme, period: Period, *, now: datetime | None = None
) -> dict[str, Any]:
    """Raw (unsuppressed) figures: never show these as they are; suppression.funder_report
    hides the small ones. Keys: programme, period, as_of, totals (received, matched,
    matched_median_days, waiting, waiting_median_days, active, active_at_end, ended,
    volunteers), months, age_bands, reasons (lists of Row)."""
    tz = tenant_zone()
    lo, hi = period.bounds(tz)
    as_of = min(hi, now or timezone.now())
    months = period.months()
    params: dict[str, Any] = {
        "programme": programme.pk,
        "lo": lo,
        "hi": hi,
        "as_of": as_of,
        # A moment's month is found among the months' first instants by binary search.
        "month_starts": [lo] + [datetime.combine(m, time.min, tzinfo=tz) for m in months[1:]],
    }
    sql = FUNDER_SQL.format(
        referral=Referral._meta.db_table, match=CitizenMatch._meta.db_table, day=SECONDS_PER_DAY
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    totals: dict[str, Any] = {"matched_median_days": None, "waiting_median_days": None}
    per: dict[str, dict[str, int]] = {}
    for kind, key, count, median in rows:
        if kind in TOTALS:
            totals[kind] = count
            if kind in ("matched", "waiting"):
                totals[f"{kind}_median_days"] = median
        else:
            per.setdefault(kind, {})[key] = count
    return {
        "programme": programme,
        "period": period,
        "as_of": as_of,
        "totals": totals,
        "months": [
            Row(
                month,
                month,
                {
                    name: per.get(f"{name}_month", {}).get(str(index), 0)
                    for name in ("received", "matched", "ended")
                },
            )
            for index, month in enumerate(months, start=1)
        ],
        "age_bands": [
            Row(value, label, {"received": per.get("received_age", {}).get(value, 0)})
            for value, label in Referral.AgeBand.choices
        ],
        "reasons": [
            Row(value, label, {"ended": per.get("ended_reason", {}).get(value, 0)})
            for value, label in CitizenMatch.EndReason.choices
        ],
    }


def grant_period(programme: Programme, today: date) -> Period:
    """The funder's period: the grant period, or the year so far as one is not set (an open
    end: to the end of this year)."""
    if programme.grant_starts_on and programme.grant_ends_on:
        return Period(programme.grant_starts_on, programme.grant_ends_on)
    if programme.grant_starts_on:
        end = max(date(today.year, 12, 31), programme.grant_starts_on)
        return Period(programme.grant_starts_on, end)
    return Period.year(today.year)
