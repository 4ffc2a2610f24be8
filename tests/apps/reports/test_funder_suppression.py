"""Small numbers in the funder report: no count of 1 or 2 is shown, and none can be worked
out from a total and the other cells of its table. Checked by brute force on random tables:
every assignment of the hidden cells that fits what is shown is tried, and each "<3" must
still be possibly 1 and possibly 2."""

import itertools
import random

from apps.reports.funder.suppression import (
    COMPLEMENT,
    FEW,
    SMALL,
    Cell,
    Group,
    count,
    evaluation_rows,
    median,
    protect,
)


def whole(cell: Cell) -> int:
    """A count cell's value (counts are whole numbers; the type also allows averages)."""
    assert isinstance(cell.value, int), cell
    return cell.value


def options(cell: Cell, most: int) -> range:
    """What a reader knows a cell may be from what it shows."""
    if cell.hidden == SMALL:
        return range(1, 3)
    if cell.hidden == COMPLEMENT:
        return range(3, most + 1)
    if cell.hidden == FEW:
        return range(0, most + 1)
    return range(whole(cell), whole(cell) + 1)


def readable(totals: dict[str, Cell], groups: list[Group]) -> dict[int, set[int]]:
    """For each "<3" cell (by id): every value it can take in some reading of the tables."""
    most = sum(int(c.value or 0) for g in groups for c in g.cells) + 3
    seen: dict[int, set[int]] = {}
    for name in {g.total for g in groups}:
        mine = [g for g in groups if g.total == name]
        for total in options(totals[name], most):
            readings = []
            for group in mine:
                fits = [
                    values
                    for values in itertools.product(*(options(c, total) for c in group.cells))
                    if sum(values) == total
                ]
                readings.append((group, fits))
            if any(not fits for _, fits in readings):
                continue  # this total does not fit one of the tables
            for group, fits in readings:
                for values in fits:
                    for cell, value in zip(group.cells, values, strict=True):
                        if cell.hidden == SMALL:
                            seen.setdefault(id(cell), set()).add(value)
    return seen


def random_tables(rng: random.Random) -> tuple[dict[str, Cell], list[Group]]:
    def column(n: int) -> list[Cell]:
        return [count(rng.choice((0, 0, 1, 2, 3, 3, 4, 5, 7))) for _ in range(n)]

    a, b, c = column(rng.randint(1, 5)), column(rng.randint(1, 4)), column(rng.randint(1, 4))
    totals = {
        "a": count(sum(whole(x) for x in a)),
        "c": count(sum(whole(x) for x in c)),
    }
    # b adds up to a's total as well: two tables of the same referrals (months, age bands).
    b_total = sum(whole(x) for x in b)
    if b_total != totals["a"].value:
        b.append(count(whole(totals["a"]) - b_total) if totals["a"].value >= b_total else count(0))
        if sum(whole(x) for x in b) != totals["a"].value:
            b = [count(whole(x)) for x in a][::-1]
    return totals, [Group("a", a), Group("a", b), Group("c", c)]


def test_no_small_count_is_shown_and_none_can_be_worked_out():
    rng = random.Random(5)
    checked = 0
    for _ in range(400):
        totals, groups = random_tables(rng)
        protect(totals, groups)
        cells = [*totals.values(), *(c for g in groups for c in g.cells)]
        assert not [c for c in cells if c.shown and c.value in (1, 2)]
        for group in groups:
            total = totals[group.total]
            if total.shown:
                assert sum(whole(c) for c in group.cells) == total.value
        for values in readable(totals, groups).values():
            assert values == {1, 2}, values
            checked += 1
    assert checked > 200  # the random tables had plenty of small numbers to hide


def test_a_lone_small_cell_takes_a_second_one_with_it():
    cells = [count(1), count(5), count(7)]
    totals = {"t": count(13)}
    protect(totals, [Group("t", cells)])
    assert [c.text for c in cells] == ["<3", "*", "7"]
    # 1 + 3 is what "<3" and "*" could be at the least; 13 - 7 = 6 leaves room for 1 and 2.


def test_the_total_goes_when_no_cell_can_cover_a_small_one():
    cells = [count(2), count(0)]
    totals = {"t": count(2)}
    protect(totals, [Group("t", cells)])
    assert totals["t"].text == "<3"
    # Two "<3" of a total "<3" would make 2, so 1 each: the breakdown shows nothing.
    cells = [count(1), count(1), count(0)]
    totals = {"t": count(2)}
    protect(totals, [Group("t", cells)])
    assert [c.text for c in cells] == ["–", "–", "–"] and totals["t"].text == "<3"


def test_medians_and_averages_of_fewer_than_three_are_not_shown():
    assert median(12.4, 2).hidden == FEW and median(12.4, 2).text == "–"
    assert median(12.4, 3).text == "12"
    assert median(None, 0).text == "–"
    rows = evaluation_rows(
        [
            {"key": "volunteer", "name": "V", "responses": 2, "average": 4.5},
            {"key": "citizen", "name": "C", "responses": 4, "average": 3.25},
        ]
    )
    assert [(r["responses"].text, r["average"].hidden) for r in rows] == [("<3", FEW), ("4", "")]
