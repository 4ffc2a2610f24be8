"""Small numbers out of the funder report: nothing in it may point at one citizen.

Primary suppression: a count of 1 or 2 is shown as "<3" (`SMALL`), and a median or a mean
of fewer than 3 referrals or answers is not shown at all ("–", `FEW`).

Complementary suppression: a table whose rows add up to a figure shown elsewhere (the
months' received, matched and ended columns and the age bands add up to the key figures;
the end reasons to "ended") would give a lone "<3" back by subtraction. So in each such
group, while some "<3" cell could still be worked out (total minus the cells shown, knowing
each "<3" is 1 or 2 and each other hidden cell at least 3), the smallest shown non-zero
cell of the group is hidden too, shown as "*" (`COMPLEMENT`); when no such cell is left the
group's total is hidden. A total is taken as known when it is shown or when another group
with the same total shows all its cells; then that other group gives up a cell as well.
This repeats until nothing changes. Zeros stay shown: a 0 discloses nobody.
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
    hidden: str = ""  # "", SMALL, COMPLEMENT or FEW (a median or mean of fewer than 3)
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


def safe(total: int, cells: list[Cell]) -> bool:
    """Whether every "<3" among `cells` could be 1 as well as 2, given the total."""
    small = sum(1 for c in cells if c.hidden == SMALL)
    if not small:
        return True
    others = sum(1 for c in cells if c.hidden == COMPLEMENT)
    rest = total - sum(int(c.value or 0) for c in cells if c.shown)
    low = (small - 1) + LIMIT * others  # the other hidden cells at their least
    high = math.inf if others else 2 * (small - 1)
    return all(low <= rest - v <= high for v in (1, 2))


def protect(totals: dict[str, Cell], groups: list[Group]) -> None:
    """Complementary suppression over `groups`, in place (see the module's docstring)."""
    changed = True
    while changed:
        changed = False
        for group in groups:
            total = totals[group.total]
            revealing = [
                g
                for g in groups
                if g is not group and g.total == group.total and all(c.shown for c in g.cells)
            ]
            if total.hidden and not revealing:
                continue
            if safe(int(total.value or 0), group.cells):
                continue
            changed = True
            if _hide_smallest(group.cells):
                continue
            if not total.hidden:
                total.hidden = COMPLEMENT
            for other in revealing:
                _hide_smallest(other.cells)


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
            "average": Cell(
                row["average"], FEW if row["responses"] < LIMIT else "", decimals=1
            ),
        }
        for row in rows
    ]
