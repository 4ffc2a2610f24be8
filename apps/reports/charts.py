"""Geometry for the server-rendered SVG bar charts (templates/reports/_*_chart.html).

Only layout happens here: the figures come aggregated from apps.reports.figures. Each chart
is drawn next to a table of the same figures, for screen readers and for reading exact values.
"""

from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from kernel import dates

WIDTH, HEIGHT, BASE = 360, 180, 160  # viewBox units; the SVG scales to the column's width
BAR_ROW = 28  # height of one horizontal bar with its label


def number(value: int | Decimal | float | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{number(value * 100, 1)} %"


def month_columns(months: list[dict[str, Any]], field: str, decimals: int = 0) -> dict[str, Any]:
    """Vertical bars, one per month, tallest = full height."""
    values = [float(month[field] or 0) for month in months]
    top = max(values, default=0) or 1
    slot = WIDTH / max(len(months), 1)
    bars = []
    for index, (month, value) in enumerate(zip(months, values, strict=True)):
        height = round(value / top * (BASE - 20), 1)
        bars.append(
            {
                "x": round(index * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(BASE - height, 1),
                "height": height,
                "label_x": round(index * slot + slot / 2, 1),
                "label": dates.show(month["name"], "month"),
                "value": number(month[field], decimals),
            }
        )
    return {"width": WIDTH, "height": HEIGHT, "base": BASE, "bars": bars}


def horizontal_bars(
    rows: list[dict[str, Any]], field: str, decimals: int = 0, limit: int = 10
) -> dict[str, Any]:
    """One bar per row (the first `limit` rows), the longest = full width."""
    shown = rows[:limit]
    values = [float(row[field] or 0) for row in shown]
    top = max(values, default=0) or 1
    bars = []
    for index, (row, value) in enumerate(zip(shown, values, strict=True)):
        y = index * BAR_ROW
        bars.append(
            {
                "label": row["name"] or _("No category"),
                "label_y": y + 10,
                "y": y + 13,
                "width": max(round(value / top * (WIDTH - 70), 1), 1 if value else 0),
                "value_x": round(value / top * (WIDTH - 70), 1) + 4,
                "value": number(row[field], decimals),
            }
        )
    return {"width": WIDTH, "height": max(len(bars), 1) * BAR_ROW, "bars": bars}


def rate_bars(totals: dict[str, Any]) -> dict[str, Any]:
    """Fill rate and no-show rate as two bars on a 0-100 % scale."""
    rows = [
        {"name": _("Fill rate"), "rate": totals["fill_rate"]},
        {"name": _("No-show rate"), "rate": totals["no_show_rate"]},
    ]
    bars = []
    for index, row in enumerate(rows):
        y = index * BAR_ROW * 1.5
        width = round((row["rate"] or 0) * (WIDTH - 70), 1)
        bars.append(
            {
                "label": row["name"],
                "label_y": y + 10,
                "y": y + 13,
                "width": width,
                "track": WIDTH - 70,
                "value_x": width + 4,
                "value": percent(row["rate"]),
            }
        )
    return {"width": WIDTH, "height": int(2 * BAR_ROW * 1.5), "bars": bars}
