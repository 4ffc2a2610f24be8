"""A report out of Tovholder: CSV that Danish Excel opens as it is, XLSX, and (pdf.py) PDF.

The same sections, in the same order, in every format: key figures, then the breakdowns per
month, organisation, category, event and volunteer, then evaluations when there are any.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from apps.members.exports import safe_text
from kernel import dates

Cell = str | int | Decimal | float | date | None
PERCENT = "percent"  # a column of shares (0-1), shown as percentages


@dataclass
class Section:
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    kinds: list[str]  # "text", "number", "hours" or PERCENT, per column


def key_figures(report: dict[str, Any]) -> Section:
    totals = report["totals"]
    rows: list[list[Cell]] = [
        [_("Hours"), totals["hours"]],
        [_("Attended shifts"), totals["attended"]],
        [_("Active volunteers"), totals["active"]],
        [_("New volunteers"), totals["new"]],
        [_("Lapsed volunteers"), totals["lapsed"]],
        [_("No-shows"), totals["no_shows"]],
        [_("No-show rate"), totals["no_show_rate"]],
        [_("Shifts"), totals["shifts"]],
        [_("Places"), totals["capacity"]],
        [_("Confirmed places"), totals["confirmed"]],
        [_("Fill rate"), totals["fill_rate"]],
    ]
    return Section(_("Key figures"), [_("Figure"), _("Value")], rows, ["text", "mixed"])


BREAKDOWN_FIELDS = ["hours", "attended", "volunteers", "no_shows", "no_show_rate", "fill_rate"]
BREAKDOWN_KINDS = ["hours", "number", "number", "number", PERCENT, PERCENT]


def _breakdown_headers(first: str) -> list[str]:
    return [
        first,
        _("Hours"),
        _("Attended shifts"),
        _("Volunteers"),
        _("No-shows"),
        _("No-show rate"),
        _("Fill rate"),
    ]


def sections(report: dict[str, Any]) -> list[Section]:
    result = [key_figures(report)]
    breakdowns = [
        (_("Per month"), _("Month"), report["months"]),
        (_("Per organisation"), _("Organisation"), report["organisations"]),
        (_("Per category"), _("Category"), report["categories"]),
        (_("Per event"), _("Event"), report["events"]),
    ]
    for title, first, rows in breakdowns:
        result.append(
            Section(
                title,
                _breakdown_headers(first),
                [[_label(row)] + [row[field] for field in BREAKDOWN_FIELDS] for row in rows],
                ["text", *BREAKDOWN_KINDS],
            )
        )
    result.append(
        Section(
            _("Per volunteer"),
            [_("Volunteer"), _("Hours"), _("Attended shifts"), _("No-shows")],
            [
                [row["name"], row["hours"], row["attended"], row["no_shows"]]
                for row in report["volunteers"]
            ],
            ["text", "hours", "number", "number"],
        )
    )
    if report.get("evaluation"):
        result.append(
            Section(
                _("Evaluations"),
                [_("Event"), _("Responses"), _("Average score")],
                [
                    [row["event_title"], row["responses"], row["average"]]
                    for row in report["evaluation"]
                ],
                ["text", "number", "hours"],
            )
        )
    return result


def _label(row: dict[str, Any]) -> str:
    if isinstance(row["name"], date):
        return dates.show(row["name"], "year_month")
    return row["name"] or _("No category")


def _csv_cell(value: Cell, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, float) and kind in (PERCENT, "mixed"):
        value = round(Decimal(value * 100), 1)
    # Danish Excel reads 12,5 as a number; 12.5 would be a date or text.
    return str(value).replace(".", ",")


def report_csv(report: dict[str, Any]) -> bytes:
    """UTF-8 with BOM and `;` between columns; sections one after another, a blank line apart.
    Shares are percentages (83,3 means 83.3 %)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for index, section in enumerate(sections(report)):
        if index:
            writer.writerow([])
        writer.writerow([section.title])
        writer.writerow(section.headers)
        for row in section.rows:
            writer.writerow(
                [_csv_cell(value, kind) for value, kind in zip(row, section.kinds, strict=True)]
            )
    return out.getvalue().encode("utf-8-sig")


def report_xlsx(report: dict[str, Any]) -> bytes:
    """One sheet per section; numbers stay numbers, shares are formatted as percentages."""
    return sections_xlsx(sections(report))


def sections_xlsx(all_sections: list[Section]) -> bytes:
    """A workbook of one sheet per section (also the funder report's, apps.reports.funder)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for section in all_sections:
        sheet = book.create_sheet(title=section.title[:31])
        sheet.append(section.headers)
        for row in section.rows:
            # Plain values where no format is needed: a cell object per value costs more
            # than the rest of the export for 20,000 volunteers. Text is never a formula
            # (safe_text), and a str stays text in openpyxl.
            values: list[Any] = []
            for value, kind in zip(row, section.kinds, strict=True):
                if isinstance(value, str):
                    values.append(safe_text(value))
                elif isinstance(value, float) and kind in (PERCENT, "mixed"):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "0.0%"
                    values.append(cell)
                else:
                    values.append(value)
            sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
