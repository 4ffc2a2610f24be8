"""Every figure of the funder report, from SQL, against the slow reference on seeded random
data: for grant periods, years, a period across the new year and one still running."""

from datetime import date

import pytest

from apps.reports.figures import Period
from apps.reports.funder.figures import funder_figures
from tests.apps.reports.funder_reference import funder_reference
from tests.apps.reports.funder_world import NOW, build_funder_world

PERIODS = [
    Period(date(2024, 1, 1), date(2025, 12, 31)),  # a grant period of two years
    Period.year(2024),
    Period.year(2025),
    Period.year(2026),  # runs past "now": counted until now
    Period(date(2024, 11, 15), date(2025, 2, 14)),
    Period(date(2025, 3, 1), date(2025, 3, 1)),
    Period(date(2020, 1, 1), date(2023, 12, 31)),  # before anything
]


@pytest.fixture
def funder_world(in_nyborg):
    return build_funder_world()


def assert_matches(world, programme, period: Period) -> dict:
    actual = funder_figures(programme, period, now=NOW)
    expected = funder_reference(world, programme.pk, period, NOW)
    for name, value in expected["totals"].items():
        if name.endswith("median_days") and value is not None:
            assert actual["totals"][name] == pytest.approx(value), (period, name)
        else:
            assert actual["totals"][name] == value, (period, name)
    for row in actual["months"]:
        for name in ("received", "matched", "ended"):
            assert row.figures[name] == expected["months"][name].get(row.key, 0), (row.key, name)
    for name in ("received", "matched", "ended"):
        months = {row.key for row in actual["months"]}
        assert set(expected["months"][name]) <= months, name  # nothing fell outside a month
    assert {
        row.key: row.figures["received"] for row in actual["age_bands"] if row.figures["received"]
    } == dict(expected["age_bands"])
    assert {
        row.key: row.figures["ended"] for row in actual["reasons"] if row.figures["ended"]
    } == dict(expected["reasons"])
    return actual


def test_it_matches_the_reference_for_every_period_and_programme(funder_world):
    for programme in funder_world.programmes:
        for period in PERIODS:
            assert_matches(funder_world, programme, period)


def test_the_random_data_is_worth_checking(funder_world):
    actual = assert_matches(funder_world, funder_world.programmes[0], PERIODS[0])
    totals = actual["totals"]
    assert totals["received"] > 100 and totals["matched"] > 20 and totals["ended"] > 20
    assert totals["waiting"] > 5 and totals["active_at_end"] > 5
    assert totals["volunteers"] > 10  # the erased volunteers' matches count one each
    assert len([r for r in actual["reasons"] if r.figures["ended"]]) >= 5
    assert len(actual["months"]) == 24


def test_it_matches_the_reference_on_other_random_data(in_nyborg):
    for seed in (3, 5):
        world = build_funder_world(seed=seed, referrals=80, volunteers=4)
        for period in (Period.year(2025), Period(date(2024, 6, 1), date(2026, 5, 31))):
            assert_matches(world, world.programmes[0], period)


def test_a_programme_without_referrals_has_zeros_and_no_medians(funder_world):
    from apps.citizens.models import Programme

    empty = Programme.objects.create(
        organisation=funder_world.programmes[0].organisation, name="Tom"
    )
    totals = funder_figures(empty, Period.year(2025), now=NOW)["totals"]
    assert totals["received"] == totals["waiting"] == totals["volunteers"] == 0
    assert totals["matched_median_days"] is None and totals["waiting_median_days"] is None


def test_the_report_shows_no_small_number_that_can_be_worked_out(funder_world):
    from apps.reports.funder.suppression import Group, exposed, funder_report

    for period in PERIODS:
        report = funder_report(funder_figures(funder_world.programmes[1], period, now=NOW))
        cells = [*report["totals"].values()]
        for name in ("months", "age_bands", "reasons"):
            cells += [v for row in report[name] for v in row.values() if hasattr(v, "hidden")]
        counts = [c for c in cells if c.decimals == 0 and isinstance(c.value, int)]
        assert not [c for c in counts if c.shown and c.value in (1, 2)], period
        groups = [
            Group("received", [m["received"] for m in report["months"]]),
            Group("received", [a["received"] for a in report["age_bands"]]),
            Group("matched", [m["matched"] for m in report["months"]]),
            Group("ended", [m["ended"] for m in report["months"]]),
            Group("ended", [r["ended"] for r in report["reasons"]]),
        ]
        assert exposed(report["totals"], groups) is None, period
