"""Small numbers out of the funder report: nothing in it may point at one citizen.

Primary suppression: a count of 1 or 2 is shown as "<3" (`SMALL`), and a median or a mean
of fewer than 3 referrals or answers is not shown at all (a dash, `FEW`).

Complementary suppression: a table whose rows add up to a figure shown elsewhere (the
months' received, matched and ended columns and the age bands add up to the key figures;
the end reasons to "ended") could give a "<3" back by subtraction. A reader is assumed to
know the rules: a "<3" is 1 or 2, a "*" at least 3, a dash anything. While some "<3" can be
pinned to 1 or 2 (`exposed`, exact: the total's range is narrowed by every table that adds
up to it), the smallest shown cell of 3 or more in its table is hidden too, shown as "*"
(`COMPLEMENT`); if its table has none, the total is hidden ("*"); then a cell of another
table of the same total; and if nothing is left, that total's breakdowns show dashes
throughout. This repeats until no "<3" can be pinned. Zeros stay shown: a 0 discloses
nobody.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from apps.reports.charts import number

LIMIT = 3  # counts below this (but above 0) are hidden
SMALL, COMPLEMENT, FEW = "small", "complement", "few"


@dataclass(eq=False)
class Cell:
    value: int | float | None
    # "", SMALL, COMPLEMENT or FEW (a median or mean of fewer than 3, or a breakdown of a
    # total below 3)
    hidden: str = ""
    decimals: int = 0

    @property
    def shown(self) -> bool:
        return not self.hidden

    @property
    def text(self) -> str:
        if self.hidden == SMALL:
            return f"<{LIMIT}"
        if self.hidden == COMPLEMENT:
            return "*"
        if self.hidden == FEW:
            return "–"
        return number(self.value, self.decimals)

    @property
    def export(self) -> int | float | str | None:
        """What a spreadsheet cell holds: the number when shown, the marker when not."""
        return self.value if self.shown else self.text

    @property
    def bar(self) -> float:
        """What a chart draws: nothing for a hidden cell (its label says why)."""
        return float(self.value or 0) if self.shown else 0.0


def count(value: int) -> Cell:
    return Cell(value, SMALL if 0 < value < LIMIT else "")


def median(days: float | None, of: int) -> Cell:
    if days is None:
        return Cell(None)
    return Cell(days, FEW if of < LIMIT else "", decimals=0)


@dataclass
class Group:
    """Cells that add up to `total`."""

    total: str
    cells: list[Cell]


def _range(cell: Cell) -> tuple[float, float]:
    """What a reader knows a cell holds from what it shows."""
    if cell.hidden == SMALL:
        return 1, LIMIT - 1
    if cell.hidden == COMPLEMENT:
        return LIMIT, math.inf
    if cell.hidden == FEW:
        return 0, math.inf
    return cell.value or 0, cell.value or 0


def _sum(cells: list[Cell]) -> tuple[float, float]:
    ranges = [_range(c) for c in cells]
    return sum(r[0] for r in ranges), sum(r[1] for r in ranges)


def exposed(totals: dict[str, Cell], groups: list[Group]) -> Group | None:
    """A group with a "<3" that a reader can pin to 1 or to 2, or None.

    The groups of one total share only that total, and every range here is a run of whole
    numbers, so this is exact: the total lies in its own range and in each group's (the
    sums of its cells' ranges); a "<3" can be v when the total minus v fits the sum of
    the rest of its group."""
    for name in dict.fromkeys(g.total for g in groups):
        mine = [g for g in groups if g.total == name]
        low, high = _range(totals[name])
        for group in mine:
            group_low, group_high = _sum(group.cells)
            low, high = max(low, group_low), min(high, group_high)
        for group in mine:
            for index, cell in enumerate(group.cells):
                if cell.hidden != SMALL:
                    continue
                rest_low, rest_high = _sum(group.cells[:index] + group.cells[index + 1 :])
                for value in range(1, LIMIT):
                    if max(low - value, rest_low) > min(high - value, rest_high):
                        return group
    return None


def protect(totals: dict[str, Cell], groups: list[Group]) -> None:
    """Complementary suppression over `groups`, in place (see the module's docstring)."""
    while (group := exposed(totals, groups)) is not None:
        if _hide_smallest(group.cells):
            continue
        total = totals[group.total]
        if total.shown:
            total.hidden = COMPLEMENT
            continue
        others = [g for g in groups if g.total == group.total and g is not group]
        if any(_hide_smallest(other.cells) for other in others):
            continue
        # Nothing left to hide that helps: this total's breakdowns show nothing.
        for other in [group, *others]:
            for cell in other.cells:
                cell.hidden = FEW


def _hide_smallest(cells: list[Cell]) -> bool:
    candidates = [c for c in cells if c.shown and (c.value or 0) >= LIMIT]
    if not candidates:
        return False
    min(candidates, key=lambda c: c.value or 0).hidden = COMPLEMENT
    return True


def funder_report(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures as Cells, small numbers hidden: what the page and the exports show."""
    raw = figures["totals"]
    totals = {
        name: count(raw[name])
        for name in (
            "received",
            "matched",
            "waiting",
            "active",
            "active_at_end",
            "ended",
            "volunteers",
        )
    }
    totals["matched_median_days"] = median(raw["matched_median_days"], raw["matched"])
    totals["waiting_median_days"] = median(raw["waiting_median_days"], raw["waiting"])

    def rows(name: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
        return [
            {"key": row.key, "name": row.name, **{f: count(row.figures[f]) for f in fields}}
            for row in figures[name]
        ]

    months = rows("months", ("received", "matched", "ended"))
    age_bands = rows("age_bands", ("received",))
    reasons = rows("reasons", ("ended",))
    protect(
        totals,
        [
            Group("received", [m["received"] for m in months]),
            Group("received", [a["received"] for a in age_bands]),
            Group("matched", [m["matched"] for m in months]),
            Group("ended", [m["ended"] for m in months]),
            Group("ended", [r["ended"] for r in reasons]),
        ],
    )
    return {
        "programme": figures["programme"],
        "period": figures["period"],
        "as_of": figures["as_of"],
        "totals": totals,
        "months": months,
        "age_bands": age_bands,
        "reasons": reasons,
        "evaluation": evaluation_rows(figures.get("evaluation", [])),
    }


def evaluation_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An average of fewer than 3 answers is not shown: it would be one person's answer."""
    return [
        {
            "key": row["key"],
            "name": row["name"],
            "responses": count(row["responses"]),
            "average": Cell(row["average"], FEW if row["responses"] < LIMIT else "", decimals=1),
        }
        for row in rows
    ]
