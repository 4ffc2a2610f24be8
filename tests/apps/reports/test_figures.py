"""Every figure of the report, from SQL, against the slow reference on seeded random data."""

from datetime import date, datetime

import pytest

from apps.reports.figures import Period, report_figures
from tests.apps.reports.reference import figures_of, reference

FIELDS = ["hours", "attended", "volunteers", "no_shows", "shifts", "capacity", "confirmed"]
RATES = ["no_show_rate", "fill_rate"]


def assert_same(actual: dict, expected: dict, where: str) -> None:
    # A breakdown row of the reference may carry only some figures, but never none: else
    # this would compare nothing and pass.
    compared = [name for name in FIELDS + RATES if name in expected]
    assert compared, (where, sorted(expected))
    for name in compared:
        if name in RATES:
            assert actual[name] == pytest.approx(expected[name]), (where, name)
        else:
            assert actual[name] == expected[name], (where, name)


def assert_report_matches(world, period: Period, organisation_id=None) -> dict:
    actual = report_figures(period, organisation_id=organisation_id)
    expected = reference(world, period, organisation_id)
    assert_same(actual["totals"], expected["totals"], "totals")
    for name in ("active", "new", "lapsed"):
        assert actual["totals"][name] == expected["totals"][name], name
    nothing = figures_of([], [])
    for month in actual["months"]:
        assert_same(month, expected["months"].get(month["key"], nothing), f"month {month['key']}")
    assert {
        m["key"] for m in actual["months"] if m["attended"] or m["no_shows"] or m["shifts"]
    } == set(expected["months"])
    for breakdown in ("organisations", "categories", "events", "volunteers"):
        rows = {row["key"]: row for row in actual[breakdown]}
        assert set(rows) == set(expected[breakdown]), breakdown
        for key, row in rows.items():
            assert_same(row, expected[breakdown][key], f"{breakdown} {key}")
    return actual


def test_it_matches_the_reference_for_a_year(world):
    actual = assert_report_matches(world, Period.year(2024))
    # The seed gives a report worth checking: all of it is there, and the edges matter.
    assert actual["totals"]["attended"] > 50
    assert actual["totals"]["new"] and actual["totals"]["lapsed"]
    assert any(row["key"] is None for row in actual["categories"])  # events without category
    assert len(actual["months"]) == 12


def test_it_matches_the_reference_for_every_year_and_organisation(world):
    for year in (2023, 2024, 2025, 2026):
        assert_report_matches(world, Period.year(year))
        for organisation in world.organisations:
            assert_report_matches(world, Period.year(year), organisation.pk)


def test_it_matches_the_reference_for_a_period_across_the_new_year(world):
    # The previous period is as long: 1 Nov 2023 - 31 Jan 2024 before 1 Feb - 30 Apr ...
    assert_report_matches(world, Period(date(2024, 11, 15), date(2025, 2, 14)))
    assert_report_matches(world, Period(date(2025, 1, 1), date(2025, 1, 1)))
    assert_report_matches(
        world, Period(date(2024, 12, 31), date(2025, 3, 3)), world.organisations[2].pk
    )


def test_it_matches_the_reference_for_more_months_than_bits(world):
    # Over 63 months the distinct volunteers per month are counted as pairs, not bits.
    actual = assert_report_matches(world, Period(date(2020, 1, 1), date(2025, 12, 31)))
    assert len(actual["months"]) == 72 and actual["months"][-1]["volunteers"] > 0
    # 63 months, the last (December 2025) in the sign bit.
    actual = assert_report_matches(world, Period(date(2020, 10, 1), date(2025, 12, 31)))
    assert len(actual["months"]) == 63 and actual["months"][-1]["volunteers"] > 0


def test_it_matches_the_reference_on_other_random_data(in_nyborg):
    from tests.apps.reports.conftest import build_world

    world = build_world(seed=2026, volunteers=12, shifts_per_event=9)
    assert_report_matches(world, Period.year(2025))
    assert_report_matches(
        world, Period(date(2024, 6, 1), date(2025, 5, 31)), world.organisations[1].pk
    )


def test_it_counts_a_shift_in_the_local_day_it_starts(world):
    from tests.apps.reports.conftest import NYBORG_TZ

    def held_at(year, month, day, hour, minute):
        starts = datetime(year, month, day, hour, minute, tzinfo=NYBORG_TZ)
        return sum(1 for s in world.shifts if s["starts_at"] == starts and not s["cancelled"])

    # 00:30 on 1 January is still 31 December in UTC; 23:30 on 31 December is in December.
    new_year = report_figures(Period(date(2024, 1, 1), date(2024, 1, 1)))["totals"]
    new_years_eve = report_figures(Period(date(2023, 12, 31), date(2023, 12, 31)))["totals"]
    assert new_year["shifts"] == held_at(2024, 1, 1, 0, 30) > 0
    assert new_years_eve["shifts"] == held_at(2023, 12, 31, 23, 30) > 0


def test_it_reports_zero_for_an_empty_period(world):
    report = report_figures(Period.year(2030))
    assert report["totals"]["hours"] == 0
    assert report["totals"]["fill_rate"] is None
    assert report["totals"]["lapsed"] == 0
    assert report["organisations"] == [] and report["volunteers"] == []
